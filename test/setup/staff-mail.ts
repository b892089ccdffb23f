import { unsealOutboxText } from "../../app/models/outbox/email.server";
import { decryptPii } from "../../app/utils/crypto.server";
import type { Db } from "../../db/client";

/** The outbox's staff messages (recipient decrypted), oldest first: what the worker would send. */
export async function staffOutbox(db: Db, piiKey: string, kind?: string) {
  let q = db
    .selectFrom("outbox_messages")
    .select(["id", "kind", "to_enc", "subject", "body_text", "department_id"])
    .where("kind", "like", "staff.%")
    .orderBy("id");
  if (kind) q = q.where("kind", "=", kind);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    to: decryptPii(piiKey, r.to_enc),
    subject: r.subject,
    /** as the worker sends it: the link's token decrypted */
    body: unsealOutboxText(piiKey, r.body_text),
    /** as stored: the token sealed */
    storedBody: r.body_text,
    departmentId: r.department_id,
  }));
}

/** The token of the first link to `path` in a message body ("{{APP_ORIGIN}}/staff/…/<token>"). */
export function linkToken(body: string, path: string): string {
  const m = body.match(new RegExp(`${path.replace(/\//g, "\\/")}\\/([A-Za-z0-9_-]{43})`));
  if (!m) throw new Error(`No ${path} link in:\n${body}`);
  return m[1]!;
}

/** A manager with an address in every department: one digest each. */
export async function addManagers(db: Db): Promise<void> {
  const departments = await db.selectFrom("departments").select(["id", "code"]).execute();
  const now = new Date().toISOString();
  for (const d of departments) {
    const username = `manager.${d.code.toLowerCase()}`;
    const exists = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirst();
    if (exists) continue;
    await db
      .insertInto("staff_users")
      .values({
        department_id: d.id,
        username,
        display_name: `${d.code} manager`,
        role: "manager",
        password_hash: "unused",
        is_active: 1,
        created_at: now,
        updated_at: now,
        last_sign_in_at: null,
        email: `${username}@pledge.example`,
      })
      .execute();
  }
}
