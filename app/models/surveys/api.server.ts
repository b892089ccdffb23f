import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { ResponseBatch } from "../../../db/schema";
import type { ApiProblem, ApiResult } from "../../utils/api.server";
import { nowIso } from "../calendar/time";
import type { ApiKeyAuth } from "../staff/api-keys.server";
import { createResponseChecker, FIELD_RULES, shapeProblem } from "./api-checks.server";
import { loadVersion } from "./lookup.server";
import { type CheckedResponse, insertResponses, storeResponse } from "./responses.server";
import { ApiBatchItemSchema, ApiBatchSchema, ApiResponseSchema, type QuestionDef, textLimit } from "./schema";

/**
 * The survey JSON API for a department's own systems (kiosks, tablets that collect offline):
 * the surveys it may read, and its writes (one response, or a batch stored all or nothing).
 * The envelope is app/utils/api.server.ts; the checks are api-checks.server.ts.
 */

/** Bodies larger than this are refused with 413 (a response of 40 long answers fits easily). */
export const RESPONSE_BODY_LIMIT = 1024 * 1024;
export const BATCH_BODY_LIMIT = 5 * 1024 * 1024;
export const BATCH_MAX_RESPONSES = 1000;

function failure(status: number, problem: ApiProblem, extra: Record<string, unknown> = {}): ApiResult {
  return { status, body: { error: problem, ...extra } };
}

// ---- Reading ----

export interface ApiSurvey {
  slug: string;
  status: "published" | "closed";
  versionNo: number;
  title: { en: string; "zh-HK": string };
  questions: {
    key: string;
    type: QuestionDef["type"];
    required: boolean;
    prompt: { en: string; "zh-HK": string };
    maxLength: number | null;
    options: { code: string; label: { en: string; "zh-HK": string } }[];
  }[];
  collectionPoints: {
    code: string;
    channel: string;
    name: { en: string; "zh-HK": string };
    active: boolean;
  }[];
}

/** The department's published and closed surveys, each with its current version and collection points. */
export async function listApiSurveys(db: Db, departmentId: number): Promise<ApiSurvey[]> {
  const surveys = await db
    .selectFrom("surveys")
    .selectAll()
    .where("department_id", "=", departmentId)
    .where("status", "in", ["published", "closed"])
    .orderBy("id")
    .execute();
  if (!surveys.length) return [];
  const points = await db
    .selectFrom("collection_points")
    .selectAll()
    .where(
      "survey_id",
      "in",
      surveys.map((s) => s.id),
    )
    .orderBy("id")
    .execute();
  const out: ApiSurvey[] = [];
  for (const s of surveys) {
    const v = s.current_version_id == null ? undefined : await loadVersion(db, s.current_version_id);
    if (!v) continue;
    out.push({
      slug: s.slug,
      status: s.status as ApiSurvey["status"],
      versionNo: v.versionNo,
      title: { en: v.titleEn, "zh-HK": v.titleZh },
      questions: v.questions.map((q) => ({
        key: q.key,
        type: q.type,
        required: q.required,
        prompt: { en: q.promptEn, "zh-HK": q.promptZh },
        maxLength: q.type === "short_text" || q.type === "long_text" ? textLimit(q) : null,
        options: q.options.map((o) => ({ code: o.code, label: { en: o.labelEn, "zh-HK": o.labelZh } })),
      })),
      collectionPoints: points
        .filter((p) => p.survey_id === s.id)
        .map((p) => ({
          code: p.code,
          channel: p.channel,
          name: { en: p.name_en, "zh-HK": p.name_zh },
          active: p.is_active === 1,
        })),
    });
  }
  return out;
}

// ---- Writing ----

