import Holidays from "date-holidays";

/*
 * Pledge deadlines in Hong Kong working days (工作天) and calendar days (曆日).
 *
 * Pure logic, no I/O. Dates are Hong Kong calendar dates, 'YYYY-MM-DD'; instants are ISO-8601
 * strings with a zone (as stored, docs/decisions/0002-portable-column-types.md). Hong Kong keeps
 * UTC+8 all year (no daylight saving since 1979), so an instant's HK date is its UTC date 8 hours on.
 *
 * Internally a date is a day number (days since 1970-01-01), so walking 30 working days is integer
 * arithmetic with no per-day strings or Date objects.
 */

const DAY_MS = 86_400_000;
const HK_OFFSET_MS = 8 * 3_600_000;

/** An instant needs its zone, or it is read in the server's zone; a bare date means UTC midnight. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NO_DAYS: ReadonlySet<number> = new Set();

/** A pledge target: "within 5 working days" is `{ days: 5, unit: "working" }`. */
export type DeadlineTarget = { days: number; unit: "working" | "calendar" };

/** Clock stopped ("awaiting customer"), ISO instants, `to` null while stopped; rule: `stoppedRanges`. */
export type ClockStop = { from: string; to: string | null };

/** Extra inputs for a due date: administrator-added closure days and the case's clock stops. */
export type DueDateOptions = { closures?: Iterable<string>; stops?: readonly ClockStop[] };

