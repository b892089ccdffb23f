import { loadVersion } from "~/models/surveys/lookup.server";
import { parseResponse, storeResponse } from "~/models/surveys/responses.server";
import type { ResponseChannel, ResponseLanguage } from "~/models/surveys/schema";
import type { Db } from "../../db/client";

export interface TestResponse {
  /** when it was submitted (ISO); now when left out */
  at?: string;
  /** answers by question key, as the form sends them ("5", ["o1", "o2"]) */
  answers: Record<string, string | string[]>;
  channel?: ResponseChannel;
  language?: ResponseLanguage;
  /** the collection point's code, or null for none */
  point?: string | null;
}

/**
 * Stores one response to the survey `slug` the way the public form does: answers keyed by
 * question key become the form's fields, the version's schema parses them, and storeResponse
 * writes the response and its answer rows. Every test that needs responses builds them here.
 */
export async function storeTestResponse(db: Db, slug: string, r: TestResponse): Promise<number> {
  const survey = await db
    .selectFrom("surveys")
    .selectAll()
    .where("slug", "=", slug)
    .executeTakeFirstOrThrow();
  const version = (await loadVersion(db, survey.current_version_id!))!;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r.answers)) {
    const q = version.questions.find((x) => x.key === key);
    if (!q) throw new Error(`no question ${key}`);
    fields[`q${q.id}`] = value;
  }
  const parsed = parseResponse(version, fields);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const collectionPointId = r.point
    ? (
        await db
          .selectFrom("collection_points")
          .select("id")
          .where("survey_id", "=", survey.id)
          .where("code", "=", r.point)
          .executeTakeFirstOrThrow()
      ).id
    : null;
  return storeResponse(
    db,
    {
      survey,
      version,
      channel: r.channel ?? "web",
      language: r.language ?? "en",
      collectionPointId,
      submittedAt: r.at,
    },
    parsed.answers,
  );
}
