/** Reporting periods: a month (2026-10), a quarter (2026-Q4) or a year (2026), in Hong Kong time. */
export type PeriodKind = "month" | "quarter" | "year";

export interface Period {
  kind: PeriodKind;
  key: string;
  months: string[];
  /** first and last HK dates of the period */
  start: string;
  end: string;
}

function lastDay(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** Parses "2026-10", "2026-Q4" or "2026"; null for anything else. */
export function parsePeriod(key: string): Period | null {
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) return { kind: "month", key, months: [key], start: `${key}-01`, end: lastDay(key) };
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) {
    const q = Number(m[2]);
    const first = `${m[1]}-${String(q * 3 - 2).padStart(2, "0")}`;
    const last = `${m[1]}-${String(q * 3).padStart(2, "0")}`;
    return {
      kind: "quarter",
      key,
      months: monthsBetween(first, last),
      start: `${first}-01`,
      end: lastDay(last),
    };
  }
  m = /^(\d{4})$/.exec(key);
  if (m)
    return {
      kind: "year",
      key,
      months: monthsBetween(`${key}-01`, `${key}-12`),
      start: `${key}-01-01`,
      end: `${key}-12-31`,
    };
  return null;
}

/** The month (YYYY-MM) n months before a month. */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}

/** The last n complete months before `month` (oldest first). */
export function lastCompleteMonths(month: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => shiftMonth(month, n - i));
}

export function quarterOf(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return `${y}-Q${Math.ceil(m / 3)}`;
}
