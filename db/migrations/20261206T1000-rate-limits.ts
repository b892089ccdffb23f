// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Rate-limit counters kept in the database while Redis is down (sign-in, case tracking): one row
 * per limiter and key (an HMAC, never a raw address or user name), the points used in the current
 * window and when that window ends. Ended windows are deleted as new ones start.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("points", "integer", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("rate_limits_expires_idx").on("rate_limits").column("expires_at").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("rate_limits").ifExists().execute();
}
