import fs from "node:fs";
import path from "node:path";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../../db/seed";

export const TEMPLATE_DIR = path.resolve(".cache/test");
export const TEMPLATE_DB = path.join(TEMPLATE_DIR, "template.sqlite");

/**
 * Builds one migrated, seeded SQLite file; every test copies it (epic-stack's approach), which
 * is far faster than migrating per test.
 */
export default async function setup() {
  fs.mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(TEMPLATE_DB + suffix, { force: true });
  const db = createDb(TEMPLATE_DB);
  await migrateToLatest(db);
  await seed(db);
  await db.destroy(); // closing checkpoints the WAL into the main file
}
