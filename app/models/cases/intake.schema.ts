import { z } from "zod";

/**
 * The citizen's complaint form, case tracking and appeal: one schema per form, safe to import in
 * the browser. react-hook-form validates with it and the action re-parses with it (style.md
 * habit 2). Messages are translation keys, shown in the reader's language.
 */

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
