import type { Insertable } from "kysely";
import { z } from "zod";
import type { Db } from "../../../db/client";
import type { Pledge, PledgeVersion, QualityReadingTable, ServiceTransactionTable } from "../../../db/schema";
import type { ApiProblem, ApiResult } from "../../utils/api.server";
import { recordAudit } from "../audit/audit.server";
import { CLOCK_SKEW_MS, hkDate, nowIso } from "../calendar/time";
import { departmentClosureDates } from "../cases/deadlines.server";
import type { ApiKeyAuth } from "../staff/api-keys.server";
import { pledgeResults } from "./results.server";
import { insertTransactions, type TransactionInput, transactionRow } from "./transactions.server";

/*
 * The data pledges are measured by, as department staff enter it: service transactions (one at a
 * time, from the JSON API, or a CSV file checked whole before anything is stored), quality readings
 * (one at a time or a CSV file), and for each unmet month the reason and the corrective proposal
 * (the pledge paper's "progress reports listing unmet items and corrective proposals", §5).
 *
 * Imports are all or nothing: every row is checked first; one bad row stores nothing and the
 * answer lists every bad row by its line. A good file is stored in ONE transaction with multi-row
 * INSERTs (shared/performance.md lesson 4).
 */

/** An actor writing data: a staff member (or null for a system). */
export interface Actor {
  id: number | null;
}

// ---- CSV (RFC 4180) ----

/** One record of a CSV file and the physical line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file that is not CSV at all (an unclosed quote): nothing of it can be read. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly key: "unterminatedQuote" | "textAfterQuote",
  ) {
    super(`CSV syntax error at line ${line}: ${key}`);
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Physical line breaks inside a quoted field (CRLF, LF or a lone CR each count once). */
function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}

/**
 * Parses CSV as RFC 4180 describes it: fields separated by commas, records by CRLF (LF or a lone
 * CR too); a field in double quotes may hold commas, line breaks and doubled quotes (`""` → `"`).
 * A byte-order mark is dropped and blank lines are skipped. A quote inside an unquoted field is
 * kept as text (as spreadsheets read it). Throws CsvSyntaxError for an unclosed quoted field or
 * text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  eachCsvRecord(text, (fields, line) => {
    out.push({ line, fields });
    return true;
  });
  return out;
}

/**
 * parseCsv one record at a time, keeping none of them (a 20 MB file need not be held twice):
 * `onRecord` gets each record's fields and first line, and may return false to stop.
 */
export function eachCsvRecord(text: string, onRecord: (fields: string[], line: number) => boolean): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = "";
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) throw new CsvSyntaxError(startLine, "unterminatedQuote");
          value += text.slice(j, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        if (value.includes("\n") || value.includes("\r")) line += lineBreaks(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== LF && c !== CR) throw new CsvSyntaxError(line, "textAfterQuote");
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      i++;
      if (c === COMMA) continue;
      if (c === CR && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    if ((fields.length > 1 || fields[0] !== "") && onRecord(fields, startLine) === false) return;
  }
}

// ---- Row errors ----

/** One bad row: its line in the file, a translation key, and the column at fault. */
export interface RowError {
  line: number;
  key: string;
  column?: string;
  /** values for the message's placeholders */
  values?: Record<string, string | number>;
}

/** The most errors an answer lists; all of them are counted. */
export const MAX_ERRORS_SHOWN = 100;
/** The most data rows one file may hold (a 20 MB file of transactions is about 300,000). */
export const MAX_IMPORT_ROWS = 500_000;
const E = "pledgesAdmin.import.errors";

/** Keeps the first MAX_ERRORS_SHOWN errors by line and counts them all. */
class ErrorList {
  list: RowError[] = [];
  count = 0;
  add(e: RowError) {
    this.count++;
    if (this.list.length < MAX_ERRORS_SHOWN) this.list.push(e);
  }
}

export type ImportRefused = { ok: false; errors: RowError[]; errorCount: number };

/**
 * The header row: every expected column once, in any order (`optional` ones may be left out).
 * Returns each expected column's index in the file (-1 when an optional one is absent), or null.
 */
function readHeader(
  fields: string[],
  expected: readonly string[],
  optional: readonly string[],
  errors: ErrorList,
): number[] | null {
  const index = new Map<string, number>();
  let ok = true;
  for (const [i, raw] of fields.entries()) {
    const name = raw.trim();
    if (!expected.includes(name)) {
      errors.add({ line: 1, key: `${E}.unknownColumn`, column: name, values: { column: name } });
      ok = false;
    } else if (index.has(name)) {
      errors.add({ line: 1, key: `${E}.duplicateColumn`, column: name, values: { column: name } });
      ok = false;
    } else index.set(name, i);
  }
  for (const name of expected) {
    if (!index.has(name) && !optional.includes(name)) {
      errors.add({ line: 1, key: `${E}.missingColumn`, column: name, values: { column: name } });
      ok = false;
    }
  }
  return ok ? expected.map((name) => index.get(name) ?? -1) : null;
}

/**
 * Reads a CSV file's data rows one at a time after checking its header: `onRow` gets each row's
 * fields, its line and the expected columns' indexes. Problems of the file as a whole (empty, no
 * rows, too many rows, not CSV at all) are added to `errors`.
 */
