import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { Case } from "../../../db/schema";
import { formats } from "../../utils/formats";
import { tFor } from "../../utils/meta";
import { dueDate } from "../calendar/working-days";
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
      received: formats(c.language).longDayOf(c.received_at),
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
 * True when it queued one: that e-mail (it says the case is closed) is then the closure message.
 */
export async function queueCaseSurveyInvitation(trx: Db, c: Case): Promise<boolean> {
  if (!c.contact_email_enc) return false;
  // The department's choice on /admin/case-settings (none: no invitation).
  const survey = await closureSurveyFor(trx, c.department_id);
  if (!survey) return false;
  const existing = await trx
    .selectFrom("case_survey_invitations")
    .select("case_id")
    .where("case_id", "=", c.id)
    .executeTakeFirst();
  if (existing) return false;
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
  return true;
}

// ---- Keeping the citizen told (issue 14) ----

/** What happened on a case that the citizen is told of, and the outbox kind of its message. */
export const CASE_MESSAGE_KINDS = {
  reply: "case.reply",
  clockStopped: "case.clock-stopped",
  clockRestarted: "case.clock-restarted",
  referred: "case.referred",
  referralAccepted: "case.referral-accepted",
  referralReturned: "case.referral-returned",
  appealLodged: "case.appeal-lodged",
  appealDecided: "case.appeal-decided",
  closed: "case.closed",
} as const;
export type CaseMessageKind = keyof typeof CASE_MESSAGE_KINDS;

export interface CaseMessage {
  kind: CaseMessageKind;
  /** the case event the message tells of: one message per event (its dedupe key) */
  eventId: number;
  /** the department named as the one handling the case; the case's own by default */
  departmentId?: number;
  /** the department's reply, or the appeal decision's (see the note on queueCaseMessage) */
  reply?: string;
  /** what the department needs from the citizen (the clock stop's reason) */
  needed?: string;
  /** HK dates (YYYY-MM-DD) */
  replyDue?: string | null;
  due?: string | null;
  /** for a reply: when it was given, to say until when an appeal may be lodged */
  repliedAt?: string;
  /** a referral's other department: the receiving one ("to"), or for an acceptance the sender ("from") */
  toDepartmentId?: number;
  fromDepartmentId?: number;
  outcome?: string;
}

type MessageCase = Pick<
  Case,
  "id" | "reference" | "department_id" | "language" | "contact_email_enc" | "contact_phone_enc"
>;

/** An SMS is short and may be read on a lock screen: a long "what we need" is cut and sent to /track. */
function shorten(text: string, max = 200): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * Tells the citizen of a step of their case, through the outbox, inside the caller's transaction
 * (the message exists only if the step was stored), in the language they used: by e-mail when
 * they gave an address, else by SMS when they gave a phone number, else not at all.
 *
 * What a message may hold: the reference, department names, dates, the outcome, what the
 * department needs from them, and the department's reply (and an appeal decision's reply). The
 * reply is written TO the citizen and is what the tracking page shows them; sending it to the
 * address they gave is the point of a reply, and it holds nothing they did not give or are not
 * meant to read. Never the complaint's own text, their name or any other contact detail. An SMS
 * carries no reply text (a phone's lock screen shows it to anyone nearby): it points to /track.
 */
export async function queueCaseMessage(trx: Db, c: MessageCase, m: CaseMessage): Promise<void> {
  const channel = c.contact_email_enc ? "email" : c.contact_phone_enc ? "sms" : null;
  const toEnc = c.contact_email_enc ?? c.contact_phone_enc;
  if (!channel || !toEnc) return;
  const zh = c.language === "zh-HK";
  const t = tFor(c.language);
  const f = formats(c.language);
  const date = (d: string | null | undefined) => (d ? f.longDate(d) : "—");
  const departmentId = m.departmentId ?? c.department_id;
  const vars: Record<string, string> = {
    reference: c.reference,
    department: await departmentName(trx, departmentId, zh),
    trackUrl: "{{APP_ORIGIN}}/track",
    replyDue: date(m.replyDue),
    due: date(m.due),
  };
  if (m.toDepartmentId != null) vars.to = await departmentName(trx, m.toDepartmentId, zh);
  if (m.fromDepartmentId != null) vars.from = await departmentName(trx, m.fromDepartmentId, zh);
  if (m.outcome) vars.outcome = t(`complaints.track.outcomes.${m.outcome}`);
  const subject = t(`caseMessages.email.${m.kind}.subject`, vars);
  let body: string;
  if (channel === "sms") {
    body = t(`caseMessages.sms.${m.kind}`, { ...vars, needed: shorten(m.needed ?? "") });
  } else {
    const parts = [
      t(`caseMessages.email.${m.kind}.body`, { ...vars, reply: m.reply ?? "", needed: m.needed ?? "" }),
    ];
    if (m.kind === "reply" && m.repliedAt) {
      const settings = await getCaseSettings(trx, c.department_id);
      const last = dueDate(m.repliedAt, { days: settings.appeal_window_days, unit: "calendar" });
      parts.push(t("caseMessages.email.reply.appeal", { date: date(last) }));
    }
    parts.push(t("caseMessages.footer", vars));
    body = parts.join("\n\n");
  }
  await enqueueEmail(trx, {
    dedupeKey: `case-msg-${m.eventId}`,
    kind: CASE_MESSAGE_KINDS[m.kind],
    departmentId,
    complainantCaseId: c.id,
    toEnc,
    subject,
    body,
    channel,
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
