import type { Db } from "../../../db/client";
import type { ReviewRound } from "../../../db/schema";
import { formats } from "../../utils/formats";
import { tFor } from "../../utils/meta";
import { hkDate } from "../calendar/time";
import { queueStaffMail, type StaffLanguage, staffLanguage } from "../staff/mail.server";

/*
 * The review's reminders (issue 16), run by the worker every morning: a department's
 * administrators hear of their open return a week and a day before the round's deadline, and once
 * the deadline has passed the central bureau hears which departments are late. Every message goes
 * through the outbox with a key naming its round, department, recipient and kind, so a second run
 * (a retry, a restarted worker, a second worker) queues nothing twice.
 */

/** Days before the deadline when the "week" reminder starts, and the "day" one. */
export const WEEK_BEFORE = 7;
export const DAY_BEFORE = 1;

export interface ReviewReminderResult {
  /** reminders newly queued to department administrators */
  reminders: number;
  /** late lists newly queued to the central bureau */
  lateLists: number;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A message in the recipient's language, or in both (English first) when it is not known. */
function inLanguageOf(
  language: StaffLanguage | null,
  render: (lang: StaffLanguage) => { subject: string; body: string },
): { subject: string; body: string } {
  if (language) return render(language);
  const en = render("en");
  const zh = render("zh-HK");
  return { subject: `${en.subject} / ${zh.subject}`, body: [en.body, "----", zh.body].join("\n\n") };
}

/** Active departments whose return for the round is not submitted (none, a draft, or returned). */
async function unsubmittedDepartments(db: Db, roundId: number) {
  return db
    .selectFrom("departments as d")
    .leftJoin("review_returns as r", (j) =>
      j.onRef("r.department_id", "=", "d.id").on("r.round_id", "=", roundId),
    )
    .select(["d.id", "d.code", "d.name_en", "d.name_zh"])
    .where("d.is_active", "=", 1)
    .where((eb) => eb.or([eb("r.status", "is", null), eb("r.status", "!=", "submitted")]))
    .orderBy("d.code")
    .execute();
}

/** Queues one message unless its key is in the outbox already; true when it was queued now. */
async function queueOnce(
  db: Db,
  piiKey: string,
  m: {
    dedupeKey: string;
    kind: string;
    departmentId: number | null;
    to: string;
    subject: string;
    body: string;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // enqueueEmail ignores a key it has; looking first only keeps the counts honest.
    const existing = await trx
      .selectFrom("outbox_messages")
      .select("id")
      .where("dedupe_key", "=", m.dedupeKey)
      .executeTakeFirst();
    if (existing) return false;
    await queueStaffMail(trx, piiKey, m);
    return true;
  });
}

/** The department administrators' reminders of one round, `kind` "week" or "day". */
async function remindAdministrators(
  db: Db,
  piiKey: string,
  round: ReviewRound,
  kind: "week" | "day",
): Promise<number> {
  const departments = await unsubmittedDepartments(db, round.id);
  if (departments.length === 0) return 0;
  const byId = new Map(departments.map((d) => [d.id, d]));
  const admins = await db
    .selectFrom("staff_users")
    .select(["id", "department_id", "email", "language"])
    .where("role", "=", "department_admin")
    .where("is_active", "=", 1)
    .where("department_id", "in", [...byId.keys()])
    .where("email", "is not", null)
    .orderBy("id")
    .execute();
  let queued = 0;
  for (const a of admins) {
    const dept = a.department_id == null ? undefined : byId.get(a.department_id);
    const to = a.email?.trim();
    if (!dept || !to) continue;
    const message = inLanguageOf(staffLanguage(a.language), (lang) => {
      const t = tFor(lang);
      const f = formats(lang);
      const vars = {
        department: lang === "zh-HK" ? dept.name_zh : dept.name_en,
        date: f.longDate(round.deadline),
        from: f.month(round.period_from),
        to: f.month(round.period_to),
        url: "{{APP_ORIGIN}}/admin/reviews",
      };
      return {
        subject: t("reviewImport.mail.reminderSubject", vars),
        body: t("reviewImport.mail.reminderBody", vars),
      };
    });
    const sent = await queueOnce(db, piiKey, {
      dedupeKey: `review-reminder-round-${round.id}-${kind}-department-${dept.id}-user-${a.id}`,
      kind: "review.reminder",
      departmentId: dept.id,
      to,
      ...message,
    });
    if (sent) queued++;
  }
  return queued;
}

/** The central bureau's one list of the departments late with their return for a round. */
async function tellLate(db: Db, piiKey: string, round: ReviewRound): Promise<number> {
  const late = await unsubmittedDepartments(db, round.id);
  if (late.length === 0) return 0;
  const reviewers = await db
    .selectFrom("staff_users")
    .select(["id", "email", "language"])
    .where("role", "=", "central_reviewer")
    .where("is_active", "=", 1)
    .where("email", "is not", null)
    .orderBy("id")
    .execute();
  let queued = 0;
  for (const u of reviewers) {
    const to = u.email?.trim();
    if (!to) continue;
    const message = inLanguageOf(staffLanguage(u.language), (lang) => {
      const t = tFor(lang);
      const f = formats(lang);
      const vars = {
        count: late.length,
        date: f.longDate(round.deadline),
        from: f.month(round.period_from),
        to: f.month(round.period_to),
        departments: late.map((d) => `${d.code}  ${lang === "zh-HK" ? d.name_zh : d.name_en}`).join("\n"),
        url: `{{APP_ORIGIN}}/central/reviews/${round.id}`,
      };
      return {
        subject: t("reviewImport.mail.lateSubject", vars),
        body: t("reviewImport.mail.lateBody", vars),
      };
    });
    const sent = await queueOnce(db, piiKey, {
      dedupeKey: `review-late-round-${round.id}-user-${u.id}`,
      kind: "review.late",
      departmentId: null,
      to,
      ...message,
    });
    if (sent) queued++;
  }
  return queued;
}

/**
 * For every open round: from seven days before its deadline, one reminder to each administrator
 * of a department whose return is not submitted; from the day before (and on the day), a second;
 * after the deadline, one list of the late departments to each central reviewer. A run that
 * misses a morning (the worker down) still sends each message once, late rather than never.
 */
export async function remindReviewReturns(
  db: Db,
  piiKey: string,
  now: Date = new Date(),
): Promise<ReviewReminderResult> {
  const today = hkDate(now);
  const rounds = await db
    .selectFrom("review_rounds")
    .selectAll()
    .where("status", "=", "open")
    .orderBy("id")
    .execute();
  const result: ReviewReminderResult = { reminders: 0, lateLists: 0 };
  for (const round of rounds) {
    const left = daysBetween(today, round.deadline);
    if (left < 0) result.lateLists += await tellLate(db, piiKey, round);
    else if (left <= DAY_BEFORE) result.reminders += await remindAdministrators(db, piiKey, round, "day");
    else if (left <= WEEK_BEFORE) result.reminders += await remindAdministrators(db, piiKey, round, "week");
  }
  return result;
}
