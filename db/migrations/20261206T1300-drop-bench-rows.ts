// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * The submission benchmark's table leaves the production database: the web's /bench/bare route
 * created it on first use (with PLEDGE_BENCH=1); scripts/bench-submit.ts now builds its own app
 * and table on a throwaway copy.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.dropTable("bench_rows").ifExists().execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("bench_rows")
    .ifNotExists()
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
}
