import type { Insertable } from "kysely";
import type { Db } from "../../../db/client";
import type { ServiceTransactionTable } from "../../../db/schema";
import { hkDate } from "../calendar/time";
import { workingDaysBetween } from "../calendar/working-days";

export interface TransactionInput {
  transactionType: string;
  externalRef: string;
  receivedAt: string;
  completedAt: string | null;
}

function calendarDaysBetween(a: string, b: string): number {
  return Math.round(
    (Date.parse(`${hkDate(b)}T00:00:00Z`) - Date.parse(`${hkDate(a)}T00:00:00Z`)) / 86_400_000,
  );
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
): Insertable<ServiceTransactionTable> {
  const done = t.completedAt;
  return {
    department_id: departmentId,
    transaction_type: t.transactionType,
    external_ref: t.externalRef,
    received_at: t.receivedAt,
    completed_at: done,
    month: done ? hkDate(done).slice(0, 7) : null,
    working_days: done ? workingDaysBetween(t.receivedAt, done, closures) : null,
    calendar_days: done ? calendarDaysBetween(t.receivedAt, done) : null,
    import_id: importId,
    created_at: now,
  };
}

/** Inserts rows in chunks inside the caller's transaction (one multi-row INSERT per chunk). */
export async function insertTransactions(
  trx: Db,
  rows: Insertable<ServiceTransactionTable>[],
  chunk = 500,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await trx
      .insertInto("service_transactions")
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}
