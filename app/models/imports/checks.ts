import type { ImportProblem } from "./format";

/*
 * The checks of one value of the registry import, each returning a value or a problem
 * (registryImport.errors.*). Pure, shared by the validation and the load passes.
 */

export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; key: string; values?: Record<string, string | number> };

const INSTANT = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const CODE = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
export const DEPARTMENT_CODE = /^[A-Za-z][A-Za-z0-9]{1,19}$/;
/** A pledge_id is also the transaction type of its transactions (pledges/schema TRANSACTION_TYPE_RE). */
export const PLEDGE_ID = /^[A-Z0-9-]{2,40}$/;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (key: string, values: Record<string, string | number> = {}): Checked<never> => ({
  ok: false,
  key,
  values,
});

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day exists (Date.parse rolls 2025-02-30 over into March). */
function realDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** An instant with its offset, as the stored ISO UTC string. (Hot: two per activity row, each pass.) */
export function instant(v: string, column: string): Checked<string> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (!INSTANT.test(s)) return bad(LOCAL_TIME.test(s) ? "noOffset" : "instant", { column, value: s });
  const ms = Date.parse(s);
  if (Number.isNaN(ms) || !realDay(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10)))
    return bad("instant", { column, value: s });
  return ok(new Date(ms).toISOString());
}

/** A calendar date YYYY-MM-DD that exists. */
export function date(v: string, column: string): Checked<string> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  const m = DATE.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const back = new Date(Date.UTC(y, mo - 1, d));
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return ok(s);
  }
  return bad("date", { column, value: s });
}

export function number(v: string, column: string): Checked<number> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (!NUMBER.test(s)) return bad("number", { column, value: s });
  return ok(Number(s));
}

/** A share 0–1 (the file's unit), as the percent the product stores (0.95 → 95). */
export function share(v: string, column: string): Checked<number> {
  const n = number(v, column);
  if (!n.ok) return n;
  if (n.value < 0 || n.value > 1) return bad("share", { column, value: v.trim() });
  return ok(Math.round(n.value * 1e6) / 1e4);
}

export function oneOf<T extends string>(v: string, column: string, allowed: readonly T[]): Checked<T> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (!(allowed as readonly string[]).includes(s))
    return bad("oneOf", { column, value: s, allowed: allowed.join(", ") });
  return ok(s as T);
}

export function text(v: string, column: string, max = 1000): Checked<string> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (s.length > max) return bad("tooLong", { column, max });
  return ok(s);
}

export function code(v: string, column: string, re: RegExp = CODE): Checked<string> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (!re.test(s) || s.length > 40) return bad("code", { column, value: s });
  return ok(s);
}

/** A score of a five-point question: 1, 2, 3, 4 or 5. */
export function score(v: string, column: string): Checked<number> {
  const s = v.trim();
  if (!s) return bad("required", { column });
  if (!/^[1-5]$/.test(s)) return bad("score", { column, value: s });
  return ok(Number(s));
}

/** A problem of a row's column, for the error list. */
export function problemOf(
  file: string,
  line: number,
  column: string,
  c: { key: string; values?: Record<string, string | number> },
): ImportProblem {
  return { file, line, column, key: c.key, values: c.values };
}