function eachCsvRow(
  text: string,
  expected: readonly string[],
  optional: readonly string[],
  errors: ErrorList,
  onRow: (fields: string[], line: number, columns: number[], width: number) => void,
): void {
  let state: "start" | "rows" | "refused" = "start";
  let columns: number[] = [];
  let width = 0;
  let rows = 0;
  try {
    eachCsvRecord(text, (fields, line) => {
      if (state === "start") {
        const found = readHeader(fields, expected, optional, errors);
        if (!found) {
          state = "refused";
          return false;
        }
        state = "rows";
        columns = found;
        width = fields.length;
        return true;
      }
      if (++rows > MAX_IMPORT_ROWS) {
        errors.add({ line, key: `${E}.tooManyRows`, values: { max: MAX_IMPORT_ROWS } });
        return false;
      }
      onRow(fields, line, columns, width);
      return true;
    });
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    errors.add({ line: e.line, key: `${E}.${e.key}` });
    return;
  }
  if (state === "start") errors.add({ line: 1, key: `${E}.empty` });
  else if (state === "rows" && rows === 0) errors.add({ line: 1, key: `${E}.noRows` });
}

// ---- Instants and checks shared by the form, the CSV import and the API ----

const ZONED =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const HK_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Nothing before this is data anyone is still reporting on (and it bounds the day counting). */
const EARLIEST = "2000-01-01";
const EARLIEST_MS = Date.parse("2000-01-01T00:00:00+08:00");
/** Received to completed, at most: beyond this it is a typo, and counting days gets slow. */
const MAX_SPAN_DAYS = 1096;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[m - 1]! + (leap ? 1 : 0);
}

/** Milliseconds of an instant in one of parseInstant's forms, or NaN. */
function spreadsheetInstantMs(value: string, hkLocal: boolean): number {
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

/** What is wrong with a transaction's field (the form, the CSV and the API word it their own way). */
export type TransactionProblem = "type" | "ref" | "date" | "tooEarly" | "future" | "beforeReceived" | "span";
export type TransactionField = "transactionType" | "externalRef" | "receivedAt" | "completedAt";

export const TRANSACTION_TYPE_RE = /^[A-Z0-9-]{2,40}$/;
/** 1 to 100 characters, none of them a control character (\p{Cc}: line breaks, tabs, NUL…). */
function validRef(ref: string): boolean {
  if (ref.length === 0 || ref.length > 100) return false;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 32 || (c >= 127 && c <= 159)) return false;
  }
  return true;
}

export type CheckedTransaction =
  | { ok: true; item: TransactionInput }
  | { ok: false; field: TransactionField; problem: TransactionProblem };

/** Checks one transaction's four values; times in the stored form (ISO UTC) when good. */
export function checkTransaction(
  raw: { transactionType: string; externalRef: string; receivedAt: string; completedAt: string | null },
  nowMs: number,
  hkLocal = true,
): CheckedTransaction {
  const transactionType = raw.transactionType.trim();
  if (!TRANSACTION_TYPE_RE.test(transactionType))
    return { ok: false, field: "transactionType", problem: "type" };
  const externalRef = raw.externalRef.trim();
  if (!validRef(externalRef)) return { ok: false, field: "externalRef", problem: "ref" };
  const receivedText = raw.receivedAt.trim();
  const completedText = raw.completedAt?.trim() ?? "";
  const received = spreadsheetInstantMs(receivedText, hkLocal);
  if (Number.isNaN(received)) return { ok: false, field: "receivedAt", problem: "date" };
  if (received < EARLIEST_MS) return { ok: false, field: "receivedAt", problem: "tooEarly" };
  if (received > nowMs + CLOCK_SKEW_MS) return { ok: false, field: "receivedAt", problem: "future" };
  let completedAt: string | null = null;
  if (completedText) {
    const completed = spreadsheetInstantMs(completedText, hkLocal);
    if (Number.isNaN(completed)) return { ok: false, field: "completedAt", problem: "date" };
    if (completed > nowMs + CLOCK_SKEW_MS) return { ok: false, field: "completedAt", problem: "future" };
    if (completed < received) return { ok: false, field: "completedAt", problem: "beforeReceived" };
    if (completed - received > MAX_SPAN_DAYS * 86_400_000)
      return { ok: false, field: "completedAt", problem: "span" };
    completedAt = new Date(completed).toISOString();
  }
  const receivedAt = new Date(received).toISOString();
  return { ok: true, item: { transactionType, externalRef, receivedAt, completedAt } };
}

const PROBLEM_KEYS: Record<TransactionProblem, string> = {
  type: "transactionType",
  ref: "externalRef",
  date: "dateTime",
  tooEarly: "tooEarly",
  future: "future",
  beforeReceived: "completedBeforeReceived",
  span: "span",
};

/** Field → translation key (pledgesAdmin.errors.*) for a transaction entered in the form. */
export function transactionProblemKey(problem: TransactionProblem): string {
  return `pledgesAdmin.errors.${PROBLEM_KEYS[problem]}`;
}

// ---- Service transactions: CSV ----

export const TRANSACTION_COLUMNS = [
  "transaction_type",
  "external_ref",
  "received_at",
  "completed_at",
] as const;
const COLUMN_OF: Record<TransactionField, string> = {
  transactionType: "transaction_type",
  externalRef: "external_ref",
  receivedAt: "received_at",
  completedAt: "completed_at",
};

