/** A sender's clock may run this far ahead of ours: later than now + this is "in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Timestamps are stored as ISO-8601 UTC strings (docs/decisions/0002-portable-column-types.md). */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/**
 * The Hong Kong calendar month (YYYY-MM) of an instant. Hong Kong keeps UTC+8 all year (no
 * daylight saving since 1979), so a response at 23:59 HKT on the last day counts in that month.
 */
export function hkMonth(iso: string | Date): string {
  const ms = typeof iso === "string" ? Date.parse(iso) : iso.getTime();
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 7);
}

/** The Hong Kong calendar date (YYYY-MM-DD) of an instant. */
export function hkDate(iso: string | Date): string {
  const ms = typeof iso === "string" ? Date.parse(iso) : iso.getTime();
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}
