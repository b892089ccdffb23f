import type { Db } from "../../../db/client";
import { groupCommit } from "../../../db/group-commit";
import type { Survey } from "../../../db/schema";
import { hkMonth, nowIso } from "../calendar/time";
import { markSurveyStale } from "../pledges/stored-results.server";
import {
  type AnswerValue,
  buildResponseSchema,
  firstErrors,
  type ResponseChannel,
  type ResponseLanguage,
  toAnswerValues,
  type VersionDef,
} from "./schema";

/**
 * Survey responses: checking one against its version's schema, storing it (one at a time through
 * the group commit, or many at once for an API batch), and counting them. Every answer row is
 * built by `answerRow`, whichever way the response arrived.
 */

export interface ResponseMeta {
  survey: Pick<Survey, "id" | "department_id">;
  version: VersionDef;
  channel: ResponseChannel;
  language: ResponseLanguage;
  collectionPointId: number | null;
  submittedAt?: string;
  enteredBy?: number | null;
  batchId?: number | null;
}

/** A response that passed its checks, ready to store. */
export interface CheckedResponse {
  meta: ResponseMeta;
  answers: AnswerValue[];
}

const schemaCache = new WeakMap<VersionDef, ReturnType<typeof buildResponseSchema>>();

export type ParsedResponse =
  | { ok: true; answers: AnswerValue[] }
  | { ok: false; errors: Record<string, string> };

/** Checks a response against its version's schema (the same one the browser used). */
export function parseResponse(version: VersionDef, raw: Record<string, unknown>): ParsedResponse {
  // Building a zod schema costs more than using it: keep one per version object (versions are
  // cached by currentVersion, so the hot path builds it once).
  let schema = schemaCache.get(version);
  if (!schema) {
    schema = buildResponseSchema(version);
    schemaCache.set(version, schema);
  }
  const result = schema.safeParse(raw);
  if (!result.success) return { ok: false, errors: firstErrors(result.error) };
  return { ok: true, answers: toAnswerValues(version, result.data) };
}

/** The `survey_answers` row of one answer: every insert of answers builds its rows here. */
function answerRow(responseId: number, meta: ResponseMeta, month: string, a: AnswerValue) {
  return {
    response_id: responseId,
    survey_id: meta.survey.id,
    question_id: a.questionId,
    question_key: a.key,
    month,
    channel: meta.channel,
    language: meta.language,
    collection_point_id: meta.collectionPointId,
    value_number: a.valueNumber,
    option_id: a.optionId,
    value_text: a.text,
    not_applicable: a.notApplicable ? 1 : 0,
  };
}

/** The `survey_responses` row of one response. */
function responseRow(meta: ResponseMeta, receivedAt: string, batchId: number | null) {
  const submittedAt = meta.submittedAt ?? receivedAt;
  return {
    survey_id: meta.survey.id,
    version_id: meta.version.id,
    department_id: meta.survey.department_id,
    collection_point_id: meta.collectionPointId,
    channel: meta.channel,
    language: meta.language,
    submitted_at: submittedAt,
    month: hkMonth(submittedAt),
    received_at: receivedAt,
    entered_by: meta.enteredBy ?? null,
    batch_id: batchId,
  };
}

/**
 * Stores one response and its answers atomically: whole or not at all. On SQLite, responses that
 * arrive together share one commit (db/group-commit.ts); the promise settles after the commit.
 */
export async function storeResponse(db: Db, meta: ResponseMeta, answers: AnswerValue[]): Promise<number> {
  return groupCommit(db).run((trx) => insertResponse(trx, meta, answers));
}

/** The insert itself, for callers that already hold a transaction (batches). */
export async function insertResponse(trx: Db, meta: ResponseMeta, answers: AnswerValue[]): Promise<number> {
  const values = responseRow(meta, nowIso(), meta.batchId ?? null);
  const row = await trx
    .insertInto("survey_responses")
    .values(values)
    .returning("id")
    .executeTakeFirstOrThrow();
  if (answers.length) {
    await trx
      .insertInto("survey_answers")
      .values(answers.map((a) => answerRow(row.id, meta, values.month, a)))
      .execute();
    // Pledges measured by this survey have new figures for the month, with this commit.
    await markSurveyStale(trx, meta.survey.id, [values.month]);
  }
  return Number(row.id);
}

// Fixed chunk sizes give the same few statement texts every time (a statement cache can reuse
// them) and stay far below SQLite's 32,766 bound parameters: 11 × 100 and 12 × 500.
const RESPONSE_CHUNK = 100;
const ANSWER_CHUNK = 500;

/**
 * Inserts many checked responses and their answers with multi-row INSERTs, inside the caller's
 * transaction (performance.md lesson 4). Returns the new ids in the order of `items`.
 */
export async function insertResponses(trx: Db, items: CheckedResponse[], batchId: number): Promise<number[]> {
  const receivedAt = nowIso();
  const ids: number[] = [];
  const answerRows = [];
  for (let start = 0; start < items.length; start += RESPONSE_CHUNK) {
    const chunk = items.slice(start, start + RESPONSE_CHUNK);
    const rows = chunk.map(({ meta }) => responseRow(meta, receivedAt, batchId));
    const inserted = await trx.insertInto("survey_responses").values(rows).returning("id").execute();
    if (inserted.length !== rows.length) throw new Error("survey_responses: insert returned too few ids");
    // RETURNING's row order is not promised, but ids are handed out in VALUES order on both
    // engines; sorting them pairs each row with its id (as SQLAlchemy's insertmanyvalues does).
    const chunkIds = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
    for (const [i, { meta, answers }] of chunk.entries()) {
      const responseId = chunkIds[i]!;
      const month = rows[i]!.month;
      for (const a of answers) answerRows.push(answerRow(responseId, meta, month, a));
    }
    ids.push(...chunkIds);
  }
  for (let start = 0; start < answerRows.length; start += ANSWER_CHUNK) {
    await trx
      .insertInto("survey_answers")
      .values(answerRows.slice(start, start + ANSWER_CHUNK))
      .execute();
  }
  const monthsBySurvey = new Map<number, Set<string>>();
  for (const r of answerRows) {
    const set = monthsBySurvey.get(r.survey_id) ?? new Set<string>();
    set.add(r.month);
    monthsBySurvey.set(r.survey_id, set);
  }
  for (const [surveyId, months] of monthsBySurvey) await markSurveyStale(trx, surveyId, [...months]);
  return ids;
}

/** How many responses a survey, or one of its versions, has. */
export async function countResponses(
  db: Db,
  filter: { surveyId?: number; versionId?: number },
): Promise<number> {
  let q = db.selectFrom("survey_responses").select((eb) => eb.fn.countAll<number>().as("n"));
  if (filter.surveyId) q = q.where("survey_id", "=", filter.surveyId);
  if (filter.versionId) q = q.where("version_id", "=", filter.versionId);
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}
