import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "../../../db/client";
import type { ResponseBatch, Survey } from "../../../db/schema";
import type { ApiProblem, ApiResult } from "../../utils/api.server";
import { recordAudit } from "../audit/audit.server";
import { CLOCK_SKEW_MS, hkMonth, nowIso } from "../calendar/time";
import type { ApiKeyAuth } from "../staff/api-keys.server";
import {
  getCollectionPoint,
  getSurveyBySlug,
  loadVersion,
  type ResponseMeta,
  storeResponse,
} from "./authoring.server";
import {
  type AnswerValue,
  buildResponseSchema,
  fieldName,
  firstErrors,
  type QuestionDef,
  RESPONSE_LANGUAGES,
  textLimit,
  toAnswerValues,
  type VersionDef,
} from "./schema";

/**
 * The survey JSON API for a department's own systems (kiosks, tablets that collect offline):
 * its envelope, its checks and its writes. Answers arrive keyed by question key and are turned
 * into the response form's shape, so the web form's schema (buildResponseSchema) checks them too.
 */

// ---- Envelope (app/utils/api.server.ts) ----

/** Bodies larger than this are refused with 413 (a response of 40 long answers fits easily). */
export const RESPONSE_BODY_LIMIT = 1024 * 1024;
export const BATCH_BODY_LIMIT = 5 * 1024 * 1024;
export const BATCH_MAX_RESPONSES = 1000;

function failure(status: number, problem: ApiProblem, extra: Record<string, unknown> = {}): ApiResult {
  return { status, body: { error: problem, ...extra } };
}

// ---- Request shapes ----

const responseFields = {
  language: z.enum(RESPONSE_LANGUAGES),
  collectionPoint: z.string().max(100).nullish(),
  submittedAt: z.iso.datetime({ offset: true }).nullish(),
  versionNo: z.number().int().positive().max(1_000_000).nullish(),
  answers: z.record(z.string(), z.unknown()),
};
/** POST /api/v1/surveys/:slug/responses */
export const ApiResponseSchema = z.strictObject(responseFields);
export type ApiResponseInput = z.infer<typeof ApiResponseSchema>;
/** One item of POST /api/v1/responses/batch */
export const ApiBatchItemSchema = z.strictObject({ survey: z.string().max(100), ...responseFields });
export const ApiBatchSchema = z.strictObject({ responses: z.array(z.unknown()) });

const FIELD_RULES: Record<string, string> = {
  survey: '"survey" must be the code of one of your surveys, such as "immdcsat".',
  language: '"language" must be "en" or "zh-HK".',
  collectionPoint: '"collectionPoint" must be the code of one of the survey\'s collection points.',
  submittedAt:
    '"submittedAt" must be an ISO 8601 date and time with its time zone, such as "2026-11-27T09:30:00+08:00".',
  versionNo: '"versionNo" must be a whole number of 1 or more.',
  answers: '"answers" must be an object of question keys and answers, such as {"overall": 5}.',
  responses: '"responses" must be an array of 1 to 1,000 responses.',
};

function shapeProblem(error: z.ZodError): ApiProblem {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const field = issue.keys[0] ?? "";
    return { code: "unknown_field", field, message: `"${field}" is not a field of this request.` };
  }
  const first = issue.path[0];
  if (first === undefined) return { code: "invalid_body", message: "The body must be a JSON object." };
  const field = String(first);
  return { code: "invalid_body", field, message: FIELD_RULES[field] ?? `"${field}" is not valid.` };
}

// ---- Answers: question keys → the response form ----

function expected(q: QuestionDef): string {
  const codes = q.options.map((o) => `"${o.code}"`).join(", ");
  switch (q.type) {
    case "rating5":
      return 'a whole number from 1 to 5, or "na"';
    case "nps":
      return "a whole number from 0 to 10";
    case "single":
      return `one of the option codes ${codes}`;
    case "multiple":
      return `an array of different option codes from ${codes}`;
    default:
      return `text of at most ${textLimit(q)} characters`;
  }
}

