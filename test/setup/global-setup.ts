import fs from "node:fs";
import path from "node:path";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../../db/seed";
import { buildPostgresTemplates, dropPostgresTemplates } from "./pg-templates";

export const TEMPLATE_DIR = path.resolve(".cache/test");
export const TEMPLATE_DB = path.join(TEMPLATE_DIR, "template.sqlite");
/** The same plus twelve months of demo activity behind the pledges (for pages that show results). */
export const DEMO_TEMPLATE_DB = path.join(TEMPLATE_DIR, "template-demo.sqlite");
export const TEST_PII_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdDA=";

/**
 * Builds one migrated, seeded SQLite file; every test copies it (epic-stack's approach), which
 * is far faster than migrating per test.
 */
export default async function setup() {
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const [file, activity] of [
    [TEMPLATE_DB, false],
    [DEMO_TEMPLATE_DB, true],
  ] as const) {
    // Build under a temporary name and rename: a concurrent run never copies a half-built file.
    const tmp = `${file}.${process.pid}.tmp`;
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(tmp + suffix, { force: true });
    const db = createDb(tmp);
    await migrateToLatest(db);
    await seed(db, { activity, piiKey: TEST_PII_KEY });
    await db.destroy(); // closing checkpoints the WAL into the main file
    fs.renameSync(tmp, file);
  }
  // End-to-end tests on Postgres (E2E_DATABASE=postgres): the same two databases, as templates.
  if (process.env.E2E_DATABASE === "postgres") await buildPostgresTemplates();
}

export async function teardown() {
  if (process.env.E2E_DATABASE === "postgres") await dropPostgresTemplates();
}
