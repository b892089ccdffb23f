import type { Db } from "../../../db/client";
import type { Pledge } from "../../../db/schema";
import { type CsvTableIssue, type CsvTableShape, eachCsvRow } from "../../utils/csv";
import { MAX_ERRORS_SHOWN, type RowError } from "./schema";

/*
 * What the CSV imports (transactions and readings) share: the errors of a refused file, reading
 * a file's rows after its header, and the record of imports a pledge's page lists.
 *
 * Imports are all or nothing: every row is checked first; one bad row stores nothing and the
 * answer lists every bad row by its line. A good file is stored in ONE transaction with multi-row
 * INSERTs (shared/performance.md lesson 4).
 */

/** The most data rows one file may hold (a 20 MB file of transactions is about 300,000). */
export const MAX_IMPORT_ROWS = 500_000;
/** Where the import's messages live (pledgesAdmin.import.errors.*). */
export const IMPORT_ERRORS = "pledgesAdmin.import.errors";

/** Keeps the first MAX_ERRORS_SHOWN errors by line and counts them all. */
export class ErrorList {
  list: RowError[] = [];
  count = 0;
  add(e: RowError) {
    this.count++;
    if (this.list.length < MAX_ERRORS_SHOWN) this.list.push(e);
  }
}

export type ImportRefused = { ok: false; errors: RowError[]; errorCount: number };
export type ImportResult = { ok: true; importId: number; rows: number } | ImportRefused;

/** A CSV table's problem (a neutral code) as a row error with its translation key. */
function rowErrorOf({ line, problem, ...rest }: CsvTableIssue): RowError {
  return { line, key: `${IMPORT_ERRORS}.${problem}`, ...rest };
}

/**
 * Reads an import file's data rows one at a time after checking its header (utils/csv's
 * eachCsvRow, at most MAX_IMPORT_ROWS rows): problems of the file as a whole are added to
 * `errors` with their translation keys; `onRow` checks each row.
 */
export function eachImportRow(
  text: string,
  shape: Omit<CsvTableShape, "maxRows">,
  errors: ErrorList,
  onRow: (fields: string[], line: number, columns: number[], width: number) => void,
): void {
  eachCsvRow(text, { ...shape, maxRows: MAX_IMPORT_ROWS }, (issue) => errors.add(rowErrorOf(issue)), onRow);
}

/** The error of a row whose number of fields is not the header's. */
export function fieldCountError(line: number, width: number, found: number): RowError {
  return { line, key: `${IMPORT_ERRORS}.fieldCount`, values: { expected: width, found } };
}

/** A file name as the browser sent it, kept for the record: no path, no control characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/\p{Cc}/gu, "")
    .trim()
    .slice(0, 200);
  return clean || "pasted.csv";
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
