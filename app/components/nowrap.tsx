/**
 * A sentence with one value in it (a case reference, a date) that stays on one line (issue 15):
 * "Case IMMD-2612-00011-A" never breaks inside the reference at a hyphen.
 */
export function KeepValueTogether({ text, value }: { text: string; value: string }) {
  const at = text.indexOf(value);
  if (!value || at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <span className="nowrap">{value}</span>
      {text.slice(at + value.length)}
    </>
  );
}
