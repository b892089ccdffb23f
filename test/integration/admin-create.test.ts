import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { prepareDatabase } from "../../scripts/start-db";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { signInAs } from "../setup/session";

const LIMIT_MS = 60_000;

interface Run {
  code: number | null;
  out: string;
}

/** `npm run <script> -- <args>` with `stdin` piped in, in a process group of its own. */
function run(script: string, args: string[], env: Record<string, string>, stdin: string): Promise<Run> {
  const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d.toString();
  });
  child.stderr.on("data", (d) => {
    out += d.toString();
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, LIMIT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.each(DB_KINDS)("npm run admin:create [%s]", (kind) => {
  const app = useTestApp(kind);
  const env = () => ({
    DATABASE_URL: app.t.processUrl,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "pledge-admin-")),
    REDIS_URL: TEST_REDIS_URL,
    PII_KEY: TEST_PII_KEY,
  });
  const staff = () =>
    app.db
      .selectFrom("staff_users")
      .select(["username", "role", "department_id", "email"])
      .orderBy("id")
      .execute();

  it(
    "creates a system administrator from a password on standard input, who can then sign in",
    async () => {
      const before = await staff();
      const e = env();
      const created = await run(
        "admin:create",
        ["--username", "Chief.Admin", "--name", "Chief Administrator", "--email", "chief@gov.hk"],
        e,
        "a long first passphrase\n",
      );
      expect(created.code, created.out).toBe(0);
      expect(created.out).toContain('Created system administrator "chief.admin"');
      expect(created.out).not.toContain("a long first passphrase");
      const after = await staff();
      expect(after.slice(before.length)).toEqual([
        { username: "chief.admin", role: "system_admin", department_id: null, email: "chief@gov.hk" },
      ]);
      const audit = await app.db
        .selectFrom("audit_events")
        .select(["action", "actor_user_id", "detail"])
        .where("action", "=", "staff.create")
        .execute();
      expect(audit).toEqual([
        {
          action: "staff.create",
          actor_user_id: null,
          detail: JSON.stringify({ role: "system_admin", email: true, via: "command-line" }),
        },
      ]);
      // Signed in through the real sign-in action, with the password that was piped.
      expect(await signInAs(app.c, "chief.admin", "a long first passphrase")).toMatch(/./);

      // Refused, nothing written: a username in use (in any case), a short password, none at all,
      // a password given as an argument, a malformed address.
      const refusals = [
        await run("admin:create", ["--username", "CHIEF.ADMIN"], e, "another long passphrase\n"),
        await run("admin:create", ["--username", "second.admin"], e, "short\n"),
        await run("admin:create", ["--username", "second.admin"], e, ""),
        await run("admin:create", ["--username", "second.admin", "--password", "a long passphrase"], e, ""),
        await run(
          "admin:create",
          ["--username", "second.admin", "--email", "nope"],
          e,
          "a long passphrase\n",
        ),
        await run("admin:create", [], e, "a long passphrase\n"),
      ];
      expect(refusals.map((r) => r.code)).toEqual([1, 1, 1, 2, 1, 2]);
      expect(refusals[0]!.out).toContain("This username is already in use");
      expect(refusals[1]!.out).toContain("The password must be at least 8 characters");
      expect(refusals[2]!.out).toContain("No password was given");
      expect(refusals[3]!.out).toContain("The password is never an argument");
      expect(refusals[4]!.out).toContain("--email: Enter an e-mail address");
      expect(refusals[5]!.out).toContain("--username is required");
      for (const r of refusals) expect(r.out).not.toMatch(/\n\s+at /);
      expect(await staff()).toEqual(after);
      fs.rmSync(e.DATA_DIR, { recursive: true, force: true });
    },
    8 * LIMIT_MS,
  );
});

describe("a production database starts empty", () => {
  let dir: string | undefined;
  let db: Db | undefined;
  let child: ChildProcess | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    child = undefined;
    await db?.destroy();
    db = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (prefix) {
      const redis = new Redis(TEST_REDIS_URL);
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });

  const counts = async (d: Db) => ({
    departments: Number(
      (
        await d
          .selectFrom("departments")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    staff: Number(
      (
        await d
          .selectFrom("staff_users")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  /** Starts `npm run <script> -- <args>` and waits until the web process listens. */
  async function startUntilListening(script: string, args: string[], env: Record<string, string>) {
    let out = "";
    const c = spawn("npm", ["run", "--silent", script, "--", ...args], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = c;
    c.stdout?.on("data", (d) => {
      out += d.toString();
    });
    c.stderr?.on("data", (d) => {
      out += d.toString();
    });
    const deadline = Date.now() + 3 * LIMIT_MS;
    while (!/listening on http:\/\/localhost:\d+/.test(out) && c.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(out, out).toMatch(/listening on http:\/\/localhost:\d+/);
    return out;
  }

  it(
    "`npm start -- --no-demo` and `npm run start:web` seed nothing; the first administrator keeps the demo away",
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-empty-"));
      prefix = testPrefix();
      const file = path.join(dir, "pledge.sqlite");
      const env = {
        DATABASE_URL: file,
        DATA_DIR: dir,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        PII_KEY: TEST_PII_KEY,
      };
      const out = await startUntilListening("start", ["--no-demo"], env);
      expect(out).toContain("No demo data (--no-demo): the database is empty.");
      expect(out).not.toContain("Demo accounts");
      db = createDb(file);
      expect(await counts(db)).toEqual({ departments: 0, staff: 0 });
      const stopped = new Promise((r) => child?.once("exit", r));
      process.kill(-child!.pid!, "SIGTERM");
      await stopped;

      await startUntilListening("start:web", [], env);
      expect(await counts(db)).toEqual({ departments: 0, staff: 0 });

      // An administrator from admin:create, no department yet: `npm start`'s demo leaves it alone.
      const lines = await prepareDatabase(db, { demo: false, piiKey: TEST_PII_KEY });
      expect(lines[1]).toContain("npm run admin:create -- --username NAME");
      const made = await run("admin:create", ["--username", "first.admin"], env, "first admin passphrase\n");
      expect(made.code, made.out).toBe(0);
      expect(await prepareDatabase(db, { demo: true, piiKey: TEST_PII_KEY })).toEqual([]);
      expect(await counts(db)).toEqual({ departments: 0, staff: 1 });
    },
    8 * LIMIT_MS,
  );

  it("`npm start` without --no-demo still seeds an empty database for the demo", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-demo-"));
    db = createDb(path.join(dir, "pledge.sqlite"));
    await migrateToLatest(db);
    const lines = await prepareDatabase(db, { demo: true, piiKey: TEST_PII_KEY });
    expect(lines[0]).toMatch(/^First start: seeded \d+ departments and \d+ demo accounts\.$/);
    expect(lines.at(-1)).toContain("Demo accounts");
    expect((await counts(db)).departments).toBeGreaterThan(0);
    // Started again: nothing more seeded, the demo accounts reminded.
    const again = await prepareDatabase(db, { demo: true, piiKey: TEST_PII_KEY });
    expect(again).toHaveLength(1);
    expect(again[0]).toContain("Demo accounts");
  }, 180_000);
});
