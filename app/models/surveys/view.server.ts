import type { Db } from "../../../db/client";
import type { CollectionPoint, Survey } from "../../../db/schema";
import { listCollectionPoints, loadVersion } from "./lookup.server";
import { countResponses } from "./responses.server";
import type { PointChannel, VersionDef } from "./schema";

/** A collection point as the editor lists it (name, channel, and the code its link and QR carry). */
export interface EditorPoint {
  id: number;
  code: string;
  name_en: string;
  name_zh: string;
  channel: PointChannel;
}

export interface SurveyEditorView {
  survey: { id: number; slug: string; status: Survey["status"] };
  version: VersionDef;
  points: CollectionPoint[];
  /** responses to the survey, every version */
  total: number;
  /** responses to the current version (an edit then makes a new version) */
  onVersion: number;
}

/** What the survey editor shows: the current version, its collection points and response counts. */
export async function surveyEditorView(db: Db, survey: Survey): Promise<SurveyEditorView> {
  const version = (await loadVersion(db, survey.current_version_id!))!;
  const [points, total, onVersion] = await Promise.all([
    listCollectionPoints(db, survey.id),
    countResponses(db, { surveyId: survey.id }),
    countResponses(db, { versionId: version.id }),
  ]);
  return {
    survey: { id: survey.id, slug: survey.slug, status: survey.status },
    version,
    points,
    total,
    onVersion,
  };
}