/** Milliseconds of an instant; rejects unparseable and zone-less strings rather than guess a zone. */
function instantMs(iso: string | Date): number {
  const ms = typeof iso === "string" ? (ISO_INSTANT.test(iso) ? Date.parse(iso) : Number.NaN) : iso.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant with a zone: ${String(iso)}`);
  return ms;
}

/** Day number of a 'YYYY-MM-DD' date; rejects impossible dates such as 2026-02-30. */
function dayOf(date: string): number {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms / DAY_MS;
    }
  }
  throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
}

/** 'YYYY-MM-DD' of a day number; only called for results, never inside the counting loops. */
function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Hong Kong day number of an instant. */
function hkDayOf(iso: string | Date): number {
  return Math.floor((instantMs(iso) + HK_OFFSET_MS) / DAY_MS);
}

/** Year of a day number without allocating (a Date per day would be the loop's only garbage). */
function yearOf(day: number): number {
  let year = 1970 + Math.floor(day / 365.2425);
  if (day < Date.UTC(year, 0, 1) / DAY_MS) year--;
  else if (day >= Date.UTC(year + 1, 0, 1) / DAY_MS) year++;
  return year;
}

// One date-holidays instance, built on first use: it parses rules for the whole of HK's calendar.
let hk: Holidays | undefined;
const holidayYears = new Map<number, { dates: readonly string[]; days: ReadonlySet<number> }>();

/** Holidays of a year, computed once: deadline queues ask about the same few years all day long. */
function holidayYear(year: number): { dates: readonly string[]; days: ReadonlySet<number> } {
  let entry = holidayYears.get(year);
  if (!entry) {
    if (!Number.isInteger(year)) throw new RangeError(`Not a year: ${year}`);
    hk ??= new Holidays("HK");
    // date-holidays gives local dates as 'YYYY-MM-DD 00:00:00' (Asia/Hong_Kong) and already applies
    // Cap. 149's substitutions (a holiday on a Sunday moves to the next weekday), so the date part
    // is the gazetted date; a holiday falling on a Sunday is not listed again for that Sunday.
    const dates = [
      ...new Set(
        hk
          .getHolidays(year)
          .filter((h) => h.type === "public")
          .map((h) => h.date.slice(0, 10)),
      ),
    ].sort();
    entry = { dates, days: new Set(dates.map(dayOf)) };
    holidayYears.set(year, entry);
  }
  return entry;
}

/**
 * Hong Kong general holidays of a year other than Sundays (General Holidays Ordinance, Cap. 149),
 * sorted 'YYYY-MM-DD', from date-holidays (country 'HK', type 'public').
 */
export function hkGeneralHolidays(year: number): string[] {
  return [...holidayYear(year).dates]; // a copy, so a caller cannot change the memo
}

/** Monday–Friday, not a general holiday and not a closure day (day number form). */
function isWorkingDayNumber(day: number, closures: ReadonlySet<number>): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  if (weekday === 0 || weekday === 6) return false;
  return !closures.has(day) && !holidayYear(yearOf(day)).days.has(day);
}

/**
 * Whether a HK date is a working day: Monday–Friday, not a general holiday, and not a closure day
 * an administrator added (typhoon signal No. 8, black rainstorm).
 */
export function isWorkingDay(date: string, closures?: ReadonlySet<string>): boolean {
  const day = dayOf(date);
  return !closures?.has(date) && isWorkingDayNumber(day, NO_DAYS);
}

/** Closure dates as day numbers; a malformed date fails loudly rather than silently counting. */
function closureDayNumbers(closures: Iterable<string> | undefined): ReadonlySet<number> {
  if (!closures) return NO_DAYS;
  const days = new Set<number>();
  for (const date of closures) days.add(dayOf(date));
  return days;
}

/**
 * The days a clock stop removes, as inclusive day-number ranges [first, last].
 *
 * Rule: a stop removes the HK dates AFTER the date it started, up to and INCLUDING the date the
 * clock restarted: (stop date, restart date]. A restart is treated like a fresh receipt, which is
 * counted from the next day, and the stop date itself counts because the clock ran for part of it.
 * So a stop and restart on the same day costs nothing, and a stop costs exactly as many calendar
 * days as the dates it spans. A reply arriving on a Saturday or holiday therefore removes only that
 * non-working day, not a working day the officer lost when the stop began.
 */
function stoppedRanges(stops: readonly ClockStop[]): Array<readonly [number, number]> {
  const ranges: Array<readonly [number, number]> = [];
  for (const stop of stops) {
    if (stop.to === null) continue;
    const from = hkDayOf(stop.from);
    const to = hkDayOf(stop.to);
    if (instantMs(stop.to) < instantMs(stop.from)) {
      throw new RangeError(`Clock stop restarts before it stops: ${stop.from} → ${stop.to}`);
    }
    if (to > from) ranges.push([from + 1, to]);
  }
  return ranges;
}

/** Whether a day falls in any stopped range; a plain loop, as a case has only a few stops. */
function isStopped(day: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [first, last] of ranges) if (day >= first && day <= last) return true;
  return false;
}

/**
 * The HK date by the end of which a step is due, or null while the clock is stopped (an open stop).
 *
 * Counting starts the day after the HK date of receipt (day 1), and skips clock-stopped days (see
 * `stoppedRanges`: the days after a stop's date up to and including its restart date). A working-
 * day target also skips Saturdays, Sundays, general holidays and closure days, so its due date is
 * always a working day. A calendar-day target counts every day and is NOT rolled forward when it
 * lands on a Saturday, Sunday or holiday: the pledge promises elapsed time, and moving it would
 * lengthen that promise; the due-soon queue (`daysLeft`) already shows it by the last working day.
 * A target of 0 days is due on the day of receipt.
 */
export function dueDate(
  receivedAt: string,
  target: DeadlineTarget,
  options: DueDateOptions = {},
): string | null {
  if (!Number.isInteger(target.days) || target.days < 0) {
    throw new RangeError(`A target needs a whole number of days ≥ 0, not ${target.days}`);
  }
  const stops = options.stops ?? [];
  if (stops.some((s) => s.to === null)) return null;
  const stopped = stoppedRanges(stops);
  const closures = closureDayNumbers(options.closures);
  const working = target.unit === "working";

  let day = hkDayOf(receivedAt);
  for (let remaining = target.days; remaining > 0; ) {
    day++;
    if (isStopped(day, stopped)) continue;
    if (working && !isWorkingDayNumber(day, closures)) continue;
    remaining--;
  }
  return dateOf(day);
}

/**
 * A working-day due date after one date becomes a closure day (`closed: true`) or stops being one
 * (`closed: false`). `closures` are the OTHER closure days that apply (without this entry).
 *
 * The number of working days the due date stands for is read from the due date itself, under the
 * calendar before the change, and walked again under the calendar after it: so a case keeps the
 * target it was given when received, even if the department's settings changed since; only the
 * calendar changes. In effect: a working day in (receipt date, due date] that closes moves the due
 * date to the next working day; one that reopens moves it back to the previous one. Unchanged when
 * the date is outside that window, is not a working day anyway (weekend, holiday, closed by another
 * entry), falls in a clock stop, when the clock is stopped now, or when the stored due date is not
 * a working day (a calendar-day target, or one computed under other rules: left alone).
 */
export function dueDateAfterClosureChange(
  receivedAt: string,
  due: string,
  change: { date: string; closed: boolean },
  options: DueDateOptions = {},
): string {
  const stops = options.stops ?? [];
  if (stops.some((s) => s.to === null)) return due;
  const changed = dayOf(change.date);
  const start = hkDayOf(receivedAt);
  const end = dayOf(due);
  if (changed <= start || changed > end) return due;
  const others = closureDayNumbers(options.closures);
  if (others.has(changed)) return due;
  const before = new Set(others);
  const after = new Set(others);
  (change.closed ? after : before).add(changed);
  const stopped = stoppedRanges(stops);
  const counts = (day: number, calendar: ReadonlySet<number>) =>
    !isStopped(day, stopped) && isWorkingDayNumber(day, calendar);
  if (!counts(end, before)) return due;
  let target = 0;
  for (let day = start + 1; day <= end; day++) if (counts(day, before)) target++;
  let day = start;
  for (let remaining = target; remaining > 0; ) {
    day++;
    if (counts(day, after)) remaining--;
  }
  return dateOf(day);
}

/** Whether a step done at an instant met a due date: done by 23:59:59.999 HKT on that date. */
export function isMet(doneAt: string, due: string): boolean {
  return hkDayOf(doneAt) <= dayOf(due);
}

/** Working days in (from, to] as day numbers; negative, counted over (to, from], when to is earlier. */
function workingDaysIn(from: number, to: number, closures: ReadonlySet<number>): number {
  if (to < from) return -workingDaysIn(to, from, closures);
  let count = 0;
  for (let day = from + 1; day <= to; day++) if (isWorkingDayNumber(day, closures)) count++;
  return count;
}

/**
 * Working days elapsed from the day after start's HK date up to and including end's HK date: 0 on
 * the same day, and the target itself when end is on the due date. Negative if end is before start.
 */
export function workingDaysBetween(startIso: string, endIso: string, closures?: Iterable<string>): number {
  return workingDaysIn(hkDayOf(startIso), hkDayOf(endIso), closureDayNumbers(closures));
}

/**
 * Working days from today (HK) to a due date: 0 when due today or when no working day is left
 * before it (a calendar-day deadline on a Sunday); negative only once today is past the due date,
 * and at least -1 then, so "overdue" is `< 0` even over a weekend.
 */
export function daysLeft(due: string, now: Date, closures?: Iterable<string>): number {
  const today = hkDayOf(now);
  const dueDay = dayOf(due);
  const left = workingDaysIn(today, dueDay, closureDayNumbers(closures));
  return today > dueDay ? Math.min(left, -1) : left;
}
