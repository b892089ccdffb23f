// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Departments and services administered in the product (issue 12): a department's kind (a
 * policy bureau or a department), whether a service is a direct public service, and an active
 * flag on both. Deactivating hides a department or service from new work and keeps its history:
 * nothing is ever deleted.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("departments")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("department"))
    .execute();
  await db.schema
    .alterTable("departments")
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable("services")
    .addColumn("is_public", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable("services")
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("services").dropColumn("is_active").execute();
  await db.schema.alterTable("services").dropColumn("is_public").execute();
  await db.schema.alterTable("departments").dropColumn("is_active").execute();
  await db.schema.alterTable("departments").dropColumn("kind").execute();
}
