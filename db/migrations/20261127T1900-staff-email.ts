// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * E-mail delivery (issue 6): managers' work addresses (not citizens' personal data, so plain
 * text), and a claim on an outbox message while one worker sends it.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("staff_users").addColumn("email", "text").execute();
  // Set by the worker that is sending the message; a claim older than 10 minutes is a worker
  // that died mid-send, and the message may be taken again.
  await db.schema.alterTable("outbox_messages").addColumn("claimed_at", "text").execute();
  // The worker looks for notifications not yet e-mailed every 20 seconds.
  await db.schema
    .createIndex("notifications_unemailed_idx")
    .on("notifications")
    .columns(["emailed_at", "id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("notifications_unemailed_idx").execute();
  await db.schema.alterTable("outbox_messages").dropColumn("claimed_at").execute();
  await db.schema.alterTable("staff_users").dropColumn("email").execute();
}
