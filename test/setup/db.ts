import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../../db/seed";

const TEMPLATE_DB = path.resolve(".cache/test/template.sqlite");

export type TestDbKind = "sqlite" | "postgres";

/** SQLite always; Postgres too when TEST_DATABASE_URL is set (CI sets it). */
export const DB_KINDS: TestDbKind[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

export interface TestDb {
  kind: TestDbKind;
  db: Db;
  url: string;
  /** the same database for another process (a spawned worker or script): the file, or the URL with this test's schema first on search_path */
  processUrl: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated and seeded database of our own: a copied SQLite file, or a new Postgres schema. */
export async function freshDb(kind: TestDbKind): Promise<TestDb> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-test-"));
    const file = path.join(dir, "test.sqlite");
    fs.copyFileSync(TEMPLATE_DB, file);
    const db = createDb(file);
    return {
      kind,
      db,
      url: file,
      processUrl: file,
      async cleanup() {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDb(base, { pgSchema: schema, poolSize: 4 });
  const dropSchema = async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  };
  try {
    await migrateToLatest(db, schema);
    await seed(db);
  } catch (e) {
    await db.destroy();
    await dropSchema();
    throw e;
  }
  return {
    kind,
    db,
    url: base,
    processUrl: `${base}${base.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async cleanup() {
      await db.destroy();
      await dropSchema();
    },
  };
}
