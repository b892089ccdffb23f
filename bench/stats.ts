/** Medians and ranges of repeated figures. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length === 0 ? Number.NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN, values };
}

/** `1,234 (1,100–1,300)` with a number of significant digits fit for the size. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en");
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function range(s: Summary, unit = ""): string {
  if (s.values.length <= 1) return `${num(s.median)}${unit}`;
  return `${num(s.median)}${unit} (${num(s.min)}–${num(s.max)})`;
}
