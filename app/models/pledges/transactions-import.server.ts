import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { departmentClosureDates } from "../cases/deadlines.server";
import {
  cleanFilename,
  ErrorList,
  eachImportRow,
  fieldCountError,
  IMPORT_ERRORS,
  type ImportRefused,
  type ImportResult,
} from "./imports.server";
import { type Actor, type RowError, TRANSACTION_COLUMNS } from "./schema";
import { markResultsStale } from "./stored-results.server";
import {
  checkTransaction,
  type TransactionField,
  transactionKey,
  transactionProblemKey,
} from "./transaction-checks";
import {
  insertTransactions,
  isUniqueViolation,
  REF_CHUNK,
  TRANSACTION_CHUNK,
  type TransactionRow,
  transactionRow,
} from "./transactions.server";

/*
 * A department's service transactions imported from a CSV file, all or nothing: every row is
 * checked (on its own, against the rest of the file, against the refs already stored) before
 * anything is stored; a good file is stored with its `data_imports` row in one transaction.
 */

const COLUMN_OF: Record<TransactionField, string> = {
  transactionType: "transaction_type",
  externalRef: "external_ref",
  receivedAt: "received_at",
  completedAt: "completed_at",
};

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
  eachImportRow(text, { columns: TRANSACTION_COLUMNS }, errors, (fields, line, [ti, ri, ai, ci], width) => {
    if (fields.length !== width) {
      errors.add(fieldCountError(line, width, fields.length));
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
    const key = transactionKey(t.transactionType, t.externalRef);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.add({
        line,
        key: `${IMPORT_ERRORS}.duplicateInFile`,
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
      for (const r of rows) found.add(transactionKey(type, r.external_ref));
    }
  }
  return found;
}

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
        if (stored.has(transactionKey(r.transaction_type, r.external_ref))) {
          dup.push({
            line: lines[i]!,
            key: `${IMPORT_ERRORS}.duplicateStored`,
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
      const months = new Set(rows.flatMap((r) => (r.month ? [r.month] : [])));
      await markResultsStale(
        trx,
        [...months].map((month) => ({ departmentId, month })),
      );
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
      return { ok: false, errors: [{ line: 1, key: `${IMPORT_ERRORS}.concurrent` }], errorCount: 1 };
    throw e;
  }
}
