import { z } from "zod";

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
      z
        .string()
        .trim()
        .regex(/^[A-Z0-9-]{2,40}$/, { error: "pledges.errors.transactionType" })
        .optional(),
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
