import { z } from "zod";

/** Safe to import in the browser: the forms of /admin/liaison and /admin/liaison/<id>. */

/** 顧客聯絡小組 (customer liaison group) or 用戶委員會 (user committee). */
export const LIAISON_KINDS = ["liaison-group", "user-committee"] as const;
export type LiaisonKind = (typeof LIAISON_KINDS)[number];

/** A meeting's summary is short: a few sentences, not the minutes. */
export const SUMMARY_MAX = 1000;
export const NAME_MAX = 200;

// Messages are translation keys; the page shows them in the reader's language.
const E = {
  kind: "liaison.errors.kind",
  nameEn: "liaison.errors.nameEn",
  nameZh: "liaison.errors.nameZh",
  nameTooLong: "liaison.errors.nameTooLong",
  department: "liaison.errors.department",
  metOn: "liaison.errors.metOn",
  summaryEn: "liaison.errors.summaryEn",
  summaryZh: "liaison.errors.summaryZh",
  summaryTooLong: "liaison.errors.summaryTooLong",
} as const;
export const LIAISON_ERRORS = {
  ...E,
  future: "liaison.errors.future",
  service: "liaison.errors.service",
  disbanded: "liaison.errors.disbanded",
} as const;

const nameEn = z
  .string({ error: E.nameEn })
  .trim()
  .min(1, { error: E.nameEn })
  .max(NAME_MAX, { error: E.nameTooLong });
/** The Chinese name must be there and be Chinese: one CJK character at least. */
const nameZh = z
  .string({ error: E.nameZh })
  .trim()
  .min(1, { error: E.nameZh })
  .max(NAME_MAX, { error: E.nameTooLong })
  .regex(/\p{Script=Han}/u, { error: E.nameZh });

/** The group form; its services come as repeated `services` fields, read by the model. */
export const NewLiaisonGroupSchema = z.object({
  kind: z.enum(LIAISON_KINDS, { error: E.kind }),
  nameEn,
  nameZh,
  /** the department: chosen by a system administrator; a department administrator's own otherwise */
  departmentId: z.coerce.number({ error: E.department }).int().positive({ error: E.department }).optional(),
});
export type NewLiaisonGroupInput = z.infer<typeof NewLiaisonGroupSchema>;

/** A real calendar day written YYYY-MM-DD (the date input's format). */
const isoDay = z
  .string({ error: E.metOn })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: E.metOn })
  .refine(
    (v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    },
    { error: E.metOn },
  );

export const NewMeetingSchema = z.object({
  metOn: isoDay,
  summaryEn: z
    .string({ error: E.summaryEn })
    .trim()
    .min(1, { error: E.summaryEn })
    .max(SUMMARY_MAX, { error: E.summaryTooLong }),
  summaryZh: z
    .string({ error: E.summaryZh })
    .trim()
    .min(1, { error: E.summaryZh })
    .max(SUMMARY_MAX, { error: E.summaryTooLong })
    .regex(/\p{Script=Han}/u, { error: E.summaryZh }),
});
export type NewMeetingInput = z.infer<typeof NewMeetingSchema>;
