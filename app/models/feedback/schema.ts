import { z } from "zod";

/** Safe in the browser: the counter form's schema, used by react-hook-form and re-parsed in the action. */
export const FEEDBACK_KINDS = ["compliment", "suggestion", "complaint", "enquiry"] as const;
export const FEEDBACK_CHANNELS = [
  "counter",
  "hotline",
  "suggestion_form",
  "email",
  "letter",
  "meeting",
  "liaison_group",
] as const;

const checkbox = z.preprocess((v) => v === "on" || v === "1" || v === true, z.boolean());
const optionalText = (max: number, key = "validation.tooLong") =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(max, { error: key }).optional(),
  );

export const FeedbackSchema = z
  .object({
    kind: z.enum(FEEDBACK_KINDS, { error: "feedback.errors.kind" }),
    channel: z.enum(FEEDBACK_CHANNELS, { error: "feedback.errors.channel" }),
    serviceId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
    summary: z
      .string({ error: "validation.required" })
      .trim()
      .min(1, { error: "validation.required" })
      .max(500, { error: "feedback.errors.summaryTooLong" }),
    language: z.enum(["en", "zh-HK"], { error: "validation.invalid" }),
    important: checkbox,
    wantsReply: checkbox,
    contactName: optionalText(100),
    contactEmail: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z.email({ error: "feedback.errors.email" }).max(200).optional(),
    ),
    contactPhone: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .trim()
        .regex(/^[0-9 +()-]{8,20}$/, { error: "feedback.errors.phone" })
        .optional(),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.wantsReply && v.kind !== "complaint") {
      ctx.addIssue({ code: "custom", path: ["wantsReply"], message: "feedback.errors.replyOnlyComplaint" });
    }
    if (v.wantsReply && !v.contactEmail && !v.contactPhone) {
      ctx.addIssue({ code: "custom", path: ["contactEmail"], message: "feedback.errors.contactNeeded" });
    }
  });
export type FeedbackForm = z.infer<typeof FeedbackSchema>;