type TransactionRow = Insertable<ServiceTransactionTable>;

interface TransactionsChecked {
  rows: TransactionRow[];
  /** the line of each row in `rows` */
  lines: number[];
  errors: ErrorList;
}

/** Every row checked on its own and against the file; the good rows kept even when some are bad. */
function checkTransactionsCsv(
  text: string,
  departmentId: number,
  closures: ReadonlySet<string>,
  now: Date,
): TransactionsChecked {
  const errors = new ErrorList();
  const rows: TransactionRow[] = [];
  const lines: number[] = [];
  const nowMs = now.getTime();
  const createdAt = nowIso(now);
  const seen = new Map<string, number>();
  eachCsvRow(text, TRANSACTION_COLUMNS, [], errors, (fields, line, [ti, ri, ai, ci], width) => {
    if (fields.length !== width) {
      errors.add({ line, key: `${E}.fieldCount`, values: { expected: width, found: fields.length } });
      return;
    }
    const checked = checkTransaction(
      {
        transactionType: fields[ti!]!,
        externalRef: fields[ri!]!,
        receivedAt: fields[ai!]!,
        completedAt: fields[ci!]!,
      },
      nowMs,
    );
    if (!checked.ok) {
      const column = COLUMN_OF[checked.field];
      errors.add({ line, key: transactionProblemKey(checked.problem), column, values: { column } });
      return;
    }
    const t = checked.item;
    const key = `${t.transactionType}\u0000${t.externalRef}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.add({
        line,
        key: `${E}.duplicateInFile`,
        column: "external_ref",
        values: { column: "external_ref", first },
      });
      return;
    }
    seen.set(key, line);
    rows.push(transactionRow(departmentId, t, closures, createdAt));
    lines.push(line);
  });
  return { rows, lines, errors };
}

/**
 * Checks a transactions CSV (columns `transaction_type,external_ref,received_at,completed_at`, in
 * any order) without the database: the rows ready to insert, or every bad row by line (the first
 * MAX_ERRORS_SHOWN listed, all counted). `importTransactions` adds the check against stored refs.
 */
export function validateTransactionsCsv(
  text: string,
  departmentId: number,
  closures: ReadonlySet<string>,
  now: Date = new Date(),
): { ok: true; rows: TransactionRow[]; lines: number[] } | ImportRefused {
  const r = checkTransactionsCsv(text, departmentId, closures, now);
  if (r.errors.count) return { ok: false, errors: r.errors.list, errorCount: r.errors.count };
  return { ok: true, rows: r.rows, lines: r.lines };
}

/** Refs per query: far below SQLite's and Postgres's bound-parameter limits. */
const REF_CHUNK = 500;

/** The (type, ref) pairs of `items` already stored for the department, keyed `type\0ref`. */
async function storedRefs(
  db: Db,
  departmentId: number,
  items: { transaction_type: string; external_ref: string }[],
): Promise<Set<string>> {
  const byType = new Map<string, string[]>();
  for (const t of items) {
    const refs = byType.get(t.transaction_type) ?? [];
    refs.push(t.external_ref);
    byType.set(t.transaction_type, refs);
  }
  const found = new Set<string>();
  for (const [type, refs] of byType) {
    // The usual first import of a type: nothing stored, one query instead of one per chunk.
    const any = await db
      .selectFrom("service_transactions")
      .select("id")
      .where("department_id", "=", departmentId)
      .where("transaction_type", "=", type)
      .limit(1)
      .executeTakeFirst();
    if (!any) continue;
    for (let i = 0; i < refs.length; i += REF_CHUNK) {
      const rows = await db
        .selectFrom("service_transactions")
        .select("external_ref")
        .where("department_id", "=", departmentId)
        .where("transaction_type", "=", type)
        .where("external_ref", "in", refs.slice(i, i + REF_CHUNK))
        .execute();
      for (const r of rows) found.add(`${type}\u0000${r.external_ref}`);
    }
  }
  return found;
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Rows per multi-row INSERT: 11 columns × 2,000 = 22,000 parameters, under SQLite's 32,766. */
const TRANSACTION_CHUNK = 2000;

export type ImportResult = { ok: true; importId: number; rows: number } | ImportRefused;

/**
 * Imports a department's service transactions from CSV, all or nothing: the whole file is checked
 * first (each row, duplicates within the file, refs already stored for the department and type);
 * any bad row stores nothing and returns every error. A good file is stored with its
 * `data_imports` row in one transaction. Audited ("data.import").
 */
export async function importTransactions(
  db: Db,
  actor: Actor,
  departmentId: number,
  filename: string,
  text: string,
  now: Date = new Date(),
): Promise<ImportResult> {
  const closures = await departmentClosureDates(db, departmentId);
  const checked = checkTransactionsCsv(text, departmentId, closures, now);
  const { rows, lines } = checked;
  let errors = checked.errors;
  if (rows.length) {
    const stored = await storedRefs(db, departmentId, rows);
    if (stored.size) {
      const merged = new ErrorList();
      const dup: RowError[] = [];
      rows.forEach((r, i) => {
        if (stored.has(`${r.transaction_type}\u0000${r.external_ref}`)) {
          dup.push({
            line: lines[i]!,
            key: `${E}.duplicateStored`,
            column: "external_ref",
            values: { column: "external_ref" },
          });
        }
      });
      // The first errors by line of both lists are among the shown ones of each.
      for (const e of [...errors.list, ...dup].sort((a, b) => a.line - b.line)) merged.add(e);
      merged.count = errors.count + dup.length;
      errors = merged;
    }
  }
  if (errors.count) return { ok: false, errors: errors.list, errorCount: errors.count };
  try {
    const importId = await db.transaction().execute(async (trx) => {
      const imp = await trx
        .insertInto("data_imports")
        .values({
          department_id: departmentId,
          kind: "transactions",
          filename: cleanFilename(filename),
          rows: rows.length,
          imported_by: actor.id,
          imported_at: nowIso(now),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const r of rows) r.import_id = imp.id;
      await insertTransactions(trx, rows, TRANSACTION_CHUNK);
      await recordAudit(trx, {
        action: "data.import",
        actorUserId: actor.id,
        departmentId,
        entityType: "data_import",
        entityId: imp.id,
        detail: { kind: "transactions", rows: rows.length },
      });
      return imp.id;
    });
    return { ok: true, importId, rows: rows.length };
  } catch (e) {
    // Another import stored some of the same refs between our check and our insert.
    if (isUniqueViolation(e))
      return { ok: false, errors: [{ line: 1, key: `${E}.concurrent` }], errorCount: 1 };
    throw e;
  }
}

/** A file name as the browser sent it, kept for the record: no path, no control characters. */
function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/\p{Cc}/gu, "")
    .trim()
    .slice(0, 200);
  return clean || "pasted.csv";
}

// ---- Service transactions: one at a time, and the JSON API ----

type Outcome = "stored" | "updated" | "unchanged" | "conflict";

/**
 * What storing each item would do: a new ref is stored; the same values again are unchanged; an
 * open transaction now given its completion is updated; anything else would change history and is
 * a conflict. Runs inside the caller's transaction.
 */
async function planTransactions(
  trx: Db,
  departmentId: number,
  items: TransactionInput[],
): Promise<Outcome[]> {
  const byType = new Map<string, string[]>();
  for (const t of items) {
    const refs = byType.get(t.transactionType) ?? [];
    refs.push(t.externalRef);
    byType.set(t.transactionType, refs);
  }
  const stored = new Map<string, { received_at: string; completed_at: string | null }>();
  for (const [type, refs] of byType) {
    for (let i = 0; i < refs.length; i += REF_CHUNK) {
      const rows = await trx
        .selectFrom("service_transactions")
        .select(["external_ref", "received_at", "completed_at"])
        .where("department_id", "=", departmentId)
        .where("transaction_type", "=", type)
        .where("external_ref", "in", refs.slice(i, i + REF_CHUNK))
        .execute();
      for (const r of rows) stored.set(`${type}\u0000${r.external_ref}`, r);
    }
  }
  return items.map((t) => {
    const s = stored.get(`${t.transactionType}\u0000${t.externalRef}`);
    if (!s) return "stored";
    if (Date.parse(s.received_at) !== Date.parse(t.receivedAt)) return "conflict";
    if (s.completed_at === null) return t.completedAt === null ? "unchanged" : "updated";
    return t.completedAt !== null && Date.parse(s.completed_at) === Date.parse(t.completedAt)
      ? "unchanged"
      : "conflict";
  });
}

async function applyPlan(
  trx: Db,
  departmentId: number,
  items: TransactionInput[],
  plan: Outcome[],
  closures: ReadonlySet<string>,
  now: string,
): Promise<{ stored: number; updated: number; unchanged: number }> {
  const inserts: TransactionRow[] = [];
  let updated = 0;
  for (const [i, t] of items.entries()) {
    if (plan[i] === "stored") inserts.push(transactionRow(departmentId, t, closures, now));
    else if (plan[i] === "updated") {
      const row = transactionRow(departmentId, t, closures, now);
      await trx
        .updateTable("service_transactions")
        .set({
          completed_at: row.completed_at,
          month: row.month,
          working_days: row.working_days,
          calendar_days: row.calendar_days,
        })
        .where("department_id", "=", departmentId)
        .where("transaction_type", "=", t.transactionType)
        .where("external_ref", "=", t.externalRef)
        .where("completed_at", "is", null)
        .execute();
      updated++;
    }
  }
  await insertTransactions(trx, inserts, TRANSACTION_CHUNK);
  return { stored: inserts.length, updated, unchanged: plan.filter((o) => o === "unchanged").length };
}

export type RecordTransactionResult =
  | { ok: true; outcome: "stored" | "updated" | "unchanged" }
  | { ok: false; errors: Record<string, string> };

/**
 * One transaction entered by staff: stored, or an open one completed, or left as it was when the
 * same values come again; a stored ref with other values is refused. Times may be written as
 * `YYYY-MM-DD HH:MM` (Hong Kong time) or ISO 8601 with a zone. Audited ("transaction.create").
 */
export async function recordTransaction(
  db: Db,
  actor: Actor,
  departmentId: number,
  raw: { transactionType: string; externalRef: string; receivedAt: string; completedAt: string | null },
  now: Date = new Date(),
): Promise<RecordTransactionResult> {
  const checked = checkTransaction(raw, now.getTime());
  if (!checked.ok) return { ok: false, errors: { [checked.field]: transactionProblemKey(checked.problem) } };
  const closures = await departmentClosureDates(db, departmentId);
  const item = checked.item;
  try {
    return await db.transaction().execute(async (trx) => {
      const [outcome] = await planTransactions(trx, departmentId, [item]);
      if (outcome === "conflict")
        return { ok: false as const, errors: { externalRef: "pledgesAdmin.errors.refConflict" } };
      await applyPlan(trx, departmentId, [item], [outcome!], closures, nowIso(now));
      if (outcome !== "unchanged") {
        await recordAudit(trx, {
          action: "transaction.create",
          actorUserId: actor.id,
          departmentId,
          entityType: "service_transaction",
          entityId: null,
          detail: { type: item.transactionType, outcome: outcome! },
        });
      }
      return { ok: true as const, outcome: outcome as "stored" | "updated" | "unchanged" };
    });
  } catch (e) {
    if (isUniqueViolation(e))
      return { ok: false, errors: { externalRef: "pledgesAdmin.errors.refConflict" } };
    throw e;
  }
}

/** Transactions in one API request, at most. */
export const API_MAX_TRANSACTIONS = 5000;
/** The API body limit: 5,000 transactions with long refs fit easily. */
export const TRANSACTIONS_BODY_LIMIT = 2 * 1024 * 1024;

const ApiTransactionsSchema = z.strictObject({ transactions: z.array(z.unknown()) });
const ApiTransactionSchema = z.strictObject({
  type: z.string(),
  ref: z.string(),
  receivedAt: z.string(),
  completedAt: z.string().nullish(),
});

const API_FIELD: Record<TransactionField, string> = {
  transactionType: "type",
  externalRef: "ref",
  receivedAt: "receivedAt",
  completedAt: "completedAt",
};

function apiProblem(field: TransactionField, problem: TransactionProblem): ApiProblem {
  const f = API_FIELD[field];
  const message: Record<TransactionProblem, string> = {
    type: '"type" must be 2 to 40 capital letters, digits or hyphens, such as "ID-CARD".',
    ref: '"ref" must be 1 to 100 characters without line breaks: your system\'s reference for the transaction.',
    date: `"${f}" must be an ISO 8601 date and time with its time zone, such as "2026-09-22T09:30:00+08:00".`,
    tooEarly: `"${f}" must not be before ${EARLIEST}.`,
    future: `"${f}" must not be in the future.`,
    beforeReceived: '"completedAt" must not be before "receivedAt".',
    span: `"completedAt" must be within ${MAX_SPAN_DAYS} days of "receivedAt".`,
  };
  const code: Record<TransactionProblem, string> = {
    type: "invalid_type",
    ref: "invalid_ref",
    date: "invalid_date",
    tooEarly: "out_of_range",
    future: "in_future",
    beforeReceived: "completed_before_received",
    span: "out_of_range",
  };
  return { code: code[problem], field: f, message: message[problem] };
}

function fail(status: number, problem: ApiProblem, extra: Record<string, unknown> = {}): ApiResult {
  return { status, body: { error: problem, ...extra } };
}

/**
 * POST /api/v1/transactions: up to 5,000 transactions of the key's department, checked whole
 * (422 listing every bad index: nothing is stored) and stored in one transaction. A ref stored with
 * the same values is counted unchanged; an open one given its completion is updated. Audited.
 */
export async function submitTransactions(
  db: Db,
  auth: ApiKeyAuth,
  body: unknown,
  now: Date = new Date(),
): Promise<ApiResult> {
  const parsed = ApiTransactionsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === "unrecognized_keys" ? issue.keys[0] : "transactions";
    return fail(400, {
      code: issue?.code === "unrecognized_keys" ? "unknown_field" : "invalid_body",
      field,
      message:
        issue?.code === "unrecognized_keys"
          ? `"${field}" is not a field of this request.`
          : 'The body must be a JSON object with "transactions": an array of 1 to 5,000 transactions.',
    });
  }
  const raw = parsed.data.transactions;
  if (raw.length === 0) {
    return fail(400, {
      code: "invalid_body",
      field: "transactions",
      message: '"transactions" must hold 1 to 5,000 transactions.',
    });
  }
  if (raw.length > API_MAX_TRANSACTIONS) {
    return fail(413, {
      code: "batch_too_large",
      field: "transactions",
      message: `A request holds at most ${API_MAX_TRANSACTIONS} transactions; this one has ${raw.length}.`,
    });
  }
  const nowMs = now.getTime();
  const items: TransactionInput[] = [];
  const indexes: number[] = [];
  const errors: ({ index: number } & ApiProblem)[] = [];
  const seen = new Map<string, number>();
  for (const [index, value] of raw.entries()) {
    const item = ApiTransactionSchema.safeParse(value);
    if (!item.success) {
      const issue = item.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0] ?? "");
      errors.push({
        index,
        code: issue.code === "unrecognized_keys" ? "unknown_field" : "invalid_item",
        field,
        message:
          issue.code === "unrecognized_keys"
            ? `"${field}" is not a field of a transaction.`
            : field
              ? `"${field}" must be a string${field === "completedAt" ? " or null" : ""}.`
              : 'A transaction must be an object with "type", "ref", "receivedAt" and optionally "completedAt".',
      });
      continue;
    }
    const checked = checkTransaction(
      {
        transactionType: item.data.type,
        externalRef: item.data.ref,
        receivedAt: item.data.receivedAt,
        completedAt: item.data.completedAt ?? null,
      },
      nowMs,
      false,
    );
    if (!checked.ok) {
      errors.push({ index, ...apiProblem(checked.field, checked.problem) });
      continue;
    }
    const key = `${checked.item.transactionType}\u0000${checked.item.externalRef}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        index,
        code: "duplicate_ref",
        field: "ref",
        message: `"ref" is sent twice for type "${checked.item.transactionType}" in this request (first at index ${first}).`,
      });
      continue;
    }
    seen.set(key, index);
    items.push(checked.item);
    indexes.push(index);
  }
  const closures = await departmentClosureDates(db, auth.departmentId);
  const refused = () =>
    fail(
      422,
      {
        code: "invalid_transactions",
        message: `${errors.length} of ${raw.length} transactions are not valid, so none was stored. Each is listed in "errors".`,
      },
      { errors: errors.sort((a, b) => a.index - b.index) },
    );
  if (errors.length) {
    // Still say which good-looking items clash with stored ones: one answer lists every problem.
    const plan = await planTransactions(db, auth.departmentId, items);
    plan.forEach((o, i) => {
      if (o === "conflict") errors.push({ index: indexes[i]!, ...conflictProblem() });
    });
    return refused();
  }
  try {
    const result = await db.transaction().execute(async (trx) => {
      const plan = await planTransactions(trx, auth.departmentId, items);
      plan.forEach((o, i) => {
        if (o === "conflict") errors.push({ index: indexes[i]!, ...conflictProblem() });
      });
      if (errors.length) return null;
      const counts = await applyPlan(trx, auth.departmentId, items, plan, closures, nowIso(now));
      if (counts.stored || counts.updated) {
        await recordAudit(trx, {
          action: "transaction.create",
          departmentId: auth.departmentId,
          entityType: "api_key",
          entityId: auth.keyId,
          detail: { ...counts },
        });
      }
      return counts;
    });
    if (!result) return refused();
    return { status: 201, body: result };
  } catch (e) {
    if (isUniqueViolation(e)) {
      return fail(409, {
        code: "concurrent_write",
        message: "Another request stored some of these transactions at the same moment. Send this one again.",
      });
    }
    throw e;
  }
}

