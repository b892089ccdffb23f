import type { Insertable } from "kysely";
import type { Db } from "../../../db/client";
import type { Pledge, PledgeVersion, QualityReadingTable } from "../../../db/schema";
import { isRealDate } from "../../utils/dates";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import {
  cleanFilename,
  ErrorList,
  eachImportRow,
  fieldCountError,
  type ImportRefused,
  type ImportResult,
} from "./imports.server";
import { type Actor, EARLIEST, EVIDENCE_MAX, NUMBER_RE, READING_COLUMNS, type ReadingInput } from "./schema";
import { markResultsStale } from "./stored-results.server";

/*
 * Quality readings, the data a measured pledge is judged by: one at a time from the form, or a
 * CSV file (columns `date,value` and optionally `evidence_note`) checked whole before anything is
 * stored. A value outside the version's plausible range is a typo and is refused naming the field.
 */

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
  if (!isRealDate(takenOn)) return { field: "takenOn", key: "pledgesAdmin.errors.date" };
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
  input: ReadingInput,
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
    await markResultsStale(trx, [
      { departmentId: pledge.department_id, pledgeId: pledge.id, month: r.takenOn.slice(0, 7) },
    ]);
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
  const shape = { columns: READING_COLUMNS, optional: ["evidence_note"] };
  eachImportRow(text, shape, errors, (fields, line, [di, vi, ni], width) => {
    if (fields.length !== width) {
      errors.add(fieldCountError(line, width, fields.length));
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
    await markResultsStale(
      trx,
      [...new Set(rows.map((r) => r.month))].map((month) => ({
        departmentId: pledge.department_id,
        pledgeId: pledge.id,
        month,
      })),
    );
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
