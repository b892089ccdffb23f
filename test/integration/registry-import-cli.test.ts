import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { TEMPLATE_DB, TEST_PII_KEY } from "../setup/global-setup";
import { writeRegistryFolder } from "../setup/registry-folder";

/** `npm run import -- DIR` on a copy of the seeded template: no web, no worker, no Redis needed. */
describe("npm run import -- DIR", () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-import-cli-"));
    const dbFile = path.join(dir, "pledge.sqlite");
    fs.copyFileSync(TEMPLATE_DB, dbFile);
    env = {
      DATABASE_URL: dbFile,
      DATA_DIR: dir,
      PII_KEY: TEST_PII_KEY,
      LOG_LEVEL: "warn",
      REDIS_URL: "redis://127.0.0.1:1",
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn("npm", ["run", "--silent", "import", "--", ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d.toString();
      });
      child.stderr.on("data", (d) => {
        err += d.toString();
      });
      child.once("exit", (code) => resolve({ code, out, err }));
    });

  it("refuses a bad folder with exit 1 and each problem, then loads a good one and ends", async () => {
    const bad = writeRegistryFolder(path.join(dir, "bad"), {
      edit: { "transactions.csv": (l) => [...l, "TSTB-LIC,2025-02-03T09:00:00,2025-02-05T17:00:00+08:00"] },
    });
    const refused = await run([bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("Refused: nothing was stored");
    expect(refused.err).toMatch(/transactions\.csv, line 6, received_at: .*offset/);

    const good = writeRegistryFolder(path.join(dir, "good"));
    const loaded = await run([good]);
    expect(loaded.err).not.toContain("failed");
    expect(loaded.code).toBe(0);
    expect(loaded.out).toMatch(/pledges 4, transactions 4, survey_responses 3, readings 2/);
    const db = createDb(env.DATABASE_URL!);
    try {
      const n = await db
        .selectFrom("pledges")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("code", "like", "TST%")
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(4);
    } finally {
      await db.destroy();
    }
    const again = await run([good]);
    expect(again.code).toBe(0);
    expect(again.err).toContain("nothing new");
  }, 120_000);

  it("answers a missing folder with the usage line and status 2", async () => {
    const r = await run([path.join(dir, "no-such-folder")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Usage: npm run import -- DIR");
  }, 60_000);
});
