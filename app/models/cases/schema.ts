import { z } from "zod";
import type { AppealOutcome } from "../../../db/schema";
import { STAFF_MOVES } from "./lifecycle";

/**
 * Every form of the cases domain, one schema per form, safe to import in the browser:
 * react-hook-form validates with it and the action re-parses with it (style.md habit 2). Messages
 * are translation keys, shown in the reader's language.
 */

// ---- The citizen's complaint form, case tracking and appeal ----

/** Caps on what a citizen may type (characters). */
export const COMPLAINT_LIMITS = {
  whatHappened: 5000,
  desiredOutcome: 2000,
  name: 100,
  email: 254,
  phoneMin: 8,
  phoneMax: 20,
  grounds: 5000,
  reference: 40,
  contact: 254,
} as const;

/** Attachments: how many, how large, which kinds (checked from their bytes on the server). */
export const ATTACHMENT_LIMITS = { count: 3, bytes: 5 * 1024 * 1024 } as const;
export const ATTACHMENT_ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf";

export const E = {
  required: "complaints.errors.required",
  tooLong: "complaints.errors.tooLong",
  department: "complaints.errors.chooseDepartment",
  unknownDepartment: "complaints.errors.unknownDepartment",
  service: "complaints.errors.serviceNotInDepartment",
  email: "complaints.errors.email",
  phone: "complaints.errors.phone",
  consent: "complaints.errors.consent",
  fileType: "complaints.errors.fileType",
  fileTooLarge: "complaints.errors.fileTooLarge",
  fileEmpty: "complaints.errors.fileEmpty",
  tooManyFiles: "complaints.errors.tooManyFiles",
  rateLimited: "complaints.errors.rateLimited",
  trackRateLimited: "complaints.errors.trackRateLimited",
  reference: "complaints.errors.reference",
  contact: "complaints.errors.contact",
  grounds: "complaints.errors.grounds",
} as const;

const id = (error: string) =>
  z
    .string({ error })
    .trim()
    .regex(/^\d{1,9}$/, { error });

/** Optional free text: "" when left empty. */
const optionalText = (max: number) =>
  z.preprocess((v) => v ?? "", z.string().trim().max(max, { error: E.tooLong }));

const requiredText = (max: number, required: string = E.required) =>
  z.preprocess((v) => v ?? "", z.string().trim().min(1, { error: required }).max(max, { error: E.tooLong }));

const PHONE = /^[0-9 +-]+$/;

export const ComplaintSchema = z.object({
  department: id(E.department),
  service: z.preprocess((v) => v ?? "", z.union([z.literal(""), id(E.service)])),
  whatHappened: requiredText(COMPLAINT_LIMITS.whatHappened),
  desiredOutcome: optionalText(COMPLAINT_LIMITS.desiredOutcome),
  name: optionalText(COMPLAINT_LIMITS.name),
  email: optionalText(COMPLAINT_LIMITS.email).pipe(
    z.union([z.literal(""), z.email({ error: E.email })], { error: E.email }),
  ),
  phone: optionalText(COMPLAINT_LIMITS.phoneMax + 10).refine(
    (v) =>
      v === "" ||
      (PHONE.test(v) &&
        v.length >= COMPLAINT_LIMITS.phoneMin &&
        v.length <= COMPLAINT_LIMITS.phoneMax &&
        (v.match(/\d/g)?.length ?? 0) >= COMPLAINT_LIMITS.phoneMin),
    { error: E.phone },
  ),
  // The checkbox sends "yes" when ticked and nothing when not (ASVS V8.3: consent is explicit).
  consent: z.literal("yes", { error: E.consent }),
});
export type ComplaintInput = z.infer<typeof ComplaintSchema>;
/** The form's own values, before parsing: what react-hook-form holds. */
export type ComplaintFormValues = z.input<typeof ComplaintSchema>;

/** The text fields the form gives back after an error (never the honeypot, never files). */
export const COMPLAINT_TEXT_FIELDS = [
  "department",
  "service",
  "whatHappened",
  "desiredOutcome",
  "name",
  "email",
  "phone",
  "consent",
] as const;

/** Looking a case up: its reference and the e-mail address or phone number given with it. */
export const TrackSchema = z.object({
  reference: requiredText(COMPLAINT_LIMITS.reference, E.reference),
  contact: requiredText(COMPLAINT_LIMITS.contact, E.contact),
});
export type TrackInput = z.infer<typeof TrackSchema>;

/** A citizen's appeal: the lookup again (checked on every post) and the grounds. */
export const CitizenAppealSchema = TrackSchema.extend({
  grounds: requiredText(COMPLAINT_LIMITS.grounds, E.grounds),
});
export type CitizenAppealInput = z.infer<typeof CitizenAppealSchema>;

// ---- A department's case settings and closure days (admin.case-settings, central.closure-days) ----

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

// ---- The case page's forms (staff.cases.$id): one schema each ----

export const APPEAL_OUTCOMES = [
  "upheld",
  "partly_upheld",
  "not_upheld",
] as const satisfies readonly AppealOutcome[];

const staffText = (max: number) =>
  z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .max(max, { error: "validation.tooLong" });
const optionalStaffText = (max: number) =>
  z.string().trim().max(max, { error: "validation.tooLong" }).optional();

export const AssignSchema = z.object({
  officerId: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce
      .number({ error: "validation.invalid" })
      .int()
      .positive({ error: "validation.invalid" })
      .optional(),
  ),
});
export const MoveSchema = z.object({
  move: z.enum(STAFF_MOVES, { error: "validation.invalid" }),
  reason: optionalStaffText(2000),
  reply: optionalStaffText(10_000),
});
export const NoteSchema = z.object({ note: staffText(5000) });
export const ReferSchema = z.object({
  toDepartmentId: z.coerce
    .number({ error: "validation.department" })
    .int()
    .positive({ error: "validation.department" }),
  referReason: staffText(2000),
});
export const LodgeAppealSchema = z.object({ grounds: staffText(5000) });
export const DecideAppealSchema = z.object({
  appealId: z.coerce.number({ error: "validation.invalid" }).int().positive({ error: "validation.invalid" }),
  outcome: z.enum(APPEAL_OUTCOMES, { error: "cases.errors.outcome" }),
  appealReply: staffText(10_000),
});