/** JSON value → what the form would have sent; undefined when it cannot be one. */
function formValue(q: QuestionDef, v: unknown): { value: unknown } | undefined {
  if (v === null) return { value: undefined };
  if (q.type === "rating5" || q.type === "nps") {
    if (typeof v === "number" && Number.isFinite(v)) return { value: String(v) };
    return typeof v === "string" ? { value: v } : undefined;
  }
  if (q.type === "multiple") {
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return { value: v };
    return typeof v === "string" ? { value: [v] } : undefined;
  }
  return typeof v === "string" ? { value: v } : undefined;
}

const ANSWER_CODES: Record<string, string> = {
  "surveys.errors.required": "required",
  "surveys.errors.chooseOne": "required",
  "surveys.errors.outOfRange": "out_of_range",
  "surveys.errors.unknownOption": "unknown_option",
  "surveys.errors.tooLong": "too_long",
};

function answerProblem(q: QuestionDef, translationKey: string): ApiProblem {
  const code = ANSWER_CODES[translationKey] ?? "out_of_range";
  const message =
    code === "required"
      ? `"${q.key}" is required.`
      : code === "too_long"
        ? `"${q.key}" must be at most ${textLimit(q)} characters.`
        : `"${q.key}" must be ${expected(q)}.`;
  return { code, field: q.key, message };
}

type Schema = ReturnType<typeof buildResponseSchema>;

/**
 * Checks answers keyed by question key against a version: an unknown key or a value of the
 * wrong kind is named, then the form's own schema decides (required, range, options, length).
 */
export function checkAnswers(
  version: VersionDef,
  answers: Record<string, unknown>,
  schema: Schema = buildResponseSchema(version),
): { ok: true; answers: AnswerValue[] } | { ok: false; problems: ApiProblem[] } {
  const byKey = new Map(version.questions.map((q) => [q.key, q]));
  const form: Record<string, unknown> = {};
  const problems: ApiProblem[] = [];
  const named = new Set<string>();
  for (const [key, raw] of Object.entries(answers)) {
    const q = byKey.get(key);
    if (!q) {
      problems.push({
        code: "unknown_question",
        field: key,
        message: `"${key}" is not a question of version ${version.versionNo} of this survey.`,
      });
      continue;
    }
    const v = formValue(q, raw);
    if (!v) {
      problems.push({ code: "invalid_type", field: key, message: `"${key}" must be ${expected(q)}.` });
      named.add(key);
    } else form[fieldName(q)] = v.value;
  }
  const result = schema.safeParse(form);
  if (!result.success) {
    const errors = firstErrors(result.error);
    for (const q of version.questions) {
      const e = errors[fieldName(q)];
      if (e && !named.has(q.key)) problems.push(answerProblem(q, e));
    }
  }
  if (problems.length || !result.success) return { ok: false, problems };
  return { ok: true, answers: toAnswerValues(version, result.data) };
}

// ---- Checking a response ----

export interface CheckedResponse {
  meta: ResponseMeta;
  answers: AnswerValue[];
}

export type Checked =
  | { ok: true; response: CheckedResponse }
  | { ok: false; status: number; problems: ApiProblem[] };

/** A response may say it was collected up to this long ago (offline tablets)… */
const OLDEST_MS = 366 * 24 * 3600_000;

/**
 * A checker for one department's responses. Surveys, versions, schemas and collection points
 * are looked up once per request, so a batch of 1,000 for one survey costs a handful of queries.
 */
