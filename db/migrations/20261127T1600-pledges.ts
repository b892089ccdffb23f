// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const real = pg ? "double precision" : "real";

  await db.schema
    .createTable("pledges")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("service_id", "integer", (c) => c.notNull().references("services.id"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('draft','approved','published','retired')`),
    )
    .addColumn("current_version_id", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("published_at", "text")
    .addColumn("retired_at", "text")
    .execute();
  await db.schema.createIndex("pledges_department_idx").on("pledges").column("department_id").execute();

  // A version is frozen once the pledge is published: a change makes a new version with a reason.
  await db.schema
    .createTable("pledge_versions")
    .addColumn("id", idType, id)
    .addColumn("pledge_id", "integer", (c) => c.notNull().references("pledges.id").onDelete("cascade"))
    .addColumn("version_no", "integer", (c) => c.notNull())
    .addColumn("statement_en", "text", (c) => c.notNull())
    .addColumn("statement_zh", "text", (c) => c.notNull())
    .addColumn("customer", "text", (c) => c.notNull().check(sql`customer in ('external','internal')`))
    .addColumn("category", "text", (c) => c.notNull().check(sql`category in ('efficiency','quality')`))
    .addColumn("target_kind", "text", (c) =>
      c.notNull().check(sql`target_kind in ('timeliness','satisfaction','measured')`),
    )
    // The share of items that must meet the standard, in percent (e.g. 95).
    .addColumn("target_share", real, (c) => c.notNull())
    // Timeliness: cases (step ack or reply) or service transactions of a type, within N days.
    .addColumn("timeliness_source", "text", (c) =>
      c.check(sql`timeliness_source in ('cases','transactions')`),
    )
    .addColumn("case_step", "text", (c) => c.check(sql`case_step in ('ack','reply')`))
    .addColumn("transaction_type", "text")
    .addColumn("days", "integer")
    .addColumn("day_unit", "text", (c) => c.check(sql`day_unit in ('working','calendar')`))
    // Satisfaction: a survey question's top-two-box share.
    .addColumn("survey_id", "integer", (c) => c.references("surveys.id"))
    .addColumn("question_key", "text")
    // Measured quality: readings compared with a threshold.
    .addColumn("measure_en", "text")
    .addColumn("measure_zh", "text")
    .addColumn("measure_unit", "text")
    .addColumn("comparator", "text", (c) => c.check(sql`comparator in ('gte','lte')`))
    .addColumn("threshold", real)
    .addColumn("plausible_min", real)
    .addColumn("plausible_max", real)
    .addColumn("min_sample", "integer", (c) => c.notNull())
    .addColumn("effective_from", "text", (c) => c.notNull())
    .addColumn("effective_to", "text")
    .addColumn("change_reason", "text", (c) =>
      c
        .notNull()
        .check(sql`change_reason in ('initial','strengthened','new_service','obsolete','corrected')`),
    )
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("pledge_versions_no_uq", ["pledge_id", "version_no"])
    .execute();

  // Applications received and completed (ID cards, licences, mail): measured for timeliness.
  await db.schema
    .createTable("service_transactions")
    .addColumn("id", pg ? "bigserial" : "integer", id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("transaction_type", "text", (c) => c.notNull())
    .addColumn("external_ref", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("completed_at", "text")
    // HK month of completion: the period the transaction is reported in.
    .addColumn("month", "text")
    // Elapsed days stored at completion (working days use the holiday calendar of that day).
    .addColumn("working_days", "integer")
    .addColumn("calendar_days", "integer")
    .addColumn("import_id", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("service_transactions_ref_uq", ["department_id", "transaction_type", "external_ref"])
    .execute();
  await db.schema
    .createIndex("service_transactions_results_idx")
    .on("service_transactions")
    .columns(["department_id", "transaction_type", "month", "working_days", "calendar_days"])
    .execute();

  await db.schema
    .createTable("quality_readings")
    .addColumn("id", pg ? "bigserial" : "integer", id)
    .addColumn("pledge_id", "integer", (c) => c.notNull().references("pledges.id"))
    .addColumn("taken_on", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("value", real, (c) => c.notNull())
    .addColumn("evidence_note", "text")
    .addColumn("entered_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("import_id", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("quality_readings_pledge_month_idx")
    .on("quality_readings")
    .columns(["pledge_id", "month"])
    .execute();

  await db.schema
    .createTable("data_imports")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('transactions','readings')`))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("rows", "integer", (c) => c.notNull())
    .addColumn("imported_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("imported_at", "text", (c) => c.notNull())
    .execute();

  // Monitoring: for each unmet target, the reason and the corrective proposal.
  await db.schema
    .createTable("pledge_unmet_notes")
    .addColumn("id", idType, id)
    .addColumn("pledge_id", "integer", (c) => c.notNull().references("pledges.id"))
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("corrective_proposal", "text", (c) => c.notNull())
    .addColumn("recorded_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addUniqueConstraint("pledge_unmet_notes_uq", ["pledge_id", "period"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    "pledge_unmet_notes",
    "data_imports",
    "quality_readings",
    "service_transactions",
    "pledge_versions",
    "pledges",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
