import { pathToFileURL } from "node:url";
import { Migrator } from "kysely";
import type { Db } from "./client";
import { migrations } from "./migrations/index";

/**
 * Runs every pending migration; throws on the first failure. On Postgres, `schema` keeps Kysely's
 * own bookkeeping tables in that schema (tests run side by side, each in a schema of its own).
 */
export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

async function main(): Promise<undefined> {
  const { parseCliArgs } = await import("../scripts/cli");
  parseCliArgs({ options: {} }, "Usage: npm run db:migrate");
  const { loadEnv } = await import("../app/utils/env.server");
  const { createDb } = await import("./client");
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    const ran = await migrateToLatest(db);
    console.log(ran.length ? `Migrated: ${ran.join(", ")}` : "Database is up to date.");
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void import("../scripts/cli").then(({ runCli }) => runCli("db:migrate", main));
}
