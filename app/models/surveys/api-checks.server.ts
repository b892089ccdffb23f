import type { z } from "zod";
import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import type { ApiProblem } from "../../utils/api.server";
import { recordAudit } from "../audit/audit.server";
import { CLOCK_SKEW_MS } from "../calendar/time";
import type { ApiKeyAuth } from "../staff/api-keys.server";
import { getCollectionPoint, getSurveyBySlug, loadVersion } from "./lookup.server";
import type { CheckedResponse } from "./responses.server";
import {
  type AnswerValue,
  type ApiResponseInput,
  buildResponseSchema,
  fieldName,
  firstErrors,
  type QuestionDef,
  textLimit,
  toAnswerValues,
  type VersionDef,
} from "./schema";

/**
 * The checks of the survey JSON API, before anything is written: a request body's shape, then
 * each response's survey, version, collection point, time and answers. Answers arrive keyed by
 * question key and are turned into the response form's shape, so the web form's schema
 * (buildResponseSchema) checks them too.
 */

// ---- Request shapes ----

export const FIELD_RULES: Record<string, string> = {
  survey: '"survey" must be the code of one of your surveys, such as "immdcsat".',
  language: '"language" must be "en" or "zh-HK".',
  collectionPoint: '"collectionPoint" must be the code of one of the survey\'s collection points.',
  submittedAt:
    '"submittedAt" must be an ISO 8601 date and time with its time zone, such as "2026-11-27T09:30:00+08:00".',
  versionNo: '"versionNo" must be a whole number of 1 or more.',
  answers: '"answers" must be an object of question keys and answers, such as {"overall": 5}.',
  responses: '"responses" must be an array of 1 to 1,000 responses.',
};

export function shapeProblem(error: z.ZodError): ApiProblem {
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
