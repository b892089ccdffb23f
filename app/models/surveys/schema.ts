import { z } from "zod";

/**
 * Survey definitions and the response schema built from them. Safe to import in the browser:
 * react-hook-form validates with the same schema the server re-parses (style.md habit 2).
 */

export const QUESTION_TYPES = ["rating5", "nps", "single", "multiple", "short_text", "long_text"] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const POINT_CHANNELS = ["web", "counter", "kiosk", "hotline", "leaflet", "email"] as const;
export type PointChannel = (typeof POINT_CHANNELS)[number];
export const RESPONSE_CHANNELS = [...POINT_CHANNELS, "paper", "api"] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];
export const RESPONSE_LANGUAGES = ["en", "zh-HK"] as const;
export type ResponseLanguage = (typeof RESPONSE_LANGUAGES)[number];

/** Caps on what a citizen may type (characters). */
export const TEXT_LIMITS = { short_text: 200, long_text: 2000 } as const;
/** Caps on what an administrator may write. */
export const AUTHORING_LIMITS = {
  title: 200,
  intro: 2000,
  prompt: 500,
  option: 200,
  options: 20,
  questions: 40,
};

export interface OptionDef {
  id: number;
  code: string;
  labelEn: string;
  labelZh: string;
}

export interface QuestionDef {
  id: number;
  key: string;
  type: QuestionType;
  required: boolean;
  promptEn: string;
  promptZh: string;
  maxLength: number | null;
  options: OptionDef[];
}

export interface VersionDef {
  id: number;
  surveyId: number;
  versionNo: number;
  titleEn: string;
  titleZh: string;
  introEn: string;
  introZh: string;
  questions: QuestionDef[];
}

/** The form field of a question. */
export function fieldName(q: Pick<QuestionDef, "id">): string {
  return `q${q.id}`;
}

export function textLimit(q: QuestionDef): number {
  const cap = q.type === "short_text" ? TEXT_LIMITS.short_text : TEXT_LIMITS.long_text;
  return q.maxLength ? Math.min(q.maxLength, cap) : cap;
}

export const RATING_VALUES = ["1", "2", "3", "4", "5"] as const;
export const NPS_VALUES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"] as const;

const E = {
  required: "surveys.errors.required",
  choose: "surveys.errors.chooseOne",
  outOfRange: "surveys.errors.outOfRange",
  unknownOption: "surveys.errors.unknownOption",
  tooLong: "surveys.errors.tooLong",
} as const;

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const toArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

function questionSchema(q: QuestionDef): z.ZodType {
  const codes = q.options.map((o) => o.code);
  let inner: z.ZodType;
  switch (q.type) {
    case "rating5":
      inner = z.enum([...RATING_VALUES, "na"], { error: E.outOfRange });
      break;
    case "nps":
      inner = z.enum(NPS_VALUES, { error: E.outOfRange });
      break;
    case "single":
      inner = z.string().refine((v) => codes.includes(v), { error: E.unknownOption });
      break;
    case "multiple": {
      const arr = z
        .array(z.string().refine((v) => codes.includes(v), { error: E.unknownOption }))
        .max(codes.length, { error: E.unknownOption })
        .refine((a) => new Set(a).size === a.length, { error: E.unknownOption });
      return z.preprocess(toArray, q.required ? arr.min(1, { error: E.choose }) : arr);
    }
    default: {
      const text = z
        .string()
        .trim()
        .max(textLimit(q), { error: E.tooLong })
        .transform((v) => (v === "" ? undefined : v));
      return q.required
        ? z.preprocess(
            (v) => (v === undefined || v === null ? "" : v),
            text.refine((v) => v !== undefined, { error: E.required }),
          )
        : z.preprocess((v) => (v === null ? undefined : v), text.optional());
    }
  }
  const requiredError =
    q.type === "rating5" || q.type === "nps" || q.type === "single" ? E.choose : E.required;
  return z.preprocess(
    blankToUndefined,
    q.required
      ? z.custom<unknown>((v) => v !== undefined, { error: requiredError }).pipe(inner)
      : inner.optional(),
  );
}

/** The zod schema of one version's response form: field `q<id>` per question. */
export function buildResponseSchema(version: Pick<VersionDef, "questions">) {
  const shape: Record<string, z.ZodType> = {};
  for (const q of version.questions) shape[fieldName(q)] = questionSchema(q);
  return z.object(shape);
}

/** A stored answer, ready to insert: one per rating/text, one per chosen option. */
export interface AnswerValue {
  questionId: number;
  key: string;
  valueNumber: number | null;
  optionId: number | null;
  text: string | null;
  notApplicable: boolean;
}

