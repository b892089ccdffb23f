import type { Db } from "../../../db/client";
import { decryptPii, encryptPii, maskEmail, maskPhone } from "../../utils/crypto.server";
import { nowIso } from "../calendar/time";

/**
 * A secret in a message (a single-use link's token) as the outbox stores it: encrypted with the
 * PII key, so a copy of the database holds no working link; the sender puts it back
 * (`unsealOutboxText`) just before sending.
 */
export function sealForOutbox(piiKey: string, secret: string): string {
  return `{{SEALED:${encryptPii(piiKey, secret)}}}`;
}

/** A stored subject or body with its sealed secrets decrypted (throws on another key's). */
export function unsealOutboxText(piiKey: string, text: string): string {
  return text.replace(
    /\{\{SEALED:(v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\}\}/g,
    (_, sealed: string) => String(decryptPii(piiKey, sealed)),
  );
}

export interface OutboxInput {
  dedupeKey: string;
  kind: string;
  departmentId: number | null;
  /** the recipient, already encrypted (ADR 0007) */
  toEnc: string;
  subject: string;
  body: string;
  /** an e-mail to a case's complainant: it leaves the outbox with the case's contact details */
  complainantCaseId?: number;
  /** "sms": toEnc is a phone number and the body goes by text message (sms.server.ts) */
  channel?: "email" | "sms";
}

/**
 * Queues an e-mail in the database, inside the caller's transaction: it exists only if what it
 * reports was stored, and once only (dedupe key). The reports worker sends it (issue 6); without
 * SMTP, administrators read the outbox.
 */
export async function enqueueEmail(trx: Db, m: OutboxInput): Promise<void> {
  await trx
    .insertInto("outbox_messages")
    .values({
      dedupe_key: m.dedupeKey,
      kind: m.kind,
      department_id: m.departmentId,
      to_enc: m.toEnc,
      subject: m.subject,
      body_text: m.body,
      created_at: nowIso(),
      sent_at: null,
      attempts: 0,
      last_error: null,
      complainant_case_id: m.complainantCaseId ?? null,
      channel: m.channel ?? "email",
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .execute();
}

export interface OutboxListItem {
  id: number;
  created_at: string;
  kind: string;
  subject: string;
  /** masked: "m***@pledge.example", or "****4567" for a text message */
  to: string | null;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

/**
 * The newest 200 outbox messages, all departments' or one department's, with
 * the recipient decrypted only to be masked (ADR 0007).
 */
export async function listOutbox(
  db: Db,
  piiKey: string,
  departments: "all" | { departmentId: number | null },
): Promise<OutboxListItem[]> {
  let q = db
    .selectFrom("outbox_messages")
    .select(["id", "created_at", "kind", "subject", "to_enc", "sent_at", "attempts", "last_error", "channel"])
    .orderBy("id", "desc")
    .limit(200);
  // A department's messages only: a user without a department (none should be) sees none.
  if (departments !== "all") q = q.where("department_id", "=", departments.departmentId ?? -1);
  const rows = await q.execute();
  return rows.map(({ to_enc, channel, ...r }) => {
    let to: string | null;
    try {
      const plain = decryptPii(piiKey, to_enc);
      to = channel === "sms" ? maskPhone(plain) : maskEmail(plain);
    } catch {
      to = null; // another key's ciphertext: show nothing rather than fail the page
    }
    return { ...r, to };
  });
}

/**
 * The active staff of a role with an e-mail address, in a department (or, for government roles,
 * everywhere): whom the worker e-mails. Work addresses, not citizens' personal data.
 */
export async function mailableStaff(
  trx: Db,
  role: "manager" | "case_officer" | "central_reviewer",
  departmentId: number | null = null,
): Promise<{ id: number; email: string }[]> {
  let q = trx
    .selectFrom("staff_users")
    .select(["id", "email"])
    .where("role", "=", role)
    .where("is_active", "=", 1)
    .where("email", "is not", null)
    .where("email", "!=", "");
  if (departmentId !== null) q = q.where("department_id", "=", departmentId);
  const rows = await q.orderBy("id").execute();
  return rows.map((r) => ({ id: r.id, email: r.email ?? "" }));
}
