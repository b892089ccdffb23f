// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * The government-wide summary of a month (issue 6), built by the parent job of the monthly fan-out
 * once every department's report is done: one row per month, rebuilt in place if run again.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("government_summaries")
    // YYYY-MM, Hong Kong time
    .addColumn("month", "text", (c) => c.primaryKey())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("generated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("government_summaries").ifExists().execute();
}
