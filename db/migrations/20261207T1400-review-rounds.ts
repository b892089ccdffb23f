// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * The review of performance pledges (issue 16): rounds the central bureau opens for a period, and
 * one return per department and round (its declarations as JSON, see app/models/reviews/questions.ts).
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable("review_rounds")
    .addColumn("id", idType, id)
    .addColumn("period_from", "text", (c) => c.notNull())
    .addColumn("period_to", "text", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('open','published','closed')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("published_at", "text")
    .execute();
  await db.schema
    .createIndex("review_rounds_status_idx")
    .on("review_rounds")
    .columns(["status", "deadline"])
    .execute();

  await db.schema
    .createTable("review_returns")
    .addColumn("id", idType, id)
    .addColumn("round_id", "integer", (c) => c.notNull().references("review_rounds.id").onDelete("cascade"))
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft','submitted','returned')`))
    // JSON: { [questionKey]: { value, note } }
    .addColumn("answers", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('form','import')`))
    .addColumn("submitted_at", "text")
    .addColumn("submitted_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("is_late", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("returned_at", "text")
    .addColumn("returned_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("return_reason", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // One return per department and round: the form and the CSV import both upsert on it.
  await db.schema
    .createIndex("review_returns_round_dept_uq")
    .on("review_returns")
    .columns(["round_id", "department_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("review_returns_dept_idx")
    .on("review_returns")
    .columns(["department_id", "round_id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("review_returns").ifExists().execute();
  await db.schema.dropTable("review_rounds").ifExists().execute();
}
