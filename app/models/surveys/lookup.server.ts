import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import type { VersionDef } from "./schema";

/**
 * Reading surveys for staff and for the other survey modules: a survey by id or code, the list
 * with response counts, a version with its questions and options, and collection points.
 */

const versionCache = new Map<string, VersionDef>();

/**
 * The current version of a survey, cached in memory. The key includes the survey's updated_at,
 * which every edit changes, so no process serves a stale form after an edit anywhere.
 */
export async function currentVersion(db: Db, survey: Survey): Promise<VersionDef | undefined> {
  if (!survey.current_version_id) return undefined;
  const key = `${survey.current_version_id}:${survey.updated_at}`;
  const hit = versionCache.get(key);
  if (hit) return hit;
  const version = await loadVersion(db, survey.current_version_id);
  if (version) {
    if (versionCache.size > 500) versionCache.clear();
    versionCache.set(key, version);
  }
  return version;
}

/** A version with its questions and options, in order. */
export async function loadVersion(db: Db, versionId: number): Promise<VersionDef | undefined> {
  const v = await db.selectFrom("survey_versions").selectAll().where("id", "=", versionId).executeTakeFirst();
  if (!v) return undefined;
  const questions = await db
    .selectFrom("survey_questions")
    .selectAll()
    .where("version_id", "=", versionId)
    .orderBy("position")
    .execute();
  const options = questions.length
    ? await db
        .selectFrom("question_options")
        .selectAll()
        .where(
          "question_id",
          "in",
          questions.map((q) => q.id),
        )
        .orderBy("question_id")
        .orderBy("position")
        .execute()
    : [];
  return {
    id: v.id,
    surveyId: v.survey_id,
    versionNo: v.version_no,
    titleEn: v.title_en,
    titleZh: v.title_zh,
    introEn: v.intro_en,
    introZh: v.intro_zh,
    questions: questions.map((q) => ({
      id: q.id,
      key: q.question_key,
      type: q.type,
      required: q.required === 1,
      promptEn: q.prompt_en,
      promptZh: q.prompt_zh,
      maxLength: q.max_length,
      options: options
        .filter((o) => o.question_id === q.id)
        .map((o) => ({ id: o.id, code: o.code, labelEn: o.label_en, labelZh: o.label_zh })),
    })),
  };
}

export interface SurveyListRow {
  id: number;
  slug: string;
  status: Survey["status"];
  department_id: number;
  department_code: string;
  title_en: string | null;
  title_zh: string | null;
  version_no: number | null;
  responses: number;
  updated_at: string;
}

/** Surveys of one department (or all, for government-wide roles), newest first, with response counts. */
export async function listSurveys(db: Db, departmentId: number | null): Promise<SurveyListRow[]> {
  let q = db
    .selectFrom("surveys as s")
    .innerJoin("departments as d", "d.id", "s.department_id")
    .leftJoin("survey_versions as v", "v.id", "s.current_version_id")
    .select((eb) => [
      "s.id",
      "s.slug",
      "s.status",
      "s.department_id",
      "d.code as department_code",
      "v.title_en",
      "v.title_zh",
      "v.version_no",
      "s.updated_at",
      eb
        .selectFrom("survey_responses as r")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("r.survey_id", "=", "s.id")
        .as("responses"),
    ])
    .orderBy("s.id", "desc");
  if (departmentId != null) q = q.where("s.department_id", "=", departmentId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, responses: Number(r.responses ?? 0) }));
}

/** The survey if it exists and the reader may see it (their department, or every department). */
export async function getSurvey(
  db: Db,
  id: number,
  departmentId: number | null,
): Promise<Survey | undefined> {
  let q = db.selectFrom("surveys").selectAll().where("id", "=", id);
  if (departmentId != null) q = q.where("department_id", "=", departmentId);
  return q.executeTakeFirst();
}

export async function getSurveyBySlug(db: Db, slug: string): Promise<Survey | undefined> {
  if (!/^[a-z0-9]{4,16}$/.test(slug)) return undefined;
  return db.selectFrom("surveys").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export async function listCollectionPoints(db: Db, surveyId: number) {
  return db
    .selectFrom("collection_points")
    .selectAll()
    .where("survey_id", "=", surveyId)
    .orderBy("id")
    .execute();
}

export async function getCollectionPoint(db: Db, surveyId: number, code: string | null | undefined) {
  if (!code || !/^[a-z0-9]{4,16}$/.test(code)) return undefined;
  return db
    .selectFrom("collection_points")
    .selectAll()
    .where("survey_id", "=", surveyId)
    .where("code", "=", code)
    .executeTakeFirst();
}
