/**
 * Escalation (issue 6): managers hear about important feedback and overdue cases within a minute,
 * by e-mail through the outbox. The worker's notifications.escalate job calls it every 20 s.
 */
import type { Selectable } from "kysely";
import type { Db } from "../../../db/client";
import type { NotificationTable } from "../../../db/schema";
import { encryptPii } from "../../utils/crypto.server";
import { type Formats, formats } from "../../utils/formats";
import { tFor } from "../../utils/meta";
import { nowIso } from "../calendar/time";
import { enqueueEmail, mailableStaff } from "./email.server";

type Notification = Selectable<NotificationTable>;

/**
 * Queues one e-mail per active manager with an address for every notification not yet e-mailed
 * (important feedback, overdue cases), in English and Chinese, and stamps emailed_at: all in one
 * transaction per notification. Returns how many notifications it handled.
 */
export async function escalateNotifications(db: Db, piiKey: string, now: Date = new Date()): Promise<number> {
  const at = now.toISOString();
  const pending = await db
    .selectFrom("notifications")
    .selectAll()
    .where("emailed_at", "is", null)
    .orderBy("id")
    .limit(200)
    .execute();
  let handled = 0;
  for (const n of pending) {
    const done = await db.transaction().execute(async (trx) => {
      // Claim it first: a second worker's update waits for this transaction, then changes nothing.
      const claim = await trx
        .updateTable("notifications")
        .set({ emailed_at: at })
        .where("id", "=", n.id)
        .where("emailed_at", "is", null)
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return false;
      // The department's managers (issue 6); with none that has an address, there is no one to
      // e-mail and the notification stays in their inbox only.
      const managers = await mailableStaff(trx, "manager", n.department_id);
      if (managers.length === 0) return true;
      const message = await notificationMessage(trx, n);
      if (!message) return true;
      for (const m of managers) {
        const toEnc = encryptPii(piiKey, m.email);
        if (!toEnc) continue;
        await enqueueEmail(trx, {
          dedupeKey: `notification-${n.id}-user-${m.id}`,
          kind: message.kind,
          departmentId: n.department_id,
          toEnc,
          subject: message.subject,
          body: message.body,
        });
      }
      return true;
    });
    if (done) handled++;
  }
  return handled;
}

/**
 * Records "this appeal is overdue" once per appeal for its department's managers, like an overdue
 * case (flagOverdueCases): an appeal still undecided after its own deadline (`appeals.due`, the
 * department's "reply to an appeal within" setting). Stored as a `case_overdue` notification of
 * entity type `appeal` (entity id: the appeal's), so the unique (kind, entity_type, entity_id)
 * keeps it to once without a new column. The worker runs it with flagOverdueCases. Returns how
 * many appeals newly went overdue.
 */
export async function flagOverdueAppeals(db: Db, today: string): Promise<number> {
  const rows = await db
    .selectFrom("appeals as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .select(["a.id", "c.department_id"])
    .where("a.decided_at", "is", null)
    .where("a.due", "is not", null)
    .where("a.due", "<", today)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("notifications as n")
            .select("n.id")
            .where("n.kind", "=", "case_overdue")
            .where("n.entity_type", "=", "appeal")
            .whereRef("n.entity_id", "=", "a.id"),
        ),
      ),
    )
    .orderBy("a.id")
    .execute();
  if (rows.length === 0) return 0;
  const at = nowIso();
  let flagged = 0;
  for (const r of rows) {
    const inserted = await db
      .insertInto("notifications")
      .values({
        department_id: r.department_id,
        kind: "case_overdue",
        entity_type: "appeal",
        entity_id: r.id,
        created_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) flagged++;
  }
  return flagged;
}

/** Subject and body in English, then Traditional Chinese: managers read both. */
async function notificationMessage(
  trx: Db,
  n: Notification,
): Promise<{ kind: string; subject: string; body: string } | null> {
  const dept = await trx
    .selectFrom("departments")
    .select(["name_en", "name_zh"])
    .where("id", "=", n.department_id)
    .executeTakeFirstOrThrow();
  const both = (
    render: (t: ReturnType<typeof tFor>, department: string, f: Formats) => { subject: string; body: string },
  ) => {
    // Dates and times as each language writes them, in Hong Kong time.
    const en = render(tFor("en"), dept.name_en, formats("en"));
    const zh = render(tFor("zh-HK"), dept.name_zh, formats("zh-HK"));
    return {
      subject: `${en.subject} / ${zh.subject}`,
      body: [
        en.body,
        tFor("en")("mail.footer", { department: dept.name_en }),
        "----",
        zh.body,
        tFor("zh-HK")("mail.footer", { department: dept.name_zh }),
      ].join("\n\n"),
    };
  };
  if (n.kind === "important_feedback") {
    const f = await trx
      .selectFrom("feedback_entries")
      .select(["kind", "summary", "logged_at"])
      .where("id", "=", n.entity_id)
      .executeTakeFirst();
    if (!f) return null;
    return {
      kind: "notification.important-feedback",
      ...both((t, department, fmt) => ({
        subject: t("mail.importantFeedback.subject", { department }),
        // The summary is what staff wrote at the counter, without contact details (the form
        // asks them to leave those out); the citizen's contact details stay with the case.
        body: t("mail.importantFeedback.body", {
          department,
          when: fmt.at(f.logged_at),
          kind: t(`feedback.kinds.${f.kind}`),
          summary: f.summary,
          url: "{{APP_ORIGIN}}/staff/feedback",
        }),
      })),
    };
  }
  if (n.entity_type === "appeal") {
    // Reference and dates only: never the citizen's grounds or contact details.
    const a = await trx
      .selectFrom("appeals as a")
      .innerJoin("cases as c", "c.id", "a.case_id")
      .select(["a.case_id", "a.due", "a.lodged_at", "c.reference"])
      .where("a.id", "=", n.entity_id)
      .executeTakeFirst();
    if (!a) return null;
    return {
      kind: "notification.appeal-overdue",
      ...both((t, department, f) => ({
        subject: t("dashboard.mail.appealOverdue.subject", { reference: a.reference }),
        body: t("dashboard.mail.appealOverdue.body", {
          department,
          reference: a.reference,
          lodged: f.longDayOf(a.lodged_at),
          due: a.due ? f.longDate(a.due) : "",
          url: `{{APP_ORIGIN}}/staff/cases/${a.case_id}`,
        }),
      })),
    };
  }
  const c = await trx
    .selectFrom("cases")
    .select("reference")
    .where("id", "=", n.entity_id)
    .executeTakeFirst();
  if (!c) return null;
  return {
    kind: "notification.case-overdue",
    ...both((t, department) => ({
      subject: t("mail.caseOverdue.subject", { reference: c.reference }),
      body: t("mail.caseOverdue.body", {
        department,
        reference: c.reference,
        url: `{{APP_ORIGIN}}/staff/cases/${n.entity_id}`,
      }),
    })),
  };
}
