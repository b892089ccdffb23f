import type { ExpressionBuilder } from "kysely";
import { z } from "zod";
import type { Db } from "../../../db/client";
import type { Database, Survey } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkMonth } from "../calendar/time";
import {
  type QuestionType,
  RESPONSE_CHANNELS,
  RESPONSE_LANGUAGES,
  type ResponseChannel,
  type ResponseLanguage,
} from "./schema";

/**
 * Survey results for staff: figures aggregated in SQL from `survey_answers_results_idx`
 * (survey, question key, month, value, option), so a million responses cost one index range
 * scan per question rather than a million rows in JavaScript (shared/performance.md, lesson 2).
 * Answers add up by question key across versions; labels come from the newest version that asks
 * the question.
 */

// ---- Filters ----

export interface ResultsFilter {
  /** first month, YYYY-MM (Hong Kong time), inclusive */
  from: string;
  /** last month, inclusive */
  to: string;
  collectionPointId: number | null;
  channel: ResponseChannel | null;
  language: ResponseLanguage | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** The trend shows one column a month: ten years is as many as a chart (and a reader) can take. */
export const MAX_MONTHS = 120;

/** `month` moved by `n` months (either way). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, "0")}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/** Every month from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < MAX_MONTHS; m = addMonths(m, 1)) out.push(m);
  return out;
}

// A filter value that does not parse is dropped (the form is a plain GET link anyone can edit):
// the page then shows exactly which filters it applied.
const ResultsFilterSchema = z.object({
  from: z.string().regex(MONTH).optional().catch(undefined),
  to: z.string().regex(MONTH).optional().catch(undefined),
  point: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  channel: z.enum(RESPONSE_CHANNELS).optional().catch(undefined),
  language: z.enum(RESPONSE_LANGUAGES).optional().catch(undefined),
});

/** The filters of a results page or export from its query string; by default the last 12 months. */
export function parseResultsFilter(params: URLSearchParams, now: Date = new Date()): ResultsFilter {
  const raw = ResultsFilterSchema.parse({
    from: params.get("from") ?? undefined,
    to: params.get("to") ?? undefined,
    point: params.get("point") || undefined,
    channel: params.get("channel") || undefined,
    language: params.get("language") || undefined,
  });
  let to = raw.to ?? hkMonth(now);
  let from = raw.from ?? addMonths(to, -11);
  if (from > to) [from, to] = [to, from];
  if (from < addMonths(to, -(MAX_MONTHS - 1))) from = addMonths(to, -(MAX_MONTHS - 1));
  return {
    from,
    to,
    collectionPointId: raw.point ?? null,
    channel: raw.channel ?? null,
    language: raw.language ?? null,
  };
}

/** The query string that reproduces a filter (for export links and "back" links). */
export function filterQuery(f: ResultsFilter): string {
  const p = new URLSearchParams({ from: f.from, to: f.to });
  if (f.collectionPointId != null) p.set("point", String(f.collectionPointId));
  if (f.channel) p.set("channel", f.channel);
  if (f.language) p.set("language", f.language);
  return p.toString();
}

// One month is written `month = ?`, not a range of one: SQLite then reads the (survey_id, month)
// index in id order, so an export's keyset pages need no sort.
function answersIn(eb: ExpressionBuilder<Database, "survey_answers">, surveyId: number, f: ResultsFilter) {
  const where =
    f.from === f.to
      ? [eb("survey_id", "=", surveyId), eb("month", "=", f.from)]
      : [eb("survey_id", "=", surveyId), eb("month", ">=", f.from), eb("month", "<=", f.to)];
  if (f.channel) where.push(eb("channel", "=", f.channel));
  if (f.language) where.push(eb("language", "=", f.language));
  if (f.collectionPointId != null) where.push(eb("collection_point_id", "=", f.collectionPointId));
  return eb.and(where);
}

function responsesIn(
  eb: ExpressionBuilder<Database, "survey_responses">,
  surveyId: number,
  f: ResultsFilter,
) {
  const where =
    f.from === f.to
      ? [eb("survey_id", "=", surveyId), eb("month", "=", f.from)]
      : [eb("survey_id", "=", surveyId), eb("month", ">=", f.from), eb("month", "<=", f.to)];
  if (f.channel) where.push(eb("channel", "=", f.channel));
  if (f.language) where.push(eb("language", "=", f.language));
  if (f.collectionPointId != null) where.push(eb("collection_point_id", "=", f.collectionPointId));
  return eb.and(where);
}

// ---- The questions of every version, by key ----

/** "en" or "zh-HK"; anything starting with "zh" reads the Chinese labels. */
export type Locale = string;
const isZh = (locale: Locale) => locale.startsWith("zh");
const pick = (locale: Locale, en: string, zh: string) => (isZh(locale) ? zh : en);

/** Types whose stored values mean the same thing, so their answers may be added up. */
function family(type: QuestionType): string {
  if (type === "single" || type === "multiple") return "choice";
  if (type === "short_text" || type === "long_text") return "text";
  return type;
}

interface OptionInfo {
  id: number;
  code: string;
  position: number;
  labelEn: string;
  labelZh: string;
}

interface KeyedQuestion {
  key: string;
  /** the type, prompt and options of the newest version that asks it */
  type: QuestionType;
  promptEn: string;
  promptZh: string;
  inCurrentVersion: boolean;
  /** option codes in the newest version's order, with that version's labels */
  options: { code: string; labelEn: string; labelZh: string }[];
  /** option id (any version) → code: option ids differ between versions, codes do not */
  codeOf: Map<number, string>;
  /**
   * When an older version asked this key as another kind of question (a rating that became a
   * score out of ten), only answers to these question ids count; null when every version agrees.
   */
  onlyQuestionIds: number[] | null;
}

interface Catalogue {
  titleEn: string;
  titleZh: string;
  questions: KeyedQuestion[];
  versionNo: Map<number, number>;
  optionById: Map<number, OptionInfo>;
}

/** Every question key the survey has ever asked: the current version's first, in its order. */
async function loadCatalogue(db: Db, survey: Survey): Promise<Catalogue> {
  const [versions, questions, options] = await Promise.all([
    db
      .selectFrom("survey_versions")
      .select(["id", "version_no", "title_en", "title_zh"])
      .where("survey_id", "=", survey.id)
      .orderBy("version_no", "desc")
      .execute(),
    db
      .selectFrom("survey_questions as q")
      .innerJoin("survey_versions as v", "v.id", "q.version_id")
      .select([
        "q.id",
        "q.version_id",
        "q.question_key",
        "q.type",
        "q.prompt_en",
        "q.prompt_zh",
        "q.position",
      ])
      .where("v.survey_id", "=", survey.id)
      .orderBy("v.version_no", "desc")
      .orderBy("q.position")
      .execute(),
    db
      .selectFrom("question_options as o")
      .innerJoin("survey_questions as q", "q.id", "o.question_id")
      .innerJoin("survey_versions as v", "v.id", "q.version_id")
      .select(["o.id", "o.question_id", "o.code", "o.position", "o.label_en", "o.label_zh"])
      .where("v.survey_id", "=", survey.id)
      .orderBy("v.version_no", "desc")
      .orderBy("o.position")
      .execute(),
  ]);
  const current = versions.find((v) => v.id === survey.current_version_id) ?? versions[0];
  const optionsOf = new Map<number, OptionInfo[]>();
  const optionById = new Map<number, OptionInfo>();
  for (const o of options) {
    const info = {
      id: o.id,
      code: o.code,
      position: o.position,
      labelEn: o.label_en,
      labelZh: o.label_zh,
    };
    optionById.set(o.id, info);
    optionsOf.set(o.question_id, [...(optionsOf.get(o.question_id) ?? []), info]);
  }
  // Rows come newest version first, so the first row of a key is its label source.
  const byKey = new Map<string, (typeof questions)[number][]>();
  for (const q of questions) byKey.set(q.question_key, [...(byKey.get(q.question_key) ?? []), q]);
  const keyed: KeyedQuestion[] = [];
  for (const [key, rows] of byKey) {
    const newest = rows[0]!;
    const codeOf = new Map<number, string>();
    const labels = new Map<string, { code: string; labelEn: string; labelZh: string }>();
    for (const q of rows) {
      for (const o of optionsOf.get(q.id) ?? []) {
        codeOf.set(o.id, o.code);
        if (!labels.has(o.code)) labels.set(o.code, { code: o.code, labelEn: o.labelEn, labelZh: o.labelZh });
      }
    }
    const same = rows.filter((q) => family(q.type) === family(newest.type));
    keyed.push({
      key,
      type: newest.type,
      promptEn: newest.prompt_en,
      promptZh: newest.prompt_zh,
      inCurrentVersion: newest.version_id === current?.id,
      options: [...labels.values()],
      codeOf,
      onlyQuestionIds: same.length === rows.length ? null : same.map((q) => q.id),
    });
  }
  // Current version's questions in its order, then retired ones (newest version first).
  const currentOrder = new Map(
    questions.filter((q) => q.version_id === current?.id).map((q) => [q.question_key, q.position]),
  );
  const firstSeen = new Map([...byKey.keys()].map((k, i) => [k, i]));
  keyed.sort((a, b) => {
    const pa = currentOrder.get(a.key);
    const pb = currentOrder.get(b.key);
    if (pa != null && pb != null) return pa - pb;
    if (pa != null) return -1;
    if (pb != null) return 1;
    return firstSeen.get(a.key)! - firstSeen.get(b.key)!;
  });
  return {
    titleEn: current?.title_en ?? "",
    titleZh: current?.title_zh ?? "",
    questions: keyed,
    versionNo: new Map(versions.map((v) => [v.id, v.version_no])),
    optionById,
  };
}

// ---- Results ----

export interface Bucket {
  value: number;
  count: number;
}

interface QuestionBase {
  key: string;
  prompt: string;
  /** false for a question a newer version no longer asks */
  inCurrentVersion: boolean;
  /** answers with a value (a rating, a choice, some text); "not applicable" is counted apart */
  answered: number;
  notApplicable: number;
}

export type QuestionResult =
  | (QuestionBase & {
      type: "rating5";
      distribution: Bucket[];
      average: number | null;
      /** share of ratings that are 4 or 5 (not applicable left out), 0–1 */
      topTwoBox: number | null;
    })
  | (QuestionBase & {
      type: "nps";
      distribution: Bucket[];
      promoters: number;
      passives: number;
      detractors: number;
      /** promoters (9–10) minus detractors (0–6), as a share of answers: −100 to 100 */
      score: number | null;
    })
  | (QuestionBase & {
      type: "single" | "multiple";
      options: { code: string; label: string; count: number }[];
    })
  | (QuestionBase & {
      type: "short_text" | "long_text";
      comments: Comment[];
    });

export interface Comment {
  /** the answer's id (a key for the list; it names no one) */
  id: number;
  text: string;
  month: string;
  language: ResponseLanguage;
}

export interface TrendPoint {
  month: string;
  responses: number;
  /** top-two-box share of the trend question that month, 0–1; null when nobody rated it */
  topTwoBox: number | null;
}

export interface SurveyResults {
  title: string;
  filter: ResultsFilter;
  totalResponses: number;
  questions: QuestionResult[];
  /** the question whose top-two-box share the trend follows: "overall", else the first rating */
  trendQuestion: { key: string; prompt: string } | null;
  trend: TrendPoint[];
}

/** How many latest comments each text question shows. */
export const COMMENT_LIMIT = 20;

const n = (v: unknown) => Number(v ?? 0);

/** A survey's results for a filter, with labels in `locale`. */
export async function getSurveyResults(
  db: Db,
  survey: Survey,
  filter: ResultsFilter,
  locale: Locale,
): Promise<SurveyResults> {
  const cat = await loadCatalogue(db, survey);
  const uniform = cat.questions.filter((q) => q.onlyQuestionIds === null).map((q) => q.key);
  const mixed = cat.questions.filter((q) => q.onlyQuestionIds !== null);
  const multiple = cat.questions.filter((q) => q.type === "multiple");
  const text = cat.questions.filter((q) => q.type === "short_text" || q.type === "long_text");
  const trendQ =
    cat.questions.find((q) => q.inCurrentVersion && q.type === "rating5" && q.key === "overall") ??
    cat.questions.find((q) => q.inCurrentVersion && q.type === "rating5") ??
    null;

  // One GROUP BY over the results index gives, per key and month: the count of each value
  // (ratings, scores), of each option, and of value-less rows (not applicable, or a text answer).
  // Grouping in the index's own column order lets SQLite count as it scans, with no sort; the
  // months give the trend too.
  const groupQuery = (keys: string[], onlyQuestionIds: number[] | null) =>
    db
      .selectFrom("survey_answers")
      .select((eb) => ["question_key", "month", "value_number", "option_id", eb.fn.countAll().as("n")])
      .where((eb) => answersIn(eb, survey.id, filter))
      .where("question_key", "in", keys)
      .$if(onlyQuestionIds !== null, (qb) => qb.where("question_id", "in", onlyQuestionIds!))
      .groupBy(["question_key", "month", "value_number", "option_id"])
      .execute();

  const [groups, mixedGroups, multipleAnswered, comments, monthly] = await Promise.all([
    uniform.length ? groupQuery(uniform, null) : Promise.resolve([]),
    Promise.all(mixed.map((q) => groupQuery([q.key], q.onlyQuestionIds))),
    // A multiple-choice answer is one row per ticked option: count the responses instead.
    multiple.length
      ? db
          .selectFrom("survey_answers")
          .select((eb) => ["question_key", eb.fn.count("response_id").distinct().as("n")])
          .where((eb) => answersIn(eb, survey.id, filter))
          .where(
            "question_key",
            "in",
            multiple.map((q) => q.key),
          )
          .where("option_id", "is not", null)
          .groupBy("question_key")
          .execute()
      : Promise.resolve([]),
    Promise.all(text.map((q) => latestComments(db, survey.id, filter, q))),
    db
      .selectFrom("survey_responses")
      .select((eb) => ["month", eb.fn.countAll().as("n")])
      .where((eb) => responsesIn(eb, survey.id, filter))
      .groupBy("month")
      .execute(),
  ]);

  const groupsOf = new Map<
    string,
    { month: string; value: number | null; option: number | null; count: number }[]
  >();
  for (const g of [...groups, ...mixedGroups.flat()]) {
    const list = groupsOf.get(g.question_key) ?? [];
    list.push({
      month: g.month,
      value: g.value_number == null ? null : n(g.value_number),
      option: g.option_id == null ? null : n(g.option_id),
      count: n(g.n),
    });
    groupsOf.set(g.question_key, list);
  }
  const multipleCount = new Map(multipleAnswered.map((r) => [r.question_key, n(r.n)]));
  const commentsOf = new Map(text.map((q, i) => [q.key, comments[i]!]));

  const questions: QuestionResult[] = [];
  for (const q of cat.questions) {
    const gs = groupsOf.get(q.key) ?? [];
    const valued = gs.filter((g) => g.value !== null);
    const blank = gs.filter((g) => g.value === null && g.option === null).reduce((s, g) => s + g.count, 0);
    const base = {
      key: q.key,
      prompt: pick(locale, q.promptEn, q.promptZh),
      inCurrentVersion: q.inCurrentVersion,
    };
    let result: QuestionResult;
    switch (q.type) {
      case "rating5":
      case "nps": {
        const values = q.type === "rating5" ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        const distribution = values.map((value) => ({
          value,
          count: valued.filter((g) => g.value === value).reduce((s, g) => s + g.count, 0),
        }));
        const answered = distribution.reduce((s, b) => s + b.count, 0);
        const sum = distribution.reduce((s, b) => s + b.value * b.count, 0);
        const between = (lo: number, hi: number) =>
          distribution.filter((b) => b.value >= lo && b.value <= hi).reduce((s, b) => s + b.count, 0);
        if (q.type === "rating5") {
          result = {
            ...base,
            type: "rating5",
            answered,
            notApplicable: blank,
            distribution,
            average: answered ? sum / answered : null,
            topTwoBox: answered ? between(4, 5) / answered : null,
          };
        } else {
          const promoters = between(9, 10);
          const detractors = between(0, 6);
          result = {
            ...base,
            type: "nps",
            answered,
            notApplicable: blank,
            distribution,
            promoters,
            passives: between(7, 8),
            detractors,
            score: answered ? ((promoters - detractors) / answered) * 100 : null,
          };
        }
        break;
      }
      case "single":
      case "multiple": {
        const byCode = new Map<string, number>();
        for (const g of gs) {
          const code = g.option === null ? undefined : q.codeOf.get(g.option);
          if (code) byCode.set(code, (byCode.get(code) ?? 0) + g.count);
        }
        const chosen = [...byCode.values()].reduce((s, c) => s + c, 0);
        result = {
          ...base,
          type: q.type,
          answered: q.type === "multiple" ? (multipleCount.get(q.key) ?? 0) : chosen,
          notApplicable: 0,
          options: q.options.map((o) => ({
            code: o.code,
            label: pick(locale, o.labelEn, o.labelZh),
            count: byCode.get(o.code) ?? 0,
          })),
        };
        break;
      }
      default:
        result = {
          ...base,
          type: q.type,
          answered: blank,
          notApplicable: 0,
          comments: commentsOf.get(q.key) ?? [],
        };
    }
    // A question a newer version dropped is shown only while the filter still holds answers to it.
    if (q.inCurrentVersion || result.answered + result.notApplicable > 0) questions.push(result);
  }

  const responsesByMonth = new Map(monthly.map((r) => [r.month, n(r.n)]));
  const ratedByMonth = new Map<string, { top: number; all: number }>();
  for (const g of trendQ ? (groupsOf.get(trendQ.key) ?? []) : []) {
    if (g.value === null) continue;
    const m = ratedByMonth.get(g.month) ?? { top: 0, all: 0 };
    m.all += g.count;
    if (g.value >= 4) m.top += g.count;
    ratedByMonth.set(g.month, m);
  }
  const trend = monthsBetween(filter.from, filter.to).map((month) => {
    const rated = ratedByMonth.get(month);
    return {
      month,
      responses: responsesByMonth.get(month) ?? 0,
      topTwoBox: rated?.all ? rated.top / rated.all : null,
    };
  });

  return {
    title: pick(locale, cat.titleEn, cat.titleZh),
    filter,
    totalResponses: trend.reduce((s, p) => s + p.responses, 0),
    questions,
    trendQuestion: trendQ
      ? { key: trendQ.key, prompt: pick(locale, trendQ.promptEn, trendQ.promptZh) }
      : null,
    trend,
  };
}

/** The newest comments to one text question, newest month first, then latest received. */
async function latestComments(db: Db, surveyId: number, filter: ResultsFilter, q: KeyedQuestion) {
  const rows = await db
    .selectFrom("survey_answers")
    .select(["id", "value_text", "month", "language"])
    .where((eb) => answersIn(eb, surveyId, filter))
    .where("question_key", "=", q.key)
    .where("value_text", "is not", null)
    .$if(q.onlyQuestionIds !== null, (qb) => qb.where("question_id", "in", q.onlyQuestionIds!))
    // Text answers have no value or option, so ordering by them changes nothing, but it makes the
    // ORDER BY the results index's own order backwards: SQLite reads 20 entries and stops
    // instead of sorting a month of comments.
    .orderBy("month", "desc")
    .orderBy("value_number", "desc")
    .orderBy("option_id", "desc")
    .orderBy("id", "desc")
    .limit(COMMENT_LIMIT)
    .execute();
  return rows.map((r) => ({ id: n(r.id), text: r.value_text ?? "", month: r.month, language: r.language }));
}

// ---- Export ----

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

export type ExportCell = string | number;

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

/**
 * A cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage return)
 * gets a leading apostrophe (OWASP, "CSV Injection").
 */
export function safeCell(value: ExportCell): ExportCell {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
