import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import type { ExportCell } from "../../utils/spreadsheet";
import { recordAudit } from "../audit/audit.server";
import { type Locale, loadCatalogue, type OptionInfo, pick } from "./catalogue.server";
import { monthsBetween, type ResultsFilter, responsesIn } from "./results-filter.server";

/**
 * Exporting a survey's responses (CSV or XLSX): one row per response, one column per question
 * key, read in keyset pages so a million responses never sit in memory at once.
 */

const n = (v: unknown) => Number(v ?? 0);

/** The fixed columns of an export, before one column per question key. */
export const EXPORT_FIXED_COLUMNS = [
  "response_id",
  "submitted_at",
  "month",
  "channel",
  "collection_point",
  "language",
  "version",
] as const;

export interface ResponseExport {
  /** the survey's slug, for the file name */
  slug: string;
  header: string[];
  /** how many responses the filter holds (when the export started) */
  rows: number;
  /** the rows, a page at a time */
  pages: AsyncGenerator<ExportCell[][], void, undefined>;
}

/** Rows fetched per query: big enough to keep round trips few, small enough to stay in memory. */
export const EXPORT_PAGE_SIZE = 2000;

/**
 * Starts an export of every response the filter holds, one row each, and audits it (the format
 * and the count only: no personal data). Rows are read in keyset pages by id, never all at once.
 */
export async function startResponseExport(
  db: Db,
  actor: { id: number; departmentId: number | null },
  survey: Survey,
  filter: ResultsFilter,
  locale: Locale,
  format: "csv" | "xlsx",
  pageSize = EXPORT_PAGE_SIZE,
): Promise<ResponseExport> {
  const [cat, points, count] = await Promise.all([
    loadCatalogue(db, survey),
    db.selectFrom("collection_points").select(["id", "code"]).where("survey_id", "=", survey.id).execute(),
    db
      .selectFrom("survey_responses")
      .select((eb) => eb.fn.countAll().as("n"))
      .where((eb) => responsesIn(eb, survey.id, filter))
      .executeTakeFirst(),
  ]);
  const rows = n(count?.n);
  await recordAudit(db, {
    action: "survey.export",
    actorUserId: actor.id,
    departmentId: survey.department_id,
    entityType: "survey",
    entityId: survey.id,
    detail: {
      format,
      rows,
      from: filter.from,
      to: filter.to,
      channel: filter.channel,
      language: filter.language,
      collectionPointId: filter.collectionPointId,
    },
  });
  const keys = cat.questions.map((q) => q.key);
  return {
    slug: survey.slug,
    header: [...EXPORT_FIXED_COLUMNS, ...keys],
    rows,
    pages: exportPages(db, survey.id, filter, {
      keys,
      versionNo: cat.versionNo,
      pointCode: new Map(points.map((p) => [p.id, p.code])),
      optionById: cat.optionById,
      locale,
      pageSize,
    }),
  };
}

interface ExportPlan {
  keys: string[];
  versionNo: Map<number, number>;
  pointCode: Map<number, string>;
  optionById: Map<number, OptionInfo>;
  locale: Locale;
  pageSize: number;
}

async function* exportPages(
  db: Db,
  surveyId: number,
  filter: ResultsFilter,
  plan: ExportPlan,
): AsyncGenerator<ExportCell[][], void, undefined> {
  // Month by month, then by id: with the month fixed, the (survey_id, month) index hands rows over
  // in id order, so each page is one index range read. Over a range of months the database
  // would sort every matching row again for every page.
  for (const month of monthsBetween(filter.from, filter.to)) {
    let after = 0;
    for (;;) {
      const page = await exportPage(db, surveyId, { ...filter, from: month, to: month }, after, plan);
      if (page.length) yield page;
      if (page.length < plan.pageSize) break;
      after = page[page.length - 1]![0] as number;
      // better-sqlite3 answers synchronously: let other requests in between pages, or one big
      // export would hold the web process for its whole length.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** Up to `pageSize` responses after id `after`, as rows, with their answers (one query each). */
async function exportPage(
  db: Db,
  surveyId: number,
  filter: ResultsFilter,
  after: number,
  plan: ExportPlan,
): Promise<ExportCell[][]> {
  const responses = await db
    .selectFrom("survey_responses")
    .select(["id", "submitted_at", "month", "channel", "collection_point_id", "language", "version_id"])
    .where((eb) => responsesIn(eb, surveyId, filter))
    .where("id", ">", after)
    .orderBy("id")
    .limit(plan.pageSize)
    .execute();
  if (responses.length === 0) return [];
  const answers = await db
    .selectFrom("survey_answers")
    .select(["response_id", "question_key", "value_number", "option_id", "value_text", "not_applicable"])
    .where(
      "response_id",
      "in",
      responses.map((r) => n(r.id)),
    )
    .orderBy("response_id")
    .orderBy("id")
    .execute();
  const first = EXPORT_FIXED_COLUMNS.length;
  const column = new Map(plan.keys.map((k, i) => [k, first + i]));
  const rowOf = new Map<number, ExportCell[]>();
  const page = responses.map((r) => {
    const row: ExportCell[] = [
      n(r.id),
      r.submitted_at,
      r.month,
      r.channel,
      r.collection_point_id == null ? "" : (plan.pointCode.get(r.collection_point_id) ?? ""),
      r.language,
      plan.versionNo.get(r.version_id) ?? "",
      ...plan.keys.map(() => ""),
    ];
    rowOf.set(n(r.id), row);
    return row;
  });
  // Ticked options of one response's multiple-choice question, gathered, then written in order.
  const ticked = new Map<ExportCell[], Map<number, OptionInfo[]>>();
  for (const a of answers) {
    const row = rowOf.get(n(a.response_id));
    const col = column.get(a.question_key);
    if (!row || col === undefined) continue;
    if (a.option_id != null) {
      const option = plan.optionById.get(n(a.option_id));
      if (!option) continue;
      const byCol = ticked.get(row) ?? new Map<number, OptionInfo[]>();
      byCol.set(col, [...(byCol.get(col) ?? []), option]);
      ticked.set(row, byCol);
    } else if (a.value_number != null) row[col] = n(a.value_number);
    else if (a.not_applicable) row[col] = "N/A";
    else if (a.value_text != null) row[col] = a.value_text;
  }
  for (const [row, byCol] of ticked) {
    for (const [col, options] of byCol) {
      row[col] = options
        .sort((x, y) => x.position - y.position)
        .map((o) => pick(plan.locale, o.labelEn, o.labelZh))
        .join("; ");
    }
  }
  return page;
}