function conflictProblem(): ApiProblem {
  return {
    code: "ref_conflict",
    field: "ref",
    message:
      'This "ref" is already stored with another "receivedAt" or "completedAt". A stored transaction can be completed, not changed.',
  };
}

// ---- Quality readings ----

export const READING_COLUMNS = ["date", "value", "evidence_note"] as const;
const EVIDENCE_MAX = 1000;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The reading form; messages are translation keys. */
export const ReadingSchema = z.object({
  takenOn: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .regex(DATE_RE, { error: "pledgesAdmin.errors.date" }),
  value: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .regex(NUMBER_RE, { error: "pledgesAdmin.errors.number" }),
  evidenceNote: z.string().trim().max(EVIDENCE_MAX, { error: "validation.tooLong" }).optional(),
});

type ReadingProblem = {
  field: "takenOn" | "value" | "evidenceNote";
  key: string;
  values?: Record<string, string | number>;
};

/** Checks a reading's date (real, not before 2000, not after today in HK) and value (in range). */
function checkReading(
  v: Pick<PledgeVersion, "plausible_min" | "plausible_max">,
  takenOn: string,
  value: string,
  evidenceNote: string,
  today: string,
): ReadingProblem | { takenOn: string; value: number; evidenceNote: string | null } {
  const d = DATE_RE.exec(takenOn);
  if (!d || !validDate(Number(d[1]), Number(d[2]), Number(d[3])))
    return { field: "takenOn", key: "pledgesAdmin.errors.date" };
  if (takenOn < EARLIEST) return { field: "takenOn", key: "pledgesAdmin.errors.tooEarly" };
  if (takenOn > today) return { field: "takenOn", key: "pledgesAdmin.errors.dateFuture" };
  if (!NUMBER_RE.test(value)) return { field: "value", key: "pledgesAdmin.errors.number" };
  const n = Number(value);
  if (!Number.isFinite(n)) return { field: "value", key: "pledgesAdmin.errors.number" };
  const min = v.plausible_min;
  const max = v.plausible_max;
  if ((min != null && n < min) || (max != null && n > max)) {
    return {
      field: "value",
      key: "pledgesAdmin.errors.implausible",
      values: { min: min ?? "—", max: max ?? "—" },
    };
  }
  if (evidenceNote.length > EVIDENCE_MAX) return { field: "evidenceNote", key: "validation.tooLong" };
  return { takenOn, value: n, evidenceNote: evidenceNote || null };
}