/** Checks and stores one response; nothing is stored on any error. */
export async function submitResponse(
  db: Db,
  auth: ApiKeyAuth,
  slug: string,
  body: unknown,
): Promise<ApiResult> {
  const parsed = ApiResponseSchema.safeParse(body);
  if (!parsed.success) return failure(400, shapeProblem(parsed.error));
  const checked = await createResponseChecker(db, auth)(slug, parsed.data);
  if (!checked.ok) {
    const [first] = checked.problems;
    return failure(checked.status, first!, checked.status === 422 ? { errors: checked.problems } : {});
  }
  const id = await storeResponse(db, checked.response.meta, checked.response.answers);
  return { status: 201, body: { id } };
}

/** A stable text of a JSON value (object keys sorted), so the same batch hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

async function findBatch(db: Db, departmentId: number, idempotencyKey: string) {
  return db
    .selectFrom("response_batches")
    .selectAll()
    .where("department_id", "=", departmentId)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
}

function replay(batch: ResponseBatch, requestHash: string): ApiResult {
  if (batch.request_hash !== requestHash) {
    return failure(409, {
      code: "idempotency_key_reused",
      field: "Idempotency-Key",
      message:
        "This Idempotency-Key was already used for a different batch. Send a new batch with a new key.",
    });
  }
  return { status: 200, body: { batchId: batch.id, stored: batch.response_count, replayed: true } };
}

/**
 * Stores a batch collected offline, all or nothing. Every item is checked first; a batch sent
 * again with the same Idempotency-Key and body is answered from the first time, not stored twice.
 */
export async function submitBatch(
  db: Db,
  auth: ApiKeyAuth,
  idempotencyKey: string,
  body: unknown,
): Promise<ApiResult> {
  const parsed = ApiBatchSchema.safeParse(body);
  if (!parsed.success) return failure(400, shapeProblem(parsed.error));
  const items = parsed.data.responses;
  if (items.length > BATCH_MAX_RESPONSES) {
    return failure(413, {
      code: "batch_too_large",
      field: "responses",
      message: `A batch holds at most ${BATCH_MAX_RESPONSES} responses; this one has ${items.length}.`,
    });
  }
  if (items.length === 0)
    return failure(400, { code: "invalid_body", field: "responses", message: FIELD_RULES.responses! });

  const requestHash = crypto.createHash("sha256").update(canonicalJson(body)).digest("hex");
  // Before checking items: a replay is answered as it was, even if the survey has closed since.
  const earlier = await findBatch(db, auth.departmentId, idempotencyKey);
  if (earlier) return replay(earlier, requestHash);

  const check = createResponseChecker(db, auth);
  const good: CheckedResponse[] = [];
  const errors: ({ index: number } & ApiProblem)[] = [];
  for (const [index, raw] of items.entries()) {
    const item = ApiBatchItemSchema.safeParse(raw);
    if (!item.success) {
      errors.push({ index, ...shapeProblem(item.error) });
      continue;
    }
    const { survey, ...input } = item.data;
    const checked = await check(survey, input);
    if (checked.ok) good.push(checked.response);
    // In a batch the survey is a field of the item (404 and 410 name no field: the slug is in the URL).
    else
      errors.push({ index, ...(checked.status === 422 ? {} : { field: "survey" }), ...checked.problems[0]! });
  }
  if (errors.length) {
    return failure(
      422,
      {
        code: "invalid_responses",
        message: `${errors.length} of ${items.length} responses are not valid, so none was stored. Each is listed in "errors".`,
      },
      { errors },
    );
  }

  try {
    const batchId = await db.transaction().execute(async (trx) => {
      // First, so a concurrent duplicate fails on UNIQUE(department_id, idempotency_key) early.
      const batch = await trx
        .insertInto("response_batches")
        .values({
          department_id: auth.departmentId,
          idempotency_key: idempotencyKey,
          request_hash: requestHash,
          response_count: good.length,
          api_key_id: auth.keyId,
          created_at: nowIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await insertResponses(trx, good, batch.id);
      return batch.id;
    });
    return { status: 201, body: { batchId, stored: good.length, replayed: false } };
  } catch (e) {
    // The same batch sent twice at once: the second insert broke the unique constraint.
    const raced = await findBatch(db, auth.departmentId, idempotencyKey);
    if (raced) return replay(raced, requestHash);
    throw e;
  }
}
