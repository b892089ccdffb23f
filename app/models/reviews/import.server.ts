import type { Db } from "../../../db/client";
import type { ReviewRound } from "../../../db/schema";
import { type CsvTableIssue, eachCsvRow } from "../../utils/csv";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import {
  IMPORT_COLUMNS,
  type ImportRowError,
  MAX_ERRORS_SHOWN,
  MAX_IMPORT_ROWS,
  NOTE_MAX,
} from "./import-format";
import { REVIEW_QUESTIONS, type ReviewAnswers, type ReviewQuestionKey } from "./questions";

/*
 * A round's returns loaded from a CSV by the central bureau (issue 16), for governments that
 * collected the declarations elsewhere. All or nothing, as the registry import (ADR 0014): every
 * row is checked (on its own, against the file, against the returns stored) before anything is
 * written; one error stores nothing. A good file submits every department's return it names.
 */

/** Where the import's messages live (reviewImport.errors.*). */
const E = "reviewImport.errors";
export type ReviewImportResult =
  | { ok: true; stored: number; late: number }
  | { ok: false; errors: ImportRowError[]; errorCount: number; formError?: string };

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  yes: true,
  "1": true,
  false: false,
  no: false,
  "0": false,
};

/** A share is a number from 0 to 100, written with digits and at most one decimal point. */
const SHARE = /^\d+(\.\d+)?$/;

interface CheckedRow {
  line: number;
  code: string;
  answers: ReviewAnswers;
}

/** The file read and every row checked on its own and against the file; nothing looked up yet. */
function checkFile(text: string): { rows: CheckedRow[]; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const rows: CheckedRow[] = [];
  const seen = new Map<string, number>();
  const onIssue = ({ line, problem, column, values }: CsvTableIssue) =>
    errors.push({ line, key: `${E}.${problem}`, column, values });
  eachCsvRow(
    text,
    { columns: IMPORT_COLUMNS, optional: IMPORT_COLUMNS.slice(1), maxRows: MAX_IMPORT_ROWS },
    onIssue,
    (fields, line, index, width) => {
      if (fields.length !== width) {
        errors.push({ line, key: `${E}.fieldCount`, values: { expected: width, found: fields.length } });
        return;
      }
      const at = (column: string) => {
        const i = index[IMPORT_COLUMNS.indexOf(column)]!;
        return i < 0 ? "" : fields[i]!.trim();
      };
      const code = at("department_code").toUpperCase();
      if (!code) errors.push({ line, key: `${E}.noDepartment`, column: "department_code" });
      else if (seen.has(code))
        errors.push({
          line,
          key: `${E}.duplicateDepartment`,
          column: "department_code",
          values: { code, first: seen.get(code)! },
        });
      else seen.set(code, line);
      const answers: ReviewAnswers = {};
      for (const q of REVIEW_QUESTIONS) {
        const raw = at(q.key);
        const note = at(`${q.key}_note`);
        if (note.length > NOTE_MAX)
          errors.push({ line, key: `${E}.noteTooLong`, column: `${q.key}_note`, values: { max: NOTE_MAX } });
        let value: boolean | number | null = null;
        if (raw !== "") {
          if (q.kind === "boolean") {
            const b = BOOLEAN_WORDS[raw.toLowerCase()];
            if (b === undefined)
              errors.push({ line, key: `${E}.boolean`, column: q.key, values: { value: raw } });
            else value = b;
          } else {
            const n = Number(raw);
            if (!SHARE.test(raw) || n > 100)
              errors.push({ line, key: `${E}.share`, column: q.key, values: { value: raw } });
            else value = n;
          }
        }
        answers[q.key as ReviewQuestionKey] = { value, note };
      }
      if (code) rows.push({ line, code, answers });
    },
  );
  return { rows, errors };
}

