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
  /** A DATABASE_URL another process (a web server under test) can open: the same file or schema. */
  processUrl: string;
  cleanup(): Promise<void>;
}

/**
 * A fresh, migrated and seeded database of our own: a copied SQLite file, or a new Postgres schema.
 * With `{ seeded: false }` it is migrated only, as a production database starts.
 */
export async function freshDb(kind: TestDbKind, options: { seeded?: boolean } = {}): Promise<TestDb> {
  const seeded = options.seeded ?? true;
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-test-"));
    const file = path.join(dir, "test.sqlite");
    if (seeded) fs.copyFileSync(TEMPLATE_DB, file);
    const db = createDb(file);
    if (!seeded) await migrateToLatest(db);
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
    try {
      await c.query("select pg_advisory_lock($1)", [SCHEMA_DROP_LOCK]);
      await c.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await c.end();
    }
  };
  try {
    await migrateWhileNoSchemaIsDropped(base, db, schema);
    if (seeded) await seed(db);
  } catch (e) {
    await db.destroy();
    await dropSchema();
    throw e;
  }
  return {
    kind,
    db,
    url: base,
    processUrl: withSearchPath(base, schema),
    async cleanup() {
      await db.destroy();
      await dropSchema();
    },
  };
}

/** The Postgres URL with the schema first on search_path (libpq's `options`, which pg reads). */
function withSearchPath(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

/**
 * Tests side by side each drop their schema when done. Kysely's migrator starts by listing the
 * tables of every schema (its introspection joins pg_namespace with has_schema_privilege), and
 * that query fails with 'schema "t_…" does not exist' when a schema is dropped during it. So a
 * drop takes this advisory lock exclusively and a migration takes it shared: migrations still run
 * side by side, a drop waits for them (and they for it).
 */
const SCHEMA_DROP_LOCK = 7_302_118;

async function migrateWhileNoSchemaIsDropped(base: string, db: Db, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query("select pg_advisory_lock_shared($1)", [SCHEMA_DROP_LOCK]);
    await migrateToLatest(db, schema);
  } finally {
    await c.end();
  }
}
