// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * The department's monthly management report (issue 6; the paper: "monthly reports analyse it"):
 * computed once per department and month and stored as JSON, so what a manager read and
 * acknowledged stays what it was; and who read and acknowledged each one.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable("monthly_reports")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    // YYYY-MM, Hong Kong time
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("generated_at", "text", (c) => c.notNull())
    // One report per department and month: regenerating rebuilds it in place (an upsert).
    .addUniqueConstraint("monthly_reports_department_month_key", ["department_id", "month"])
    .execute();
  // The government summary reads every department's report of one month.
  await db.schema.createIndex("monthly_reports_month_idx").on("monthly_reports").column("month").execute();

  await db.schema
    .createTable("report_reads")
    .addColumn("report_id", "integer", (c) =>
      c.notNull().references("monthly_reports.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("staff_users.id"))
    .addColumn("read_at", "text", (c) => c.notNull())
    .addColumn("acknowledged_at", "text")
    .addPrimaryKeyConstraint("report_reads_pkey", ["report_id", "user_id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("report_reads").ifExists().execute();
  await db.schema.dropTable("monthly_reports").ifExists().execute();
}
