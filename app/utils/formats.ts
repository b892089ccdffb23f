/**
 * How numbers, months, dates and times are written in the app's two languages: one module for
 * every page, the report PDF and the lists, so a figure or a time reads the same everywhere.
 *
 * A page is written twice, by the server and then by React in the browser to hydrate it, so both
 * must produce the same characters. Intl's date and time output is locale data that changes
 * between ICU versions and that browsers patch: Node's ICU wrote "20/11/2025 下午2:05" with a thin
 * space (U+2009) where Chromium's wrote a plain space, and React threw #418/#423/#425 on every row
 * of the Chinese feedback log and drew the page again. So dates and times are put together here
 * from their numbers, by a fixed pattern per language (the look CLDR gives, with plain spaces), in
 * Hong Kong time: UTC+8 all year, no daylight saving since 1979 (as in app/models/calendar/time.ts).
 * Numbers go through Intl.NumberFormat, built once per language at module level (shared
 * performance lesson 6); digits, ",", "." and "%" are the same in both languages in every ICU.
 */

export type Instant = string | number | Date;

export interface Formats {
  /** 1234 → "1,234" */
  count(v: number): string;
  /** two decimal places: 4.2 → "4.20" */
  decimal(v: number): string;
  /** a share 0–1, to one decimal place (as in the XLSX export): 0.1234 → "12.3%"; null → "—" */
  percent(v: number | null): string;
  /** a share 0–1, whole: 0.5 → "50%" */
  wholePercent(v: number): string;
  /** with its sign, to one decimal place: 1.25 → "+1.3", 0 → "0" */
  signed(v: number): string;
  /** a month "YYYY-MM": "November 2025", "2025年11月" */
  month(m: string): string;
  /** a month "YYYY-MM", short: "Nov 25", "25年11月" */
  shortMonth(m: string): string;
  /** a calendar date "YYYY-MM-DD" (a Hong Kong date, e.g. a deadline): "20 Nov 2025", "2025年11月20日" */
  date(d: string): string;
  /** the same, month in full: "20 November 2025", "2025年11月20日" */
  longDate(d: string): string;
  /** the Hong Kong date of an instant */
  dayOf(at: Instant): string;
  /** the Hong Kong date of an instant, month in full */
  longDayOf(at: Instant): string;
  /** an instant in Hong Kong time: "20 Nov 2025, 2:05 PM", "2025年11月20日 下午2:05" */
  at(at: Instant): string;
  /** the same with seconds: "20 Nov 2025, 2:05:09 PM", "2025年11月20日 下午2:05:09" */
  atSeconds(at: Instant): string;
  /** an instant, the date in figures (for long tables): "20/11/2025, 2:05 PM", "20/11/2025 下午2:05" */
  shortAt(at: Instant): string;
}

/** The numbers of a date or an instant in Hong Kong. */
interface Parts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number; // 0–23
  minute: number;
  second: number;
}

/** How one language writes dates and times, from their numbers. */
interface DatePatterns {
  month(p: Parts): string;
  shortMonth(p: Parts): string;
  date(p: Parts): string;
  longDate(p: Parts): string;
  numericDate(p: Parts): string;
  time(p: Parts, seconds: boolean): string;
  /** between a date and its time */
  joiner: string;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const twoDigitYear = (y: number) => pad2(y % 100);
const hour12 = (h: number) => (h % 12 === 0 ? 12 : h % 12);
const clock = (p: Parts, seconds: boolean) =>
  `${hour12(p.hour)}:${pad2(p.minute)}${seconds ? `:${pad2(p.second)}` : ""}`;

const EN_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const PATTERNS: Record<"en" | "zh-HK", DatePatterns> = {
  en: {
    month: (p) => `${EN_MONTHS[p.month - 1]} ${p.year}`,
    shortMonth: (p) => `${EN_MONTHS[p.month - 1]!.slice(0, 3)} ${twoDigitYear(p.year)}`,
    // Day, month, year, as the HKSAR Government writes English dates ("7 December 2026").
    date: (p) => `${p.day} ${EN_MONTHS[p.month - 1]!.slice(0, 3)} ${p.year}`,
    longDate: (p) => `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`,
    numericDate: (p) => `${p.day}/${p.month}/${p.year}`,
    time: (p, seconds) => `${clock(p, seconds)} ${p.hour < 12 ? "AM" : "PM"}`,
    joiner: ", ",
  },
  "zh-HK": {
    month: (p) => `${p.year}年${p.month}月`,
    shortMonth: (p) => `${twoDigitYear(p.year)}年${p.month}月`,
    date: (p) => `${p.year}年${p.month}月${p.day}日`,
    longDate: (p) => `${p.year}年${p.month}月${p.day}日`,
    numericDate: (p) => `${p.day}/${p.month}/${p.year}`,
    time: (p, seconds) => `${p.hour < 12 ? "上午" : "下午"}${clock(p, seconds)}`,
    joiner: " ",
  },
};

const HK_OFFSET_MS = 8 * 3600_000;

/** The Hong Kong date and time of an instant. */
function hkParts(at: Instant): Parts {
  const ms = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
  const d = new Date(ms + HK_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The numbers of "YYYY-MM" or "YYYY-MM-DD" (a calendar month or date: no time zone). */
function calendarParts(s: string): Parts {
  return {
    year: Number(s.slice(0, 4)),
    month: Number(s.slice(5, 7)),
    day: Number(s.slice(8, 10)) || 1,
    hour: 0,
    minute: 0,
    second: 0,
  };
}

function build(language: "en" | "zh-HK"): Formats {
  const number = new Intl.NumberFormat(language);
  const decimal = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 });
  const wholePercent = new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 });
  const signed = new Intl.NumberFormat(language, { signDisplay: "exceptZero", maximumFractionDigits: 1 });
  const p = PATTERNS[language];
  return {
    count: (v) => number.format(v),
    decimal: (v) => decimal.format(v),
    percent: (v) => (v === null ? "—" : percent.format(v)),
    wholePercent: (v) => wholePercent.format(v),
    signed: (v) => signed.format(v),
    month: (m) => p.month(calendarParts(m)),
    shortMonth: (m) => p.shortMonth(calendarParts(m)),
    date: (d) => p.date(calendarParts(d)),
    longDate: (d) => p.longDate(calendarParts(d)),
    dayOf: (at) => p.date(hkParts(at)),
    longDayOf: (at) => p.longDate(hkParts(at)),
    at: (at) => {
      const x = hkParts(at);
      return `${p.date(x)}${p.joiner}${p.time(x, false)}`;
    },
    atSeconds: (at) => {
      const x = hkParts(at);
      return `${p.date(x)}${p.joiner}${p.time(x, true)}`;
    },
    shortAt: (at) => {
      const x = hkParts(at);
      return `${p.numericDate(x)}${p.joiner}${p.time(x, false)}`;
    },
  };
}

const byLanguage = {
  en: build("en"),
  "zh-HK": build("zh-HK"),
};

/** The formats of a language ("zh-HK", "zh…" → Chinese; anything else → English). */
export function formats(locale: string | undefined): Formats {
  return locale?.startsWith("zh") ? byLanguage["zh-HK"] : byLanguage.en;
}