/** The round a file is loaded into, or undefined. */
export async function getImportRound(db: Db, id: number): Promise<ReviewRound | undefined> {
  return db.selectFrom("review_rounds").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Checks a CSV of returns for `roundId` and, when every row is good, stores them as submitted
 * returns (source 'import'), late when loaded after the round's deadline (Hong Kong date).
 * A department that does not exist, a share outside 0–100, a word that is not yes or no, a
 * department named twice and a department whose return is already submitted are each an error
 * with its line and column; with any error, nothing is written.
 */
export async function importReviewReturns(
  db: Db,
  actor: { id: number },
  roundId: number,
  text: string,
  now: Date = new Date(),
): Promise<ReviewImportResult> {
  const refused = (errors: ImportRowError[]): ReviewImportResult => {
    errors.sort((a, b) => a.line - b.line);
    return { ok: false, errors: errors.slice(0, MAX_ERRORS_SHOWN), errorCount: errors.length };
  };
  const { rows, errors } = checkFile(text);
  const at = nowIso(now);
  try {
    return await db.transaction().execute(async (trx) => {
      const round = await trx
        .selectFrom("review_rounds")
        .select(["status", "deadline"])
        .where("id", "=", roundId)
        .executeTakeFirst();
      if (round?.status !== "open")
        throw new Refused({ ok: false, errors: [], errorCount: 0, formError: `${E}.roundNotOpen` });
      const codes = rows.map((r) => r.code);
      const departments = codes.length
        ? await trx
            .selectFrom("departments")
            .select(["id", "code", "is_active"])
            .where("code", "in", codes)
            .execute()
        : [];
      const byCode = new Map(departments.map((d) => [d.code, d]));
      const stored = departments.length
        ? await trx
            .selectFrom("review_returns")
            .select(["department_id", "status"])
            .where("round_id", "=", roundId)
            .where(
              "department_id",
              "in",
              departments.map((d) => d.id),
            )
            .execute()
        : [];
      const statusOf = new Map(stored.map((r) => [r.department_id, r.status]));
      const good: { departmentId: number; answers: ReviewAnswers }[] = [];
      for (const r of rows) {
        const d = byCode.get(r.code);
        const values = { code: r.code };
        if (!d)
          errors.push({ line: r.line, key: `${E}.unknownDepartment`, column: "department_code", values });
        else if (d.is_active !== 1)
          errors.push({ line: r.line, key: `${E}.inactiveDepartment`, column: "department_code", values });
        else if (statusOf.get(d.id) === "submitted")
          errors.push({ line: r.line, key: `${E}.submitted`, column: "department_code", values });
        else good.push({ departmentId: d.id, answers: r.answers });
      }
      if (errors.length > 0) throw new Refused(refused(errors));
      const late = hkDate(now) > round.deadline ? 1 : 0;
      const codeOf = new Map(departments.map((d) => [d.id, d.code]));
      const lineOf = new Map(rows.map((r) => [r.code, r.line]));
      const lost: ImportRowError[] = [];
      for (const g of good) {
        const submitted = {
          status: "submitted" as const,
          answers: JSON.stringify(g.answers),
          source: "import" as const,
          submitted_at: at,
          submitted_by: actor.id,
          is_late: late,
          updated_at: at,
        };
        const written = await trx
          .insertInto("review_returns")
          .values({ round_id: roundId, department_id: g.departmentId, ...submitted })
          // A return its department submitted meanwhile is kept (no row comes back) and refuses the file.
          .onConflict((oc) =>
            oc
              .columns(["round_id", "department_id"])
              .doUpdateSet(submitted)
              .where("review_returns.status", "!=", "submitted"),
          )
          .returning("id")
          .executeTakeFirst();
        if (!written) {
          const code = codeOf.get(g.departmentId)!;
          lost.push({
            line: lineOf.get(code)!,
            key: `${E}.submitted`,
            column: "department_code",
            values: { code },
          });
        }
      }
      if (lost.length > 0) throw new Refused(refused(lost));
      await recordAudit(
        trx,
        {
          action: "review.import",
          actorUserId: actor.id,
          entityType: "review_round",
          entityId: roundId,
          detail: { returns: good.length, late: late === 1 },
        },
        now,
      );
      return { ok: true as const, stored: good.length, late: late * good.length };
    });
  } catch (e) {
    if (e instanceof Refused) return e.result;
    throw e;
  }
}

/** Rolls the transaction back with the answer to give. */
class Refused extends Error {
  constructor(readonly result: ReviewImportResult) {
    super("refused");
  }
}
