// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Liaison groups and user committees (issue 16): a department's standing groups that give it
 * feedback, the services each covers, and each meeting's date and short bilingual summary. The
 * review's evidence for "liaison groups" is read from here. Nothing is deleted: a disbanded group
 * has is_active = 0 and keeps its meetings.
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable("liaison_groups")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('liaison-group','user-committee')`))
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .execute();
  await db.schema
    .createIndex("liaison_groups_department_idx")
    .on("liaison_groups")
    .columns(["department_id", "is_active"])
    .execute();
  await db.schema
    .createTable("liaison_group_services")
    .addColumn("group_id", "integer", (c) => c.notNull().references("liaison_groups.id").onDelete("cascade"))
    .addColumn("service_id", "integer", (c) => c.notNull().references("services.id"))
    .addPrimaryKeyConstraint("liaison_group_services_pk", ["group_id", "service_id"])
    .execute();
  await db.schema
    .createTable("liaison_meetings")
    .addColumn("id", idType, id)
    .addColumn("group_id", "integer", (c) => c.notNull().references("liaison_groups.id").onDelete("cascade"))
    // YYYY-MM-DD
    .addColumn("met_on", "text", (c) => c.notNull())
    .addColumn("summary_en", "text", (c) => c.notNull())
    .addColumn("summary_zh", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .execute();
  // The group page lists its meetings by date; the review reads meetings within a period.
  await db.schema
    .createIndex("liaison_meetings_group_idx")
    .on("liaison_meetings")
    .columns(["group_id", "met_on"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("liaison_meetings").ifExists().execute();
  await db.schema.dropTable("liaison_group_services").ifExists().execute();
  await db.schema.dropTable("liaison_groups").ifExists().execute();
}
