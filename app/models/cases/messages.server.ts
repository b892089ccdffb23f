import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { Case } from "../../../db/schema";
import { tFor } from "../../utils/meta";
import { hkDate } from "../calendar/time";
import { enqueueEmail } from "../outbox/email.server";
import { closureSurveyFor } from "./closure-survey.server";
import { getCaseSettings } from "./settings.server";

async function departmentName(trx: Db, id: number, zh: boolean) {
  const d = await trx
    .selectFrom("departments")
    .select(["name_en", "name_zh"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return zh ? d.name_zh : d.name_en;
}

/** The acknowledgement e-mail of a new case, in the citizen's language, when they gave an address. */
export async function queueCaseAcknowledgement(trx: Db, c: Case): Promise<void> {
  if (!c.contact_email_enc) return;
  const t = tFor(c.language);
  const settings = await getCaseSettings(trx, c.department_id);
  const unit = (u: string) => t(u === "working" ? "emails.workingDays" : "emails.calendarDays");
  await enqueueEmail(trx, {
    dedupeKey: `case-ack-${c.id}`,
    kind: "case.acknowledgement",
    departmentId: c.department_id,
    complainantCaseId: c.id,
    toEnc: c.contact_email_enc,
    subject: t("emails.ack.subject", { reference: c.reference }),
    body: t("emails.ack.body", {
      department: await departmentName(trx, c.department_id, c.language === "zh-HK"),
      reference: c.reference,
      received: hkDate(c.received_at),
      ackDays: settings.ack_days,
      ackUnit: unit(settings.ack_unit),
      replyDays: settings.reply_days,
      replyUnit: unit(settings.reply_unit),
      trackUrl: "{{APP_ORIGIN}}/track",
    }),
  });
}

/**
 * Closing the loop: when a case closes, a citizen who gave an e-mail address gets one link to a
 * short survey about how the case was handled (one invitation per case, whatever reopens happen).
 */
export async function queueCaseSurveyInvitation(trx: Db, c: Case): Promise<void> {
  if (!c.contact_email_enc) return;
  // The department's choice on /admin/case-settings (none: no invitation).
  const survey = await closureSurveyFor(trx, c.department_id);
  if (!survey) return;
  const existing = await trx
    .selectFrom("case_survey_invitations")
    .select("case_id")
    .where("case_id", "=", c.id)
    .executeTakeFirst();
  if (existing) return;
  const token = crypto.randomBytes(12).toString("base64url");
  await trx
    .insertInto("case_survey_invitations")
    .values({
      case_id: c.id,
      token,
      survey_id: survey.id,
      created_at: new Date().toISOString(),
      used_at: null,
    })
    .execute();
  const t = tFor(c.language);
  await enqueueEmail(trx, {
    dedupeKey: `case-survey-${c.id}`,
    kind: "case.survey-invitation",
    departmentId: c.department_id,
    complainantCaseId: c.id,
    toEnc: c.contact_email_enc,
    subject: t("emails.survey.subject", { reference: c.reference }),
    body: t("emails.survey.body", {
      department: await departmentName(trx, c.department_id, c.language === "zh-HK"),
      reference: c.reference,
      url: `{{APP_ORIGIN}}/s/${survey.slug}?t=${token}`,
    }),
  });
}

export type InvitationState = "none" | "open" | "used" | "unknown";

/** The state of an invitation token for a survey: open, already used, or not one of this survey's. */
export async function invitationState(
  db: Db,
  surveyId: number,
  token: string | null,
): Promise<InvitationState> {
  if (!token) return "none";
  if (!/^[A-Za-z0-9_-]{16}$/.test(token)) return "unknown";
  const row = await db
    .selectFrom("case_survey_invitations")
    .select("used_at")
    .where("token", "=", token)
    .where("survey_id", "=", surveyId)
    .executeTakeFirst();
  if (!row) return "unknown";
  return row.used_at ? "used" : "open";
}

/** Marks an invitation used; false when it was already used (one response per case). */
export async function redeemInvitation(db: Db, surveyId: number, token: string): Promise<boolean> {
  const r = await db
    .updateTable("case_survey_invitations")
    .set({ used_at: new Date().toISOString() })
    .where("token", "=", token)
    .where("survey_id", "=", surveyId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
