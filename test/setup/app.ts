import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { afterEach, beforeEach } from "vitest";
import type { Db } from "../../db/client";
import { makeContext, type TestContext } from "./context";
import { freshDb, type TestDb, type TestDbKind } from "./db";

export interface TestAppOptions {
  /** Environment for the request context (over the test defaults). */
  env?: Record<string, string>;
  /** A data directory of this test's own (attachments, backups), as DATA_DIR. */
  dataDir?: boolean;
  clientAddress?: string;
  /** An empty database (migrated, no demo data), as production starts. */
  empty?: boolean;
}

/** What a test gets from `useTestApp`: read its fields inside a test or a hook, never at the top. */
export interface TestApp {
  /** The test's own database: a copied SQLite file or a new Postgres schema. */
  readonly t: TestDb;
  /** The request context and CSRF token a loader or action gets from the server. */
  readonly c: TestContext;
  readonly db: Db;
  readonly context: AppLoadContext;
  readonly csrfToken: string;
  /** This test's DATA_DIR, when asked for with `{ dataDir: true }`. */
  readonly dataDir: string;
}

/**
 * A fresh seeded database and a request context for every test of the describe block it is called
 * in, closed and deleted after each: the before/after block every integration test used to repeat.
 * Register it first in the block, so that the block's own `afterEach` hooks run before it closes.
 */
export function useTestApp(kind: TestDbKind, options: TestAppOptions = {}): TestApp {
  let t: TestDb | undefined;
  let c: TestContext | undefined;
  let dataDir: string | undefined;
  beforeEach(async () => {
    t = await freshDb(kind, { seeded: !options.empty });
    dataDir = options.dataDir ? fs.mkdtempSync(path.join(os.tmpdir(), "pledge-data-")) : undefined;
    c = makeContext(t.db, {
      clientAddress: options.clientAddress,
      env: { ...(dataDir ? { DATA_DIR: dataDir } : {}), ...options.env },
    });
  });
  afterEach(async () => {
    await c?.close();
    await t?.cleanup();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    t = undefined;
    c = undefined;
    dataDir = undefined;
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestApp: ${what} is only there inside a test or a hook`);
    return value;
  };
  return {
    get t() {
      return need(t, "the database");
    },
    get c() {
      return need(c, "the context");
    },
    get db() {
      return need(t, "the database").db;
    },
    get context() {
      return need(c, "the context").context;
    },
    get csrfToken() {
      return need(c, "the context").csrfToken;
    },
    get dataDir() {
      return need(dataDir, "the data directory (ask with { dataDir: true })");
    },
  };
}
