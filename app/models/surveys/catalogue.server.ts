import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import type { QuestionType } from "./schema";

/**
 * The questions of every version of a survey, by question key: results and exports add answers
 * up by key across versions, with the labels of the newest version that asks the question.
 */

/** "en" or "zh-HK"; anything starting with "zh" reads the Chinese labels. */
export type Locale = string;
const isZh = (locale: Locale) => locale.startsWith("zh");
export const pick = (locale: Locale, en: string, zh: string) => (isZh(locale) ? zh : en);

/** Types whose stored values mean the same thing, so their answers may be added up. */
function family(type: QuestionType): string {
  if (type === "single" || type === "multiple") return "choice";
  if (type === "short_text" || type === "long_text") return "text";
  return type;
}

export interface OptionInfo {
  id: number;
  code: string;
  position: number;
  labelEn: string;
  labelZh: string;
}

export interface KeyedQuestion {
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

export interface Catalogue {
  titleEn: string;
  titleZh: string;
  questions: KeyedQuestion[];
  versionNo: Map<number, number>;
  optionById: Map<number, OptionInfo>;
}

/** Every question key the survey has ever asked: the current version's first, in its order. */
export async function loadCatalogue(db: Db, survey: Survey): Promise<Catalogue> {
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
