import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import { type KeyedQuestion, type Locale, loadCatalogue, pick } from "./catalogue.server";
import { answersIn, monthsBetween, type ResultsFilter, responsesIn } from "./results-filter.server";
import type { ResponseLanguage } from "./schema";

/**
 * Survey results for staff: figures aggregated in SQL from `survey_answers_results_idx`
 * (survey, question key, month, value, option), so a million responses cost one index range
 * scan per question rather than a million rows in JavaScript (shared/performance.md, lesson 2).
 * Answers add up by question key across versions; labels come from the newest version that asks
 * the question.
 */

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
