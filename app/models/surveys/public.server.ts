import type { Db } from "../../../db/client";
import type { CollectionPoint, Survey } from "../../../db/schema";
import { currentVersion, getCollectionPoint, getSurveyBySlug, loadVersion } from "./lookup.server";
import type { VersionDef } from "./schema";

export type PublicSurvey =
  | { status: "open"; survey: Survey; version: VersionDef; point: CollectionPoint | undefined }
  | { status: "closed" }
  | { status: "missing" };

/** What a citizen may answer at /s/<slug>: published surveys only; drafts do not exist for the public. */
export async function findPublicSurvey(
  db: Db,
  slug: string,
  pointCode: string | null,
): Promise<PublicSurvey> {
  const survey = await getSurveyBySlug(db, slug);
  if (!survey || survey.status === "draft" || !survey.current_version_id) return { status: "missing" };
  if (survey.status === "closed") return { status: "closed" };
  const version = await currentVersion(db, survey);
  if (!version) return { status: "missing" };
  const point = await getCollectionPoint(db, survey.id, pointCode);
  return { status: "open", survey, version, point: point?.is_active ? point : undefined };
}

/**
 * The version a submitted form answered: the one named in the form if it belongs to this survey
 * (a citizen who began before an edit keeps their version), else undefined.
 */
export async function versionForSubmission(
  db: Db,
  survey: Survey,
  raw: unknown,
): Promise<VersionDef | undefined> {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const version =
    id === survey.current_version_id ? await currentVersion(db, survey) : await loadVersion(db, id);
  return version && version.surveyId === survey.id ? version : undefined;
}

/** Form fields that look like answers but name no question of the version. */
export function unknownQuestionFields(version: VersionDef, form: FormData): string[] {
  const known = new Set(version.questions.map((q) => `q${q.id}`));
  return [...new Set(form.keys())].filter((k) => /^q\d+$/.test(k) && !known.has(k));
}

/** Published surveys for the public "give feedback" page, by department. */
export async function listPublishedSurveys(db: Db) {
  return db
    .selectFrom("surveys as s")
    .innerJoin("departments as d", "d.id", "s.department_id")
    .innerJoin("survey_versions as v", "v.id", "s.current_version_id")
    .leftJoin("services as sv", "sv.id", "s.service_id")
    .select([
      "s.slug",
      "d.code as department_code",
      "d.name_en as department_en",
      "d.name_zh as department_zh",
      "v.title_en",
      "v.title_zh",
      "sv.name_en as service_en",
      "sv.name_zh as service_zh",
    ])
    .where("s.status", "=", "published")
    .where("s.listed", "=", 1)
    .orderBy("d.code")
    .orderBy("s.id")
    .execute();
}

/** What a survey is about, as the citizen reads it at its top: the department and the service. */
export interface SurveySubject {
  department: { en: string; zh: string };
  /** the survey's service; for an invitation after a case, the case's service; else null (all of them) */
  service: { en: string; zh: string } | null;
}

export async function surveySubject(db: Db, survey: Survey, token: string | null): Promise<SurveySubject> {
  const dept = await db
    .selectFrom("departments")
    .select(["name_en", "name_zh"])
    .where("id", "=", survey.department_id)
    .executeTakeFirstOrThrow();
  let serviceId = survey.service_id;
  if (serviceId == null && token) {
    const c = await db
      .selectFrom("case_survey_invitations as i")
      .innerJoin("cases as c", "c.id", "i.case_id")
      .select("c.service_id")
      .where("i.token", "=", token)
      .where("i.survey_id", "=", survey.id)
      .executeTakeFirst();
    serviceId = c?.service_id ?? null;
  }
  const service =
    serviceId == null
      ? undefined
      : await db
          .selectFrom("services")
          .select(["name_en", "name_zh"])
          .where("id", "=", serviceId)
          .executeTakeFirst();
  return {
    department: { en: dept.name_en, zh: dept.name_zh },
    service: service ? { en: service.name_en, zh: service.name_zh } : null,
  };
}
