import nodemailer from "nodemailer";
import type { Env } from "./env.server";

/** What the outbox sender needs of a mail transport (nodemailer's, or a test's). */
export interface Mailer {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId: string;
  }): Promise<unknown>;
  close(): void;
}

/**
 * A nodemailer SMTP transport from SMTP_URL, or null when it is unset: then messages stay in the
 * outbox, where administrators read them (/admin/outbox).
 */
export function createMailer(env: Pick<Env, "SMTP_URL">): Mailer | null {
  if (!env.SMTP_URL) return null;
  return nodemailer.createTransport({
    url: env.SMTP_URL,
    // Well inside the 10-minute claim on an outbox message (nodemailer waits 10 minutes for an
    // idle socket by default), so a slow server never lets a second worker send it too.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}