export type RecordReadingResult =
  | { ok: true; id: number }
  | { ok: false; errors: Record<string, string>; values?: Record<string, string | number> };

/**
 * One quality reading of a measured pledge: a date not in the future and a value within the
 * version's plausible range (outside it is a typo, refused naming the field). Audited.
 */
export async function recordReading(
  db: Db,
  actor: Actor,
  pledge: Pick<Pledge, "id" | "department_id">,
  version: Pick<PledgeVersion, "target_kind" | "plausible_min" | "plausible_max">,
  input: z.infer<typeof ReadingSchema>,
  now: Date = new Date(),
): Promise<RecordReadingResult> {
  if (version.target_kind !== "measured")
    return { ok: false, errors: { form: "pledgesAdmin.errors.notMeasured" } };
  const r = checkReading(version, input.takenOn, input.value, input.evidenceNote ?? "", hkDate(now));
  if ("field" in r) return { ok: false, errors: { [r.field]: r.key }, values: r.values };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("quality_readings")
      .values({
        pledge_id: pledge.id,
        taken_on: r.takenOn,
        month: r.takenOn.slice(0, 7),
        value: r.value,
        evidence_note: r.evidenceNote,
        entered_by: actor.id,
        import_id: null,
        created_at: nowIso(now),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "reading.create",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "pledge",
      entityId: pledge.id,
      detail: { readingId: Number(row.id), month: r.takenOn.slice(0, 7) },
    });
    return { ok: true as const, id: Number(row.id) };
  });
}

