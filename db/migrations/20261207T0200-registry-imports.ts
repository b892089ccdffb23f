// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * The registry import (issue 12): one row per import of a government's folder (its status and
 * progress, the errors of a refused load), and a natural key on imported survey responses and
 * quality readings, so that loading the same folder again inserts nothing. Imported transactions
 * use the existing unique (department, type, external_ref).
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const big = pg ? "bigint" : "integer";
  await db.schema
    .createTable("registry_imports")
    .addColumn("id", idType, id)
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('queued','validating','loading','done','refused','failed')`),
    )
    // JSON: the file names as uploaded
    .addColumn("files", "text", (c) => c.notNull())
    .addColumn("rows_read", big, (c) => c.notNull().defaultTo(0))
    .addColumn("rows_stored", big, (c) => c.notNull().defaultTo(0))
    .addColumn("total_bytes", big, (c) => c.notNull().defaultTo(0))
    .addColumn("bytes_read", big, (c) => c.notNull().defaultTo(0))
    // JSON: [{ file, line, column, key, values }] of a refused load (translated when shown)
    .addColumn("errors", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("finished_at", "text")
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .execute();
  await db.schema.alterTable("survey_responses").addColumn("import_key", "text").execute();
  await db.schema.alterTable("quality_readings").addColumn("import_key", "text").execute();
  // Unique where set (NULL never collides on either engine): only imported rows carry one.
  await db.schema
    .createIndex("survey_responses_import_key_uq")
    .on("survey_responses")
    .column("import_key")
    .unique()
    .execute();
  await db.schema
    .createIndex("quality_readings_import_key_uq")
    .on("quality_readings")
    .column("import_key")
    .unique()
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("quality_readings_import_key_uq").ifExists().execute();
  await db.schema.dropIndex("survey_responses_import_key_uq").ifExists().execute();
  await db.schema.alterTable("quality_readings").dropColumn("import_key").execute();
  await db.schema.alterTable("survey_responses").dropColumn("import_key").execute();
  await db.schema.dropTable("registry_imports").ifExists().execute();
}
