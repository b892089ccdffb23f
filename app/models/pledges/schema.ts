import { z } from "zod";
import { ISO_DATE_RE } from "../../utils/dates";

/*
 * Every pledge schema and the types the browser needs: safe in the browser (no server import), so
 * components and the actions share them. Messages are translation keys.
 */

/** A transaction type: 2 to 40 capital letters, digits or hyphens (ID-CARD). */
export const TRANSACTION_TYPE_RE = /^[A-Z0-9-]{2,40}$/;

/** Safe in the browser: a pledge version's form, re-parsed on the server. Messages are translation keys. */
const text = (max: number) =>
  z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .max(max, { error: "validation.tooLong" });
const optionalNumber = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.coerce.number({ error: "pledges.errors.number" }).finite({ error: "pledges.errors.number" }).optional(),
);
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.string().trim().max(max, { error: "validation.tooLong" }).optional(),
  );

export const PledgeVersionSchema = z
  .object({
    serviceId: z.coerce
      .number({ error: "validation.required" })
      .int()
      .positive({ error: "validation.required" }),
    statementEn: text(500),
    statementZh: text(500),
    customer: z.enum(["external", "internal"], { error: "validation.invalid" }),
    category: z.enum(["efficiency", "quality"], { error: "validation.invalid" }),
    targetKind: z.enum(["timeliness", "satisfaction", "measured"], { error: "validation.invalid" }),
    targetShare: z.coerce
      .number({ error: "pledges.errors.share" })
      .min(1, { error: "pledges.errors.share" })
      .max(100, { error: "pledges.errors.share" }),
    timelinessSource: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(["cases", "transactions"]).optional(),
    ),
    caseStep: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["ack", "reply"]).optional()),
    transactionType: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().trim().regex(TRANSACTION_TYPE_RE, { error: "pledges.errors.transactionType" }).optional(),
    ),
    days: optionalNumber,
    dayUnit: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["working", "calendar"]).optional()),
    surveyId: optionalNumber,
    questionKey: optionalText(40),
    measureEn: optionalText(200),
    measureZh: optionalText(200),
    measureUnit: optionalText(40),
    comparator: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["gte", "lte"]).optional()),
    threshold: optionalNumber,
    plausibleMin: optionalNumber,
    plausibleMax: optionalNumber,
    minSample: z.coerce
      .number({ error: "pledges.errors.number" })
      .int()
      .min(1, { error: "pledges.errors.number" })
      .max(100000),
    changeReason: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(["strengthened", "new_service", "corrected"]).optional(),
    ),
  })
  .superRefine((v, ctx) => {
    const need = (field: string, ok: boolean) => {
      if (!ok) ctx.addIssue({ code: "custom", path: [field], message: "pledges.errors.notMeasurable" });
    };
    if (v.targetKind === "timeliness") {
      need("timelinessSource", !!v.timelinessSource);
      need("days", v.days !== undefined && Number.isInteger(v.days) && v.days >= 0 && v.days <= 365);
      need("dayUnit", !!v.dayUnit);
      if (v.timelinessSource === "cases") need("caseStep", !!v.caseStep);
      if (v.timelinessSource === "transactions") need("transactionType", !!v.transactionType);
    } else if (v.targetKind === "satisfaction") {
      need("surveyId", v.surveyId !== undefined);
      need("questionKey", !!v.questionKey);
    } else {
      need("measureEn", !!v.measureEn);
      need("measureZh", !!v.measureZh);
      need("comparator", !!v.comparator);
      need("threshold", v.threshold !== undefined);
      if (v.plausibleMin !== undefined && v.plausibleMax !== undefined && v.plausibleMin >= v.plausibleMax) {
        ctx.addIssue({ code: "custom", path: ["plausibleMax"], message: "pledges.errors.range" });
      }
    }
  });
export type PledgeVersionInput = z.infer<typeof PledgeVersionSchema>;

/** The code a new pledge will be known by (IMMD-PASSPORT): capitals, digits and hyphens. */
export const PledgeCodeSchema = z.object({
  code: z
    .string({ error: "validation.required" })
    .trim()
    .toUpperCase()
    .min(1, { error: "validation.required" })
    .regex(/^[A-Z0-9-]{3,40}$/, { error: "pledgesAdmin.errors.code" }),
});

/** A survey of the department and the five-point questions a satisfaction target can be measured by. */
export interface SurveyChoice {
  id: number;
  slug: string;
  titleEn: string;
  titleZh: string;
  /** the five-point questions a satisfaction target can be measured by */
  questions: { key: string; promptEn: string; promptZh: string }[];
}

/** Nothing before this is data anyone is still reporting on (and it bounds the day counting). */
export const EARLIEST = "2000-01-01";

/** An actor writing pledge data: a staff member (or null for a system). */
export interface Actor {
  id: number | null;
}

// ---- Quality readings ----

export const READING_COLUMNS = ["date", "value", "evidence_note"] as const;
export const EVIDENCE_MAX = 1000;
export const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The reading form. */
export const ReadingSchema = z.object({
  takenOn: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .regex(ISO_DATE_RE, { error: "pledgesAdmin.errors.date" }),
  value: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .regex(NUMBER_RE, { error: "pledgesAdmin.errors.number" }),
  evidenceNote: z.string().trim().max(EVIDENCE_MAX, { error: "validation.tooLong" }).optional(),
});
export type ReadingInput = z.infer<typeof ReadingSchema>;

// ---- Unmet targets: reason and corrective proposal ----

const noteText = z
  .string({ error: "validation.required" })
  .trim()
  .min(1, { error: "validation.required" })
  .max(2000, { error: "pledgesAdmin.errors.tooLong2000" });

export const UnmetNoteSchema = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "validation.invalid" }),
  reason: noteText,
  correctiveProposal: noteText,
});
export type UnmetNoteInput = z.infer<typeof UnmetNoteSchema>;

// ---- Service transactions ----

/** One service transaction; times in the stored form (ISO UTC) once checked. */
export interface TransactionInput {
  transactionType: string;
  externalRef: string;
  receivedAt: string;
  completedAt: string | null;
}

export const TRANSACTION_COLUMNS = [
  "transaction_type",
  "external_ref",
  "received_at",
  "completed_at",
] as const;

/** POST /api/v1/transactions: the body, then each item (checked one by one, every bad one listed). */
export const ApiTransactionsSchema = z.strictObject({ transactions: z.array(z.unknown()) });
export const ApiTransactionSchema = z.strictObject({
  type: z.string(),
  ref: z.string(),
  receivedAt: z.string(),
  completedAt: z.string().nullish(),
});

// ---- Imports ----

/** One bad row of an import: its line in the file, a translation key, and the column at fault. */
export interface RowError {
  line: number;
  key: string;
  column?: string;
  /** values for the message's placeholders */
  values?: Record<string, string | number>;
}

/** The most errors an answer lists; all of them are counted. */
export const MAX_ERRORS_SHOWN = 100;