const READING_COLUMN: Record<ReadingProblem["field"], string> = {
  takenOn: "date",
  value: "value",
  evidenceNote: "evidence_note",
};
/** Rows per INSERT: 8 columns × 2,000 = 16,000 parameters. */
const READING_CHUNK = 2000;

/**
 * Checks a readings CSV (columns `date,value` and optionally `evidence_note`, in any order): the
 * rows ready to insert, or every bad row by line.
 */
export function validateReadingsCsv(
  text: string,
  pledge: Pick<Pledge, "id">,
  version: Pick<PledgeVersion, "plausible_min" | "plausible_max">,
  actor: Actor,
  now: Date = new Date(),
): { ok: true; rows: Insertable<QualityReadingTable>[] } | ImportRefused {
  const errors = new ErrorList();
  const rows: Insertable<QualityReadingTable>[] = [];
  const today = hkDate(now);
  const createdAt = nowIso(now);
  eachCsvRow(text, READING_COLUMNS, ["evidence_note"], errors, (fields, line, [di, vi, ni], width) => {
    if (fields.length !== width) {
      errors.add({ line, key: `${E}.fieldCount`, values: { expected: width, found: fields.length } });
      return;
    }
    const c = checkReading(
      version,
      fields[di!]!.trim(),
      fields[vi!]!.trim(),
      ni === -1 ? "" : fields[ni!]!.trim(),
      today,
    );
    if ("field" in c) {
      const column = READING_COLUMN[c.field];
      // In a list of rows the message can carry the range (a form field's message cannot).
      const key =
        c.key === "pledgesAdmin.errors.implausible" ? "pledgesAdmin.errors.implausibleDetail" : c.key;
      errors.add({ line, key, column, values: { column, ...c.values } });
      return;
    }
    rows.push({
      pledge_id: pledge.id,
      taken_on: c.takenOn,
      month: c.takenOn.slice(0, 7),
      value: c.value,
      evidence_note: c.evidenceNote,
      entered_by: actor.id,
      import_id: null,
      created_at: createdAt,
    });
  });
  if (errors.count) return { ok: false, errors: errors.list, errorCount: errors.count };
  return { ok: true, rows };
}

