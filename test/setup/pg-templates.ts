import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { seed } from "../../db/seed";

/**
 * End-to-end tests on Postgres: the global setup builds two template databases (seeded; seeded
 * with twelve months of demo activity) once per run, and each server under test gets its own
 * database made from one with `CREATE DATABASE … TEMPLATE …` (a file copy in the server: a
 * fraction of a second, where seeding the demo activity takes about 13 s).
 */
const NAMES_FILE = path.resolve(".cache/test/pg-templates.json");
const TEST_PII_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdDA=";

interface Templates {
  /** this run's id: every database of the run is named pledge_…_<id>… */
  id: string;
  plain: string;
  demo: string;
}

function baseUrl(): string {
  const base = process.env.TEST_DATABASE_URL;
  if (!base)
    throw new Error("E2E_DATABASE=postgres needs TEST_DATABASE_URL (a Postgres to make databases in)");
  return base;
}

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  const u = new URL(baseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let built: Promise<void> | undefined;

/** Builds the two templates once per process (vitest may run the global setup once per project). */
export function buildPostgresTemplates(): Promise<void> {
  built ??= build();
  return built;
}

async function build(): Promise<void> {
  await dropLeftovers();
  const id = `${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const names: Templates = { id, plain: `pledge_tmpl_${id}`, demo: `pledge_tmpl_demo_${id}` };
  for (const [name, activity] of [
    [names.plain, false],
    [names.demo, true],
  ] as const) {
    await admin((c) => c.query(`create database ${name}`));
    const db = createDb(databaseUrl(name), { poolSize: 2 });
    try {
      await migrateToLatest(db);
      await seed(db, { activity, piiKey: TEST_PII_KEY });
    } finally {
      await db.destroy();
    }
  }
  fs.mkdirSync(path.dirname(NAMES_FILE), { recursive: true });
  fs.writeFileSync(NAMES_FILE, JSON.stringify(names));
}

/**
 * Drops the templates and test databases of runs whose process is gone (the pid is in the name):
 * a teardown that did not finish, a run that was killed.
 */
async function dropLeftovers(): Promise<void> {
  await admin(async (c) => {
    const all = await c.query<{ datname: string }>(
      "select datname from pg_database where datname ~ '^pledge_(tmpl_|tmpl_demo_|e2e_)[0-9]+_'",
    );
    for (const { datname } of all.rows) {
      const pid = Number(datname.match(/_(\d+)_/)?.[1]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (!alive || pid === process.pid)
        await c.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
    }
  });
}

export async function dropPostgresTemplates(): Promise<void> {
  built = undefined;
  await dropLeftovers();
  fs.rmSync(NAMES_FILE, { force: true });
}

/** A new database copied from a template; its URL and how to drop it. */
export async function postgresFromTemplate(
  demoActivity: boolean,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (!fs.existsSync(NAMES_FILE))
    throw new Error("No Postgres templates: E2E_DATABASE=postgres must be set for the whole vitest run");
  const names = JSON.parse(fs.readFileSync(NAMES_FILE, "utf8")) as Templates;
  const name = `pledge_e2e_${names.id}_${crypto.randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`create database ${name} template ${demoActivity ? names.demo : names.plain}`));
  return {
    url: databaseUrl(name),
    // Not forced: a test may still hold a connection (it closes its own after the server stops);
    // then the global teardown drops it.
    drop: () =>
      admin(async (c) => {
        await c.query(`drop database if exists ${name}`).catch(() => undefined);
      }),
  };
}
