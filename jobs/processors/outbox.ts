/**
 * E-mail from the outbox (issue 6): managers hear about important feedback and overdue cases
 * within a minute, and every queued message is sent once. Plain functions of their dependencies;
 * the worker calls them from jobs/processors/index.ts.
 */
import type { Selectable } from "kysely";
import { enqueueEmail, mailableStaff } from "../../app/models/outbox/email.server";
import { decryptPii, encryptPii } from "../../app/utils/crypto.server";
import type { Mailer } from "../../app/utils/mailer.server";
import { tFor } from "../../app/utils/meta";
import type { Db } from "../../db/client";
import type { NotificationTable } from "../../db/schema";

type Notification = Selectable<NotificationTable>;

/** A claim older than this is a worker that died mid-send: the message may be taken again. */
export const CLAIM_TIMEOUT_MS = 10 * 60_000;

export interface SendDeps {
  /** null when SMTP_URL is unset: nothing is sent */
  mailer: Pick<Mailer, "sendMail"> | null;
  piiKey: string;
  /** replaces "{{APP_ORIGIN}}" in the messages, e.g. https://pledge.example.gov.hk */
  appOrigin: string;
  from: string;
  now?: () => Date;
  /** defaults to CLAIM_TIMEOUT_MS */
  claimTimeoutMs?: number;
}

/**
 * Sends unsent outbox messages, each by the one worker whose conditional update claimed it.
 * An SMTP error releases the claim and is recorded (without the address) for the next run.
 */
export async function sendPendingEmails(
  db: Db,
  deps: SendDeps,
  limit = 100,
): Promise<{ sent: number; failed: number }> {
  const result = { sent: 0, failed: 0 };
  const { mailer } = deps;
  if (!mailer) return result;
  const now = deps.now ?? (() => new Date());
  const timeout = deps.claimTimeoutMs ?? CLAIM_TIMEOUT_MS;
  const staleBefore = () => new Date(now().getTime() - timeout).toISOString();
  const candidates = await db
    .selectFrom("outbox_messages")
    .select(["id", "to_enc", "subject", "body_text"])
    .where("sent_at", "is", null)
    .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", staleBefore())]))
    // Fresh messages first: a few that keep failing never hold up the rest.
    .orderBy("attempts")
    .orderBy("id")
    .limit(limit)
    .execute();
  for (const m of candidates) {
    const claimedAt = now().toISOString();
    const claim = await db
      .updateTable("outbox_messages")
      .set({ claimed_at: claimedAt })
      .where("id", "=", m.id)
      .where("sent_at", "is", null)
      .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", staleBefore())]))
      .executeTakeFirst();
    // Another worker claimed (or sent) it between our select and this update.
    if (Number(claim.numUpdatedRows) !== 1) continue;
    const origin = (s: string) => s.replaceAll("{{APP_ORIGIN}}", deps.appOrigin);
    try {
      const to = decryptPii(deps.piiKey, m.to_enc);
      if (!to) throw new Error("The message has no recipient");
      await mailer.sendMail({
        from: deps.from,
        to,
        subject: origin(m.subject),
        text: origin(m.body_text),
        // Deterministic: a copy sent twice (a crash after the server accepted it and before
        // sent_at was stored) carries the same Message-ID and can be recognised as one.
        messageId: `<outbox-${m.id}@pledge>`,
      });
    } catch (e) {
      await db
        .updateTable("outbox_messages")
        .set((eb) => ({
          claimed_at: null,
          attempts: eb("attempts", "+", 1),
          last_error: safeError(e),
        }))
        .where("id", "=", m.id)
        .where("claimed_at", "=", claimedAt)
        .execute();
      result.failed++;
      continue;
    }
    await db
      .updateTable("outbox_messages")
      .set({ sent_at: now().toISOString(), claimed_at: null })
      .where("id", "=", m.id)
      .execute();
    result.sent++;
  }
  return result;
}

/** An SMTP error as stored and shown: its code and message with any address taken out. */
function safeError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown } | null;
  const message = String(err?.message ?? e).replace(/[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g, "[address]");
  const code = typeof err?.code === "string" ? `${err.code}: ` : "";
  return `${code}${message}`.slice(0, 500);
}

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

/** "2026-11-27 14:03", Hong Kong time (UTC+8 all year). */
function hkDateTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
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
    render: (t: ReturnType<typeof tFor>, department: string) => { subject: string; body: string },
  ) => {
    const en = render(tFor("en"), dept.name_en);
    const zh = render(tFor("zh-HK"), dept.name_zh);
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
      ...both((t, department) => ({
        subject: t("mail.importantFeedback.subject", { department }),
        // The summary is what staff wrote at the counter, without contact details (the form
        // asks them to leave those out); the citizen's contact details stay with the case.
        body: t("mail.importantFeedback.body", {
          department,
          when: hkDateTime(f.logged_at),
          kind: t(`feedback.kinds.${f.kind}`),
          summary: f.summary,
          url: "{{APP_ORIGIN}}/staff/feedback",
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