/** Imports a measured pledge's readings from CSV, all or nothing, in one transaction. Audited. */
export async function importReadings(
  db: Db,
  actor: Actor,
  pledge: Pick<Pledge, "id" | "department_id">,
  version: Pick<PledgeVersion, "target_kind" | "plausible_min" | "plausible_max">,
  filename: string,
  text: string,
  now: Date = new Date(),
): Promise<ImportResult> {
  if (version.target_kind !== "measured")
    return { ok: false, errors: [{ line: 1, key: "pledgesAdmin.errors.notMeasured" }], errorCount: 1 };
  const checked = validateReadingsCsv(text, pledge, version, actor, now);
  if (!checked.ok) return checked;
  const { rows } = checked;
  const importId = await db.transaction().execute(async (trx) => {
    const imp = await trx
      .insertInto("data_imports")
      .values({
        department_id: pledge.department_id,
        kind: "readings",
        filename: cleanFilename(filename),
        rows: rows.length,
        imported_by: actor.id,
        imported_at: nowIso(now),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const r of rows) r.import_id = imp.id;
    for (let i = 0; i < rows.length; i += READING_CHUNK) {
      await trx
        .insertInto("quality_readings")
        .values(rows.slice(i, i + READING_CHUNK))
        .execute();
    }
    await recordAudit(trx, {
      action: "data.import",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "data_import",
      entityId: imp.id,
      detail: { kind: "readings", rows: rows.length, pledgeId: pledge.id },
    });
    return imp.id;
  });
  return { ok: true, importId, rows: rows.length };
}

/**
 * The newest imports a pledge's page lists: the department's transaction imports (transactions
 * belong to the department, not to one pledge), or the readings imported for this pledge.
 */
export async function listImports(
  db: Db,
  pledge: Pick<Pledge, "id" | "department_id">,
  kind: "transactions" | "readings",
  limit = 10,
) {
  let q = db
    .selectFrom("data_imports as i")
    .leftJoin("staff_users as u", "u.id", "i.imported_by")
    .select(["i.id", "i.filename", "i.rows", "i.imported_at", "u.display_name as imported_by_name"])
    .where("i.department_id", "=", pledge.department_id)
    .where("i.kind", "=", kind)
    .orderBy("i.id", "desc")
    .limit(limit);
  if (kind === "readings") {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("quality_readings as r")
          .select("r.id")
          .whereRef("r.import_id", "=", "i.id")
          .where("r.pledge_id", "=", pledge.id),
      ),
    );
  }
  return q.execute();
}

