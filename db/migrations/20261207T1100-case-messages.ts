// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Keeping the citizen told (issue 14): an outbox message goes by e-mail or, to a citizen who gave
 * only a phone number, by SMS (its to_enc is then the encrypted number); and the files a citizen
 * sends with an answer from /track name the answer (a case event) they came with (null: sent
 * with the complaint).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("outbox_messages")
    .addColumn("channel", "text", (c) => c.notNull().defaultTo("email"))
    .execute();
  await db.schema.alterTable("case_attachments").addColumn("event_id", "integer").execute();
  await db.schema
    .createIndex("case_attachments_event_idx")
    .on("case_attachments")
    .columns(["event_id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("case_attachments_event_idx").execute();
  await db.schema.alterTable("case_attachments").dropColumn("event_id").execute();
  await db.schema.alterTable("outbox_messages").dropColumn("channel").execute();
}
