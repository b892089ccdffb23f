/**
 * Sending the outbox (issue 6): every queued message is sent once, by the one worker whose
 * conditional update claimed it; a failure releases the claim and is recorded for the next run.
 * The worker's outbox.send job (and the jobs that queue e-mail) call it.
 */
import type { Db } from "../../../db/client";
import { decryptPii } from "../../utils/crypto.server";
import type { Mailer } from "../../utils/mailer.server";
import { unsealOutboxText } from "./email.server";
import { loggingSmsSender, type SmsSender } from "./sms.server";

/** A claim older than this is a worker that died mid-send: the message may be taken again. */
export const CLAIM_TIMEOUT_MS = 10 * 60_000;

export interface SendDeps {
  /** null when SMTP_URL is unset: no e-mail is sent */
  mailer: Pick<Mailer, "sendMail"> | null;
  /** text messages to citizens who gave only a phone number; defaults to loggingSmsSender, null: none sent */
  sms?: SmsSender | null;
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
  const sms = deps.sms === undefined ? loggingSmsSender() : deps.sms;
  const channels = [...(mailer ? ["email" as const] : []), ...(sms ? ["sms" as const] : [])];
  if (channels.length === 0) return result;
  const now = deps.now ?? (() => new Date());
  const timeout = deps.claimTimeoutMs ?? CLAIM_TIMEOUT_MS;
  const staleBefore = () => new Date(now().getTime() - timeout).toISOString();
  const candidates = await db
    .selectFrom("outbox_messages")
    .select(["id", "to_enc", "subject", "body_text", "channel"])
    .where("sent_at", "is", null)
    .where("channel", "in", channels)
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
    const origin = (s: string) =>
      unsealOutboxText(deps.piiKey, s.replaceAll("{{APP_ORIGIN}}", deps.appOrigin));
    try {
      const to = decryptPii(deps.piiKey, m.to_enc);
      if (!to) throw new Error("The message has no recipient");
      if (m.channel === "sms" && sms) {
        // A text message is its body alone (the subject is for the outbox page).
        await sms.sendSms({ id: m.id, to, text: origin(m.body_text) });
      } else if (m.channel === "email" && mailer) {
        await mailer.sendMail({
          from: deps.from,
          to,
          subject: origin(m.subject),
          text: origin(m.body_text),
          // Deterministic: a copy sent twice (a crash after the server accepted it and before
          // sent_at was stored) carries the same Message-ID and can be recognised as one.
          messageId: `<outbox-${m.id}@pledge>`,
        });
      } else throw new Error("No sender for this channel");
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
  const message = String(err?.message ?? e)
    .replace(/[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g, "[address]")
    // An SMS gateway's error may quote the number.
    .replace(/\+?\d[\d ()-]{6,}\d/g, "[number]");
  const code = typeof err?.code === "string" ? `${err.code}: ` : "";
  return `${code}${message}`.slice(0, 500);
}