// ---- Unmet targets: reason and corrective proposal ----

const noteText = z
  .string({ error: "validation.required" })
  .trim()
  .min(1, { error: "validation.required" })
  .max(2000, { error: "pledgesAdmin.errors.tooLong2000" });

export const UnmetNoteSchema = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "validation.invalid" }),
  reason: noteText,
  correctiveProposal: noteText,
});
export type UnmetNoteInput = z.infer<typeof UnmetNoteSchema>;

/**
 * Records why a month's target was not met and what will be done (one note per pledge and month;
 * a second save replaces the first). Only a month whose result is "not met" takes a note. Audited.
 */
export async function saveUnmetNote(
  db: Db,
  actor: Actor,
  pledge: Pledge,
  input: UnmetNoteInput,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: "notUnmet" }> {
  const [result] = await pledgeResults(db, pledge, [input.period]);
  if (result?.status !== "not_met") return { ok: false, error: "notUnmet" };
  const at = nowIso(now);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("pledge_unmet_notes")
      .values({
        pledge_id: pledge.id,
        period: input.period,
        reason: input.reason,
        corrective_proposal: input.correctiveProposal,
        recorded_by: actor.id,
        recorded_at: at,
      })
      .onConflict((oc) =>
        oc.columns(["pledge_id", "period"]).doUpdateSet({
          reason: input.reason,
          corrective_proposal: input.correctiveProposal,
          recorded_by: actor.id,
          recorded_at: at,
        }),
      )
      .execute();
    await recordAudit(trx, {
      action: "pledge.unmet-note",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "pledge",
      entityId: pledge.id,
      detail: { period: input.period },
    });
  });
  return { ok: true };
}

/** A pledge's unmet-target notes, newest period first, with who recorded them. */
export async function listUnmetNotes(db: Db, pledgeId: number) {
  return db
    .selectFrom("pledge_unmet_notes as n")
    .leftJoin("staff_users as u", "u.id", "n.recorded_by")
    .select([
      "n.id",
      "n.period",
      "n.reason",
      "n.corrective_proposal",
      "n.recorded_at",
      "u.display_name as recorded_by_name",
    ])
    .where("n.pledge_id", "=", pledgeId)
    .orderBy("n.period", "desc")
    .execute();
}

// ---- What the registry pages need besides registry.server.ts ----

/** The code a new pledge will be known by (IMMD-PASSPORT): capitals, digits and hyphens. */
export const PledgeCodeSchema = z.object({
  code: z
    .string({ error: "validation.required" })
    .trim()
    .toUpperCase()
    .min(1, { error: "validation.required" })
    .regex(/^[A-Z0-9-]{3,40}$/, { error: "pledgesAdmin.errors.code" }),
});

/** Whether a pledge code is in use (codes are unique across all departments). */
export async function pledgeCodeTaken(db: Db, code: string): Promise<boolean> {
  const row = await db.selectFrom("pledges").select("id").where("code", "=", code).executeTakeFirst();
  return !!row;
}

/** Every version of a pledge, newest first. */
export async function listPledgeVersions(db: Db, pledgeId: number): Promise<PledgeVersion[]> {
  return db
    .selectFrom("pledge_versions")
    .selectAll()
    .where("pledge_id", "=", pledgeId)
    .orderBy("version_no", "desc")
    .execute();
}

export interface SurveyChoice {
  id: number;
  slug: string;
  titleEn: string;
  titleZh: string;
  /** the five-point questions a satisfaction target can be measured by */
  questions: { key: string; promptEn: string; promptZh: string }[];
}

/** The department's surveys with their current versions' five-point questions. */
export async function satisfactionQuestions(db: Db, departmentId: number): Promise<SurveyChoice[]> {
  const rows = await db
    .selectFrom("surveys as s")
    .innerJoin("survey_versions as v", "v.id", "s.current_version_id")
    .leftJoin("survey_questions as q", (j) =>
      j.onRef("q.version_id", "=", "v.id").on("q.type", "=", "rating5"),
    )
    .select([
      "s.id",
      "s.slug",
      "v.title_en",
      "v.title_zh",
      "q.question_key",
      "q.prompt_en",
      "q.prompt_zh",
      "q.position",
    ])
    .where("s.department_id", "=", departmentId)
    .orderBy("s.id")
    .orderBy("q.position")
    .execute();
  const out = new Map<number, SurveyChoice>();
  for (const r of rows) {
    let s = out.get(r.id);
    if (!s) {
      s = { id: r.id, slug: r.slug, titleEn: r.title_en, titleZh: r.title_zh, questions: [] };
      out.set(r.id, s);
    }
    if (r.question_key)
      s.questions.push({ key: r.question_key, promptEn: r.prompt_en!, promptZh: r.prompt_zh! });
  }
  return [...out.values()];
}
