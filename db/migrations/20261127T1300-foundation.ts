// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const idType = pg ? "serial" : "integer";
  const id = (c: import("kysely").ColumnDefinitionBuilder) =>
    pg ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable("departments")
    .addColumn("id", idType, id)
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("services")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("services_department_code_uq", ["department_id", "code"])
    .execute();

  await db.schema
    .createTable("staff_users")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) =>
      c
        .notNull()
        .check(
          sql`role in ('counter_staff','case_officer','manager','department_admin','central_reviewer','system_admin')`,
        ),
    )
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("last_sign_in_at", "text")
    // Department roles need a department; the two government-wide roles have none.
    .addCheckConstraint(
      "staff_users_department_ck",
      sql`(role in ('central_reviewer','system_admin')) = (department_id is null)`,
    )
    .execute();
  await db.schema
    .createIndex("staff_users_department_idx")
    .on("staff_users")
    .column("department_id")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("staff_users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", idType, id)
    .addColumn("occurred_at", "text", (c) => c.notNull())
    .addColumn("actor_user_id", "integer", (c) => c.references("staff_users.id"))
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity_type", "text")
    .addColumn("entity_id", "text")
    .addColumn("detail", "text")
    .execute();
  await db.schema
    .createIndex("audit_events_department_time_idx")
    .on("audit_events")
    .columns(["department_id", "occurred_at"])
    .execute();

  // Append-only: the database itself refuses to change or remove an audit event.
  if (pg) {
    await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_events is append-only'; end; $$`.execute(db);
    await sql`create trigger audit_events_no_update before update or delete on audit_events
      for each row execute function audit_events_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
    await sql`create trigger audit_events_no_delete before delete on audit_events
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists audit_events_no_update on audit_events`.execute(db);
    await sql`drop function if exists audit_events_append_only()`.execute(db);
  }
  for (const t of ["audit_events", "sessions", "staff_users", "services", "departments"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
