// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Staff who get their mail (issue 12):
 * - staff_tokens: single-use links e-mailed to staff (a password reset, an invitation to set a
 *   first password, the confirmation of a new address). Only a sha-256 of the token is stored.
 * - staff_users.language: the language a staff member's e-mail is written in (null: unknown).
 * - department_settings.closure_survey_id: the survey a citizen is invited to when a case closes
 *   (null: none). Until now it was the seed's `<code>case` survey, found by its slug; existing
 *   databases keep that choice.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("staff_tokens")
    .addColumn("id", pg ? "serial" : "integer", (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("user_id", "integer", (c) => c.notNull().references("staff_users.id"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("new_email", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema
    .createIndex("staff_tokens_user_idx")
    .on("staff_tokens")
    .columns(["user_id", "purpose"])
    .execute();
  await db.schema.alterTable("staff_users").addColumn("language", "text").execute();
  await db.schema
    .createTable("department_settings")
    .addColumn("department_id", "integer", (c) => c.primaryKey().references("departments.id"))
    .addColumn("closure_survey_id", "integer", (c) => c.references("surveys.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // What the product did before: the department's survey whose slug is `<code>case`.
  await sql`insert into department_settings (department_id, closure_survey_id, updated_at)
    select d.id, s.id, ${new Date().toISOString()} from departments d
    join surveys s on s.department_id = d.id and s.slug = lower(d.code) || 'case'`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("department_settings").ifExists().execute();
  await db.schema.alterTable("staff_users").dropColumn("language").execute();
  await db.schema.dropTable("staff_tokens").ifExists().execute();
}