/** Turns a parsed form into answer rows; unanswered optional questions give none. */
export function toAnswerValues(
  version: Pick<VersionDef, "questions">,
  parsed: Record<string, unknown>,
): AnswerValue[] {
  const out: AnswerValue[] = [];
  for (const q of version.questions) {
    const v = parsed[fieldName(q)];
    if (v === undefined) continue;
    const base = {
      questionId: q.id,
      key: q.key,
      valueNumber: null,
      optionId: null,
      text: null,
      notApplicable: false,
    };
    if (q.type === "rating5" || q.type === "nps") {
      if (v === "na") out.push({ ...base, notApplicable: true });
      else out.push({ ...base, valueNumber: Number(v) });
    } else if (q.type === "single") {
      out.push({ ...base, optionId: q.options.find((o) => o.code === v)!.id });
    } else if (q.type === "multiple") {
      for (const code of v as string[])
        out.push({ ...base, optionId: q.options.find((o) => o.code === code)!.id });
    } else {
      out.push({ ...base, text: String(v) });
    }
  }
  return out;
}

/** FormData → plain object: a field sent more than once (checkboxes) becomes an array. */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** Field → translation key of its first error. */
export function firstErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!errors[field]) errors[field] = issue.message.startsWith("surveys.") ? issue.message : E.outOfRange;
  }
  return errors;
}

// ---- Authoring ----

const bilingual = (max: number, required = true) =>
  required
    ? z
        .string({ error: "validation.required" })
        .trim()
        .min(1, { error: "validation.required" })
        .max(max, { error: "validation.tooLong" })
    : z.string().trim().max(max, { error: "validation.tooLong" }).default("");

export const SurveyDetailsSchema = z.object({
  intent: z.literal("details"),
  titleEn: bilingual(AUTHORING_LIMITS.title),
  titleZh: bilingual(AUTHORING_LIMITS.title),
  introEn: bilingual(AUTHORING_LIMITS.intro, false),
  introZh: bilingual(AUTHORING_LIMITS.intro, false),
});

/** Options are written one a line as "English | 中文". */
export function parseOptionLines(text: string): { labelEn: string; labelZh: string }[] | null {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const out: { labelEn: string; labelZh: string }[] = [];
  for (const line of lines) {
    const [en, zh, ...rest] = line.split("|").map((s) => s.trim());
    if (!en || !zh || rest.length) return null;
    if (en.length > AUTHORING_LIMITS.option || zh.length > AUTHORING_LIMITS.option) return null;
    out.push({ labelEn: en, labelZh: zh });
  }
  return out;
}

export const QuestionSchema = z
  .object({
    intent: z.enum(["add-question", "update-question"]),
    questionId: z.coerce.number().int().positive().optional(),
    type: z.enum(QUESTION_TYPES, { error: "surveys.errors.questionType" }),
    promptEn: bilingual(AUTHORING_LIMITS.prompt),
    promptZh: bilingual(AUTHORING_LIMITS.prompt),
    required: z.preprocess((v) => v === "on" || v === "1" || v === true, z.boolean()),
    options: z
      .string()
      .max(AUTHORING_LIMITS.options * (AUTHORING_LIMITS.option * 2 + 5))
      .default(""),
  })
  .superRefine((v, ctx) => {
    if (v.type === "single" || v.type === "multiple") {
      const opts = parseOptionLines(v.options);
      if (!opts) ctx.addIssue({ code: "custom", path: ["options"], message: "surveys.errors.optionFormat" });
      else if (opts.length < 2 || opts.length > AUTHORING_LIMITS.options)
        ctx.addIssue({ code: "custom", path: ["options"], message: "surveys.errors.optionCount" });
    }
  });
export type QuestionInput = z.infer<typeof QuestionSchema>;

export const CollectionPointSchema = z.object({
  intent: z.literal("add-point"),
  nameEn: bilingual(100),
  nameZh: bilingual(100),
  channel: z.enum(POINT_CHANNELS, { error: "surveys.errors.channel" }),
});

// ---- Results filters ----

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

// A filter value that does not parse is dropped (the form is a plain GET link anyone can edit):
// the page then shows exactly which filters it applied.
export const ResultsFilterSchema = z.object({
  from: z.string().regex(MONTH).optional().catch(undefined),
  to: z.string().regex(MONTH).optional().catch(undefined),
  point: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  channel: z.enum(RESPONSE_CHANNELS).optional().catch(undefined),
  language: z.enum(RESPONSE_LANGUAGES).optional().catch(undefined),
});

// ---- The survey JSON API's request bodies ----

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
