import type { Insertable } from "kysely";
import type { Db } from "../../../db/client";
import type { ServiceTransactionTable } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { workingDaysBetween } from "../calendar/working-days";
import { departmentClosureDates } from "../cases/deadlines.server";
import type { Actor, TransactionInput } from "./schema";
import { markResultsStale } from "./stored-results.server";
import { checkTransaction, transactionKey, transactionProblemKey } from "./transaction-checks";

/*
 * Service transactions, the data a transactions-timeliness pledge is measured by: a row with its
 * elapsed days fixed at completion, stored in chunks; and what storing a batch would do to the
 * stored ones (new, completed, unchanged or a conflict), shared by the form and the JSON API.
 * The CSV import is in transactions-import.server.ts, the API in transactions-api.server.ts.
 */

export type TransactionRow = Insertable<ServiceTransactionTable>;

/** Refs per query: far below SQLite's and Postgres's bound-parameter limits. */
export const REF_CHUNK = 500;
/** Rows per multi-row INSERT: 11 columns × 2,000 = 22,000 parameters, under SQLite's 32,766. */
export const TRANSACTION_CHUNK = 2000;

/** Whether an INSERT failed on a unique index (another writer stored the same ref first). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

const DAY_MS = 86_400_000;
const HK_OFFSET_MS = 8 * 3_600_000;

/** Hong Kong day number of an instant (UTC+8 all year). */
const hkDay = (ms: number) => Math.floor((ms + HK_OFFSET_MS) / DAY_MS);

/** HK calendar days from a's date to b's: the difference of their HK day numbers. */
function calendarDaysBetween(a: string, b: string): number {
  return hkDay(Date.parse(b)) - hkDay(Date.parse(a));
}

/** 'YYYY-MM' of a HK day number, remembered: an import's rows complete on a few hundred days. */
const monthOfDay = new Map<number, string>();
function hkMonthOfDay(day: number): string {
  let m = monthOfDay.get(day);
  if (m === undefined) {
    m = new Date(day * DAY_MS).toISOString().slice(0, 7);
    if (monthOfDay.size > 10_000) monthOfDay.clear();
    monthOfDay.set(day, m);
  }
  return m;
}

/**
 * A transaction row with its elapsed days fixed at completion: working days (Hong Kong holidays and
 * the department's closure days) and calendar days, counted from the day after receipt. The month is
 * the HK month of completion, the period it is reported in.
 */
export function transactionRow(
  departmentId: number,
  t: TransactionInput,
  closures: ReadonlySet<string>,
  now: string,
  importId: number | null = null,
): TransactionRow {
  const done = t.completedAt;
  return {
    department_id: departmentId,
    transaction_type: t.transactionType,
    external_ref: t.externalRef,
    received_at: t.receivedAt,
    completed_at: done,
    month: done ? hkMonthOfDay(hkDay(Date.parse(done))) : null,
    working_days: done ? workingDaysBetween(t.receivedAt, done, closures) : null,
    calendar_days: done ? calendarDaysBetween(t.receivedAt, done) : null,
    import_id: importId,
    created_at: now,
  };
}

/** Inserts rows in chunks inside the caller's transaction (one multi-row INSERT per chunk). */
export async function insertTransactions(trx: Db, rows: TransactionRow[], chunk = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto("service_transactions")
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

// ---- One at a time (the form) and in batches (the API) ----

export type Outcome = "stored" | "updated" | "unchanged" | "conflict";

/**
 * What storing each item would do: a new ref is stored; the same values again are unchanged; an
 * open transaction now given its completion is updated; anything else would change history and is
 * a conflict. Runs inside the caller's transaction.
 */
export async function planTransactions(
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
      for (const r of rows) stored.set(transactionKey(type, r.external_ref), r);
    }
  }
  return items.map((t) => {
    const s = stored.get(transactionKey(t.transactionType, t.externalRef));
    if (!s) return "stored";
    if (Date.parse(s.received_at) !== Date.parse(t.receivedAt)) return "conflict";
    if (s.completed_at === null) return t.completedAt === null ? "unchanged" : "updated";
    return t.completedAt !== null && Date.parse(s.completed_at) === Date.parse(t.completedAt)
      ? "unchanged"
      : "conflict";
  });
}

export async function applyPlan(
  trx: Db,
  departmentId: number,
  items: TransactionInput[],
  plan: Outcome[],
  closures: ReadonlySet<string>,
  now: string,
): Promise<{ stored: number; updated: number; unchanged: number }> {
  const inserts: TransactionRow[] = [];
  const months = new Set<string>();
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
      if (row.month) months.add(row.month);
    }
  }
  await insertTransactions(trx, inserts, TRANSACTION_CHUNK);
  for (const r of inserts) if (r.month) months.add(r.month);
  // The months' stored results are out of date, with this commit (results.refresh recomputes them).
  await markResultsStale(
    trx,
    [...months].map((month) => ({ departmentId, month })),
  );
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
