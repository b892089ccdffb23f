/**
 * How a monthly report's numbers, months and times are written in a language: the report page,
 * its PDF and the report lists use the same, so a figure reads the same everywhere.
 */
export function reportFormats(locale: string) {
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const wholePercent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const signed = new Intl.NumberFormat(locale, { signDisplay: "exceptZero", maximumFractionDigits: 1 });
  const monthFormat = new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", timeZone: "UTC" });
  const shortMonth = new Intl.DateTimeFormat(locale, { year: "2-digit", month: "short", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Hong_Kong",
  });
  const toDate = (m: string) => new Date(`${m}-01T00:00:00Z`);
  return {
    count: (v: number) => number.format(v),
    /** shares are 0–1, shown to one decimal place (as in the XLSX export) */
    percent: (v: number | null) => (v === null ? "—" : percent.format(v)),
    wholePercent: (v: number) => wholePercent.format(v),
    signed: (v: number) => signed.format(v),
    month: (m: string) => monthFormat.format(toDate(m)),
    shortMonth: (m: string) => shortMonth.format(toDate(m)),
    /** an instant, in Hong Kong time */
    at: (iso: string) => dateTime.format(new Date(iso)),
  };
}

export type ReportFormats = ReturnType<typeof reportFormats>;
