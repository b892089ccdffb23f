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
