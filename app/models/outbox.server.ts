import type { Db } from "../../db/client";
import { nowIso } from "./time";

export interface OutboxInput {
  dedupeKey: string;
  kind: string;
  departmentId: number | null;
  /** the recipient, already encrypted (ADR 0007) */
  toEnc: string;
  subject: string;
  body: string;
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
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .execute();
}
