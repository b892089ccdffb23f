import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { DEMO_TEMPLATE_DB, TEST_PII_KEY } from "../setup/global-setup";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * Every command-line script (`npm run <script>`) that is not a server ends by itself with its
 * status: 0 when it did its work, non-zero with a clear message when it could not. A script that
 * leaves a database pool or a Redis connection open never ends, and a scheduled run never finishes.
 */
const LIMIT_MS = 60_000;

interface Run {
  code: number | null;
  timedOut: boolean;
  out: string;
  ms: number;
}

describe("command-line scripts exit by themselves", () => {
  let dir: string;
  let dbFile: string;
  let prefix: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-cli-"));
    dbFile = path.join(dir, "pledge.sqlite");
    fs.copyFileSync(DEMO_TEMPLATE_DB, dbFile);
    prefix = testPrefix();
    env = {
      DATABASE_URL: dbFile,
      DATA_DIR: dir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run <script> -- <args>` in its own process group, killed (all of it) after LIMIT_MS. */
  function run(script: string, args: string[] = [], extra: Record<string, string> = {}): Promise<Run> {
    const started = Date.now();
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      env: { ...process.env, ...env, ...extra },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    child.stderr.on("data", (d) => {
      out += d.toString();
    });
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      }, LIMIT_MS);
      child.once("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, timedOut, out, ms: Date.now() - started });
      });
    });
  }

  const ok = (r: Run) => {
    expect({ timedOut: r.timedOut, code: r.code }, r.out).toEqual({ timedOut: false, code: 0 });
    // Ended because everything was closed, not because scripts/cli.ts gave up waiting.
    expect(r.out).not.toContain("still open");
  };

  it(
    "db:migrate and db:seed finish with 0",
    async () => {
      const migrate = await run("db:migrate");
      ok(migrate);
      expect(migrate.out).toContain("Database is up to date.");
      const seed = await run("db:seed");
      ok(seed);
      expect(seed.out).toContain("Seeded 0 departments");
    },
    2 * LIMIT_MS,
  );

  it(
    "purge:contacts finishes with 0",
    async () => {
      const purge = await run("purge:contacts");
      ok(purge);
      expect(purge.out).toMatch(/Contact details deleted from \d+ closed case\(s\); \d+ attachment/);
    },
    LIMIT_MS + 5_000,
  );

  it(
    "report builds a month here and finishes with 0",
    async () => {
      const r = await run("report", ["--month", "2026-10", "--department", "IMMD"]);
      ok(r);
      expect(r.out).toContain("IMMD 2026-10 report #");
    },
    LIMIT_MS + 5_000,
  );

  it(
    "report --queue waits for the worker, prints Done and finishes with 0",
    async () => {
      let worker: WorkerProcess | undefined;
      try {
        worker = await spawnWorker(env);
        const r = await run("report", ["--month", "2026-10", "--queue"]);
        ok(r);
        expect(r.out).toMatch(/Done in [\d.]+ s/);
      } finally {
        await worker?.stop("SIGKILL");
      }
    },
    2 * LIMIT_MS,
  );

  it(
    "backup and restore finish with 0",
    async () => {
      const backup = await run("backup");
      ok(backup);
      const made = fs.readdirSync(path.join(dir, "backups")).filter((d) => d.startsWith("pledge-"));
      expect(made).toHaveLength(1);
      const target = path.join(dir, "restored");
      const restore = await run("restore", [path.join(dir, "backups", made[0]!)], {
        DATA_DIR: target,
        DATABASE_URL: path.join(target, "pledge.sqlite"),
      });
      ok(restore);
      expect(fs.existsSync(path.join(target, "pledge.sqlite"))).toBe(true);
    },
    2 * LIMIT_MS,
  );

  it(
    "a bad argument: a non-zero status and a message that says what is wrong",
    async () => {
      const month = await run("report", ["--month", "2026-13"]);
      expect(month.timedOut).toBe(false);
      expect(month.code).not.toBe(0);
      expect(month.out).toContain("--month YYYY-MM");

      const unknown = await run("purge:contacts", ["--everything"]);
      expect(unknown.timedOut).toBe(false);
      expect(unknown.code).not.toBe(0);
      expect(unknown.out).toContain("--everything");
      expect(unknown.out).not.toMatch(/\n\s+at /); // a message, not a stack trace
    },
    2 * LIMIT_MS,
  );

  it(
    "a bad setting: a non-zero status naming the variable",
    async () => {
      const r = await run("db:migrate", [], { REDIS_PREFIX: "no spaces allowed" });
      expect(r.timedOut).toBe(false);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain("REDIS_PREFIX");
      expect(r.out).not.toMatch(/\n\s+at /);

      const purge = await run("purge:contacts", [], { RETENTION_OUTBOX_DAYS: "three months" });
      expect(purge.timedOut).toBe(false);
      expect(purge.code).not.toBe(0);
      expect(purge.out).toContain("RETENTION_OUTBOX_DAYS");
    },
    2 * LIMIT_MS,
  );
});
