// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Stored pledge results (issue 12): one row per pledge × month, judged against the version in
 * force that month, so pages and the overview read them instead of recounting the activity. And
 * a queue of what is stale: each write that changes a pledge's figures adds a mark in its own
 * transaction; the worker's results.refresh takes the marks and recomputes just those.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const real = pg ? "double precision" : "real";
  await db.schema
    .createTable("pledge_results")
    .addColumn("pledge_id", "integer", (c) => c.notNull().references("pledges.id"))
    // YYYY-MM, Hong Kong time
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("version_id", "integer", (c) => c.notNull().references("pledge_versions.id"))
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("compliant", "integer", (c) => c.notNull())
    // percent, the version's target
    .addColumn("target_share", real, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("pledge_results_pk", ["pledge_id", "month"])
    .execute();
  // Open data reads a few months of every pledge.
  await db.schema
    .createIndex("pledge_results_month_idx")
    .on("pledge_results")
    .columns(["month", "pledge_id"])
    .execute();
  // The overview adds up 36 months of every pledge in one pass: a covering index, in pledge
  // order, so the GROUP BY needs no table lookups and no sort (1,200 pledges × 36 months on
  // SQLite: 110 ms → 55 ms, scripts/bench-stored-results.ts).
  await db.schema
    .createIndex("pledge_results_totals_idx")
    .on("pledge_results")
    .columns(["pledge_id", "month", "total", "compliant", "computed_at"])
    .execute();

  await db.schema
    .createTable("pledge_results_stale")
    .addColumn("id", pg ? "serial" : "integer", id)
    .addColumn("department_id", "integer", (c) => c.notNull())
    // null: every pledge of the department
    .addColumn("pledge_id", "integer")
    // null: every month the pledge was in force
    .addColumn("month", "text")
    .addColumn("marked_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("pledge_results_stale").ifExists().execute();
  await db.schema.dropTable("pledge_results").ifExists().execute();
}
