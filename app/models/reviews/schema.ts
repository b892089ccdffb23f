import { z } from "zod";
import { REVIEW_QUESTIONS, type ReviewAnswers } from "./questions";

/** Safe to import in the browser: the forms of /central/reviews and /admin/reviews. */

/** The paper's review looked back three years: a round's period is 36 months ending at a chosen month. */
export const REVIEW_PERIOD_MONTHS = 36;

/** A note is short: it explains a declaration, it is not a report. */
export const REVIEW_NOTE_MAX = 1000;

export const OpenRoundSchema = z.object({
  periodTo: z
    .string({ error: "reviews.errors.periodTo" })
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "reviews.errors.periodTo" }),
  deadline: z
    .string({ error: "reviews.errors.deadline" })
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: "reviews.errors.deadline" })
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), { error: "reviews.errors.deadline" }),
});
export type OpenRoundInput = z.infer<typeof OpenRoundSchema>;

export const ReturnForCorrectionSchema = z.object({
  departmentId: z.coerce.number().int().positive(),
  reason: z
    .string({ error: "reviews.errors.reason" })
    .trim()
    .min(1, { error: "reviews.errors.reason" })
    .max(REVIEW_NOTE_MAX, { error: "validation.tooLong" }),
});

export type ReturnFieldErrors = Record<string, string>;

/** The form field of a question's answer and of its note. */
export const answerField = (key: string) => `q_${key}`;
export const noteField = (key: string) => `note_${key}`;

/**
 * Reads a return's answers from a submitted form: "yes"/"no" for a boolean question, a percentage
 * for a share. A share outside 0–100 or a note too long is an error (translation keys by field).
 * When `complete` (a submission, not a draft), every boolean question must be answered, and the
 * share too where not every direct public service is pledged.
 */
export function parseAnswers(
  get: (name: string) => string | null,
  complete: boolean,
): { ok: true; answers: ReviewAnswers } | { ok: false; errors: ReturnFieldErrors; answers: ReviewAnswers } {
  const answers: ReviewAnswers = {};
  const errors: ReturnFieldErrors = {};
  for (const q of REVIEW_QUESTIONS) {
    const raw = (get(answerField(q.key)) ?? "").trim();
    const note = (get(noteField(q.key)) ?? "").trim();
    if (note.length > REVIEW_NOTE_MAX) errors[noteField(q.key)] = "validation.tooLong";
    let value: boolean | number | null = null;
    if (q.kind === "boolean") {
      if (raw === "yes") value = true;
      else if (raw === "no") value = false;
      else if (raw !== "") errors[answerField(q.key)] = "reviews.errors.yesNo";
    } else if (raw !== "") {
      const n = Number(raw.replace(/%$/, ""));
      if (!Number.isFinite(n) || n < 0 || n > 100) errors[answerField(q.key)] = "reviews.errors.shareRange";
      else value = Math.round(n * 10) / 10;
    }
    answers[q.key] = { value, note };
  }
  if (complete) {
    for (const q of REVIEW_QUESTIONS) {
      const field = answerField(q.key);
      if (errors[field] || answers[q.key]?.value !== null) continue;
      if (q.kind === "boolean") errors[field] = "reviews.errors.required";
      else if (answers.all_services_pledged?.value === false) errors[field] = "reviews.errors.shareRequired";
    }
  }
  return Object.keys(errors).length ? { ok: false, errors, answers } : { ok: true, answers };
}

/** The answers stored as JSON, read back defensively (an import may have left a key out). */
export function readAnswers(json: string): ReviewAnswers {
  try {
    const parsed = JSON.parse(json) as ReviewAnswers;
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}
