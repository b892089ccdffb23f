import type { Db } from "../../../db/client";
import type { SurveyChoice } from "./schema";

/*
 * What a satisfaction target can be measured by: the department's surveys and the five-point
 * questions of their current versions (the pledge form's choices).
 */

/** The department's surveys with their current versions' five-point questions. */
export async function satisfactionQuestions(db: Db, departmentId: number): Promise<SurveyChoice[]> {
  const rows = await db
    .selectFrom("surveys as s")
    .innerJoin("survey_versions as v", "v.id", "s.current_version_id")
    .leftJoin("survey_questions as q", (j) =>
      j.onRef("q.version_id", "=", "v.id").on("q.type", "=", "rating5"),
    )
    .select([
      "s.id",
      "s.slug",
      "v.title_en",
      "v.title_zh",
      "q.question_key",
      "q.prompt_en",
      "q.prompt_zh",
      "q.position",
    ])
    .where("s.department_id", "=", departmentId)
    .orderBy("s.id")
    .orderBy("q.position")
    .execute();
  const out = new Map<number, SurveyChoice>();
  for (const r of rows) {
    let s = out.get(r.id);
    if (!s) {
      s = { id: r.id, slug: r.slug, titleEn: r.title_en, titleZh: r.title_zh, questions: [] };
      out.set(r.id, s);
    }
    if (r.question_key)
      s.questions.push({ key: r.question_key, promptEn: r.prompt_en!, promptZh: r.prompt_zh! });
  }
  return [...out.values()];
}