export function createResponseChecker(db: Db, auth: ApiKeyAuth, now: Date = new Date()) {
  const surveys = new Map<string, Promise<Survey | undefined>>();
  const versions = new Map<string, Promise<{ version: VersionDef; schema: Schema } | undefined>>();
  const points = new Map<string, Promise<number | undefined>>();

  const findSurvey = (slug: string) => {
    let p = surveys.get(slug);
    if (!p) {
      p = getSurveyBySlug(db, slug).then(async (s) => {
        if (s && s.department_id !== auth.departmentId) {
          // Another department's survey is a 404, and a refused access is audited (DEVELOPERS.md).
          await recordAudit(db, {
            action: "access.denied",
            departmentId: auth.departmentId,
            entityType: "survey",
            entityId: s.id,
            detail: { reason: "department", apiKeyId: auth.keyId },
          });
          return undefined;
        }
        return s?.status === "draft" ? undefined : s;
      });
      surveys.set(slug, p);
    }
    return p;
  };

  const findVersion = (survey: Survey, versionNo: number | null | undefined) => {
    const cacheKey = `${survey.id}:${versionNo ?? "current"}`;
    let p = versions.get(cacheKey);
    if (!p) {
      p = (async () => {
        const id =
          versionNo == null ? survey.current_version_id : await versionIdByNo(db, survey.id, versionNo);
        const version = id == null ? undefined : await loadVersion(db, id);
        return version ? { version, schema: buildResponseSchema(version) } : undefined;
      })();
      versions.set(cacheKey, p);
    }
    return p;
  };

  const findPoint = (surveyId: number, code: string) => {
    const cacheKey = `${surveyId}:${code}`;
    let p = points.get(cacheKey);
    if (!p) {
      p = getCollectionPoint(db, surveyId, code).then((row) => row?.id);
      points.set(cacheKey, p);
    }
    return p;
  };

  return async function check(slug: string, input: ApiResponseInput): Promise<Checked> {
    const survey = await findSurvey(slug);
    if (!survey) {
      return {
        ok: false,
        status: 404,
        problems: [{ code: "survey_not_found", message: `There is no survey "${slug}" in your department.` }],
      };
    }
    if (survey.status === "closed") {
      return {
        ok: false,
        status: 410,
        problems: [
          {
            code: "survey_closed",
            message: `Survey "${slug}" is closed and no longer takes responses.`,
          },
        ],
      };
    }
    const problems: ApiProblem[] = [];
    const found = await findVersion(survey, input.versionNo);
    if (!found) {
      problems.push({
        code: "unknown_version",
        field: "versionNo",
        message: `Survey "${slug}" has no version ${input.versionNo}.`,
      });
    }
    let collectionPointId: number | null = null;
    if (input.collectionPoint != null) {
      const id = await findPoint(survey.id, input.collectionPoint);
      if (id === undefined) {
        problems.push({
          code: "unknown_collection_point",
          field: "collectionPoint",
          message: `Survey "${slug}" has no collection point "${input.collectionPoint}".`,
        });
      } else collectionPointId = id;
    }
    let submittedAt: string | undefined;
    if (input.submittedAt != null) {
      const at = Date.parse(input.submittedAt);
      if (at > now.getTime() + CLOCK_SKEW_MS || at < now.getTime() - OLDEST_MS) {
        problems.push({
          code: "submitted_at_out_of_range",
          field: "submittedAt",
          message: '"submittedAt" must be within the past year and not in the future.',
        });
      } else submittedAt = new Date(at).toISOString();
    }
    if (!found) return { ok: false, status: 422, problems };
    const checked = checkAnswers(found.version, input.answers, found.schema);
    if (!checked.ok) problems.push(...checked.problems);
    if (problems.length || !checked.ok) return { ok: false, status: 422, problems };
    return {
      ok: true,
      response: {
        meta: {
          survey: { id: survey.id, department_id: survey.department_id },
          version: found.version,
          channel: "api",
          language: input.language,
          collectionPointId,
          submittedAt,
        },
        answers: checked.answers,
      },
    };
  };
}

async function versionIdByNo(db: Db, surveyId: number, versionNo: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("survey_versions")
    .select("id")
    .where("survey_id", "=", surveyId)
    .where("version_no", "=", versionNo)
    .executeTakeFirst();
  return row?.id;
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
    const rows = chunk.map(({ meta }) => {
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
    });
    const inserted = await trx.insertInto("survey_responses").values(rows).returning("id").execute();
    if (inserted.length !== rows.length) throw new Error("survey_responses: insert returned too few ids");
    // RETURNING's row order is not promised, but ids are handed out in VALUES order on both
    // engines; sorting them pairs each row with its id (as SQLAlchemy's insertmanyvalues does).
    const chunkIds = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
    for (const [i, { meta, answers }] of chunk.entries()) {
      const responseId = chunkIds[i]!;
      const month = rows[i]!.month;
      for (const a of answers) {
        answerRows.push({
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
        });
      }
    }
    ids.push(...chunkIds);
  }
  for (let start = 0; start < answerRows.length; start += ANSWER_CHUNK) {
    await trx
      .insertInto("survey_answers")
      .values(answerRows.slice(start, start + ANSWER_CHUNK))
      .execute();
  }
  return ids;
}
