/*
 * Dates and instants as people and spreadsheets write them, parsed strictly: a real calendar date,
 * and an instant either with its time zone (ISO 8601) or as `YYYY-MM-DD HH:MM` local time in Hong
 * Kong (UTC+8 all year, no daylight saving). Generic: imports nothing of the app.
 */

const ZONED =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const HK_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
/** `YYYY-MM-DD`, the shape only (isRealDate checks the calendar too). */
export const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year, month (1–12) and day make a real date of the Gregorian calendar. */
export function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[m - 1]! + (leap ? 1 : 0);
}

/** Whether `value` is `YYYY-MM-DD` and a real date (not 2026-02-29). */
export function isRealDate(value: string): boolean {
  const d = ISO_DATE_RE.exec(value);
  return !!d && validDate(Number(d[1]), Number(d[2]), Number(d[3]));
}

/** Milliseconds of an instant in one of parseInstant's forms, or NaN. */
export function spreadsheetInstantMs(value: string, hkLocal: boolean): number {
  // The usual spreadsheet form first: `YYYY-MM-DD HH:MM` is 16 characters.
  let m = hkLocal && value.length <= 19 ? HK_LOCAL.exec(value) : null;
  let offsetMin = 8 * 60;
  if (!m) {
    m = ZONED.exec(value);
    if (!m) return Number.NaN;
    if (m[8]) offsetMin = 0;
    else {
      const oh = Number(m[10]);
      const om = Number(m[11]);
      if (oh > 14 || om > 59) return Number.NaN;
      offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
    }
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
}

/**
 * An instant written as ISO 8601 with its time zone (`2026-09-22T09:30:00+08:00`, `…Z`), or,
 * when `hkLocal`, as `YYYY-MM-DD HH:MM` read as Hong Kong time (UTC+8 all year). Returns the
 * stored form (ISO UTC), or null when it is not one of these or not a real date and time.
 */
export function parseInstant(value: string, hkLocal = true): string | null {
  const ms = spreadsheetInstantMs(value, hkLocal);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
