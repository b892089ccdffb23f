// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  // E-mail waiting to be sent, written in the same transaction as what it reports: a message
  // exists once (dedupe_key) and is sent once (sent_at), whatever retries happen.
  await db.schema
    .createTable("outbox_messages")
    .addColumn("id", idType, id)
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    // The address, encrypted like every contact detail (ADR 0007).
    .addColumn("to_enc", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("outbox_unsent_idx").on("outbox_messages").columns(["sent_at", "id"]).execute();

  // A survey reached only by invitation (the case-handling survey) is not listed on "Give feedback".
  await db.schema
    .alterTable("surveys")
    .addColumn("listed", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  // One satisfaction survey invitation per closed case (closing the loop).
  await db.schema
    .createTable("case_survey_invitations")
    .addColumn("case_id", "integer", (c) => c.primaryKey().references("cases.id").onDelete("cascade"))
    .addColumn("token", "text", (c) => c.notNull().unique())
    .addColumn("survey_id", "integer", (c) => c.notNull().references("surveys.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("case_survey_invitations").ifExists().execute();
  await db.schema.dropTable("outbox_messages").ifExists().execute();
  await db.schema.alterTable("surveys").dropColumn("listed").execute();
}
