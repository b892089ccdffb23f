import { shiftMonth } from "../calendar/periods";

/** Months in a trend, ending with the report's month. */
export const TREND_MONTHS = 12;

/** UTC instants bounding a Hong Kong month: [from, to), for ISO timestamps stored in UTC. */
export function hkMonthRange(month: string): { from: string; to: string } {
  const iso = (m: string) => new Date(Date.parse(`${m}-01T00:00:00+08:00`)).toISOString();
  return { from: iso(month), to: iso(shiftMonth(month, -1)) };
}

/** The twelve months ending with `month`, oldest first. */
export function trendMonths(month: string): string[] {
  return Array.from({ length: TREND_MONTHS }, (_, i) => shiftMonth(month, TREND_MONTHS - 1 - i));
}
