// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Retention: an e-mail to a complainant (the acknowledgement, the closing survey invitation)
 * holds their address and words about their case, so it leaves the outbox with the case's
 * contact details. Such messages name their case; staff e-mail names none.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("outbox_messages").addColumn("complainant_case_id", "integer").execute();
  // The messages queued before this column: their dedupe keys say which case they are about.
  await sql`update outbox_messages set complainant_case_id = cast(substr(dedupe_key, 10) as integer)
    where dedupe_key like 'case-ack-%'`.execute(db);
  await sql`update outbox_messages set complainant_case_id = cast(substr(dedupe_key, 13) as integer)
    where dedupe_key like 'case-survey-%'`.execute(db);
  await db.schema
    .createIndex("outbox_messages_complainant_case_idx")
    .on("outbox_messages")
    .columns(["complainant_case_id", "created_at"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("outbox_messages_complainant_case_idx").execute();
  await db.schema.alterTable("outbox_messages").dropColumn("complainant_case_id").execute();
}
