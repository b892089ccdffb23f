// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  // Each department's pledged handling times (domain.md: working or calendar days).
  await db.schema
    .createTable("case_settings")
    .addColumn("department_id", "integer", (c) => c.primaryKey().references("departments.id"))
    .addColumn("ack_days", "integer", (c) => c.notNull())
    .addColumn("ack_unit", "text", (c) => c.notNull().check(sql`ack_unit in ('working','calendar')`))
    .addColumn("reply_days", "integer", (c) => c.notNull())
    .addColumn("reply_unit", "text", (c) => c.notNull().check(sql`reply_unit in ('working','calendar')`))
    .addColumn("appeal_window_days", "integer", (c) => c.notNull())
    .addColumn("appeal_reply_days", "integer", (c) => c.notNull())
    .addColumn("appeal_reply_unit", "text", (c) =>
      c.notNull().check(sql`appeal_reply_unit in ('working','calendar')`),
    )
    .addColumn("purge_after_days", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Typhoon signal No. 8 / black rainstorm closures: not working days (department null = all).
  await db.schema
    .createTable("closure_days")
    .addColumn("id", idType, id)
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    .addColumn("reason_en", "text", (c) => c.notNull())
    .addColumn("reason_zh", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("closure_days_date_idx")
    .on("closure_days")
    .columns(["date", "department_id"])
    .execute();

  await db.schema
    .createTable("cases")
    .addColumn("id", idType, id)
    .addColumn("reference", "text", (c) => c.notNull().unique())
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("service_id", "integer", (c) => c.references("services.id"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .check(
          sql`status in ('received','acknowledged','under_investigation','awaiting_customer','replied','closed','referred')`,
        ),
    )
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("what_happened", "text", (c) => c.notNull())
    .addColumn("desired_outcome", "text", (c) => c.notNull().defaultTo(""))
    // Contact details: AES-256-GCM ciphertext (app/utils/crypto.server.ts); never plain text.
    .addColumn("contact_name_enc", "text")
    .addColumn("contact_email_enc", "text")
    .addColumn("contact_phone_enc", "text")
    .addColumn("consent_at", "text")
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("assigned_to", "integer", (c) => c.references("staff_users.id"))
    .addColumn("ack_due", "text")
    .addColumn("reply_due", "text")
    .addColumn("acknowledged_at", "text")
    .addColumn("replied_at", "text")
    .addColumn("closed_at", "text")
    // Whether each pledged deadline was met: stored when the case closes, never recomputed.
    .addColumn("ack_met", "integer")
    .addColumn("reply_met", "integer")
    .addColumn("status_before_stop", "text")
    .addColumn("overdue_notified_at", "text")
    .addColumn("feedback_id", "integer")
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("purged_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("cases_department_status_idx")
    .on("cases")
    .columns(["department_id", "status"])
    .execute();
  await db.schema
    .createIndex("cases_department_month_idx")
    .on("cases")
    .columns(["department_id", "month"])
    .execute();

  await db.schema
    .createTable("case_sequences")
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("last_value", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("case_sequences_pk", ["department_id", "period"])
    .execute();

  await db.schema
    .createTable("case_clock_stops")
    .addColumn("id", idType, id)
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("from_at", "text", (c) => c.notNull())
    .addColumn("to_at", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("case_clock_stops_case_idx").on("case_clock_stops").column("case_id").execute();

  // The case's history: moves between states, notes (internal), replies (to the citizen).
  await db.schema
    .createTable("case_events")
    .addColumn("id", idType, id)
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_user_id", "integer", (c) => c.references("staff_users.id"))
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('transition','note','reply','assign','refer','refer-accept','refer-return','appeal','appeal-decision')`,
        ),
    )
    .addColumn("from_status", "text")
    .addColumn("to_status", "text")
    .addColumn("body", "text")
    .addColumn("visible_to_citizen", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    .execute();
  await db.schema.createIndex("case_events_case_idx").on("case_events").columns(["case_id", "id"]).execute();

  await db.schema
    .createTable("case_attachments")
    .addColumn("id", idType, id)
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("stored_name", "text", (c) => c.notNull().unique())
    .addColumn("original_name", "text", (c) => c.notNull())
    .addColumn("mime", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("uploaded_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("case_referrals")
    .addColumn("id", idType, id)
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("from_department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("to_department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending','accepted','returned')`))
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("decided_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("decided_at", "text")
    .addColumn("decision_note", "text")
    .execute();

  await db.schema
    .createTable("appeals")
    .addColumn("id", idType, id)
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("lodged_at", "text", (c) => c.notNull())
    .addColumn("lodged_by", "text", (c) => c.notNull().check(sql`lodged_by in ('citizen','staff')`))
    .addColumn("lodged_by_user", "integer", (c) => c.references("staff_users.id"))
    .addColumn("grounds", "text", (c) => c.notNull())
    .addColumn("original_handler_id", "integer", (c) => c.references("staff_users.id"))
    .addColumn("reviewer_id", "integer", (c) => c.references("staff_users.id"))
    .addColumn("due", "text")
    .addColumn("outcome", "text", (c) => c.check(sql`outcome in ('upheld','partly_upheld','not_upheld')`))
    .addColumn("reply", "text")
    .addColumn("decided_at", "text")
    .addColumn("met", "integer")
    .execute();
  await db.schema.createIndex("appeals_case_idx").on("appeals").column("case_id").execute();

  await db.schema
    .createTable("feedback_entries")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("service_id", "integer", (c) => c.references("services.id"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('compliment','suggestion','complaint','enquiry')`),
    )
    .addColumn("channel", "text", (c) =>
      c
        .notNull()
        .check(
          sql`channel in ('counter','hotline','suggestion_form','email','letter','meeting','liaison_group')`,
        ),
    )
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("important", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("logged_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("logged_at", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("case_id", "integer", (c) => c.references("cases.id"))
    .execute();
  await db.schema
    .createIndex("feedback_department_month_idx")
    .on("feedback_entries")
    .columns(["department_id", "month", "kind"])
    .execute();

  // What managers must hear about now; the reports issue e-mails them (emailed_at).
  await db.schema
    .createTable("notifications")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('important_feedback','case_overdue')`))
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("emailed_at", "text")
    .addUniqueConstraint("notifications_once_uq", ["kind", "entity_type", "entity_id"])
    .execute();
  await db.schema
    .createTable("notification_reads")
    .addColumn("notification_id", "integer", (c) =>
      c.notNull().references("notifications.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("staff_users.id"))
    .addColumn("read_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_reads_pk", ["notification_id", "user_id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    "notification_reads",
    "notifications",
    "feedback_entries",
    "appeals",
    "case_referrals",
    "case_attachments",
    "case_events",
    "case_clock_stops",
    "case_sequences",
    "cases",
    "closure_days",
    "case_settings",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
