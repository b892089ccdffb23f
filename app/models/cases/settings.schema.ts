import { z } from "zod";

const days = (max: number) =>
  z.coerce
    .number({ error: "caseSettings.errors.days" })
    .int({ error: "caseSettings.errors.days" })
    .min(1, { error: "caseSettings.errors.days" })
    .max(max, { error: "caseSettings.errors.days" });
const unit = z.enum(["working", "calendar"], { error: "validation.invalid" });

/** A department's pledged handling times (browser-safe). */
export const CaseSettingsSchema = z.object({
  intent: z.literal("settings"),
  ackDays: days(60),
  ackUnit: unit,
  replyDays: days(365),
  replyUnit: unit,
  appealWindowDays: days(365),
  appealReplyDays: days(365),
  appealReplyUnit: unit,
  purgeAfterDays: days(3650),
});

/** A closure day (typhoon signal No. 8, black rainstorm) that does not count as a working day. */
export const ClosureDaySchema = z.object({
  intent: z.literal("closure"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "caseSettings.errors.date" }),
  reasonEn: z
    .string()
    .trim()
    .min(1, { error: "validation.required" })
    .max(200, { error: "validation.tooLong" }),
  reasonZh: z
    .string()
    .trim()
    .min(1, { error: "validation.required" })
    .max(200, { error: "validation.tooLong" }),
});

/** Which closure day to remove (the server checks it is the remover's to remove). */
export const RemoveClosureDaySchema = z.object({
  intent: z.literal("remove-closure"),
  closureId: z.coerce.number({ error: "validation.invalid" }).int().positive({ error: "validation.invalid" }),
});
