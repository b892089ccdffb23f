import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { TEST_PII_KEY } from "../setup/global-setup";

/**
 * The production bundles (scripts/bundle.ts, ADR 0015) run with plain `node`: no tsx, no
 * TypeScript at run time. `npm test` builds first; run alone, this test builds when the bundles
 * are missing.
 */
const TEMPLATE_DB = path.resolve(".cache/test/template.sqlite");

function runNode(file: string, env: Record<string, string>, ready: RegExp) {
  // No NODE_OPTIONS from the test runner: the bundle must stand on its own.
  const { NODE_OPTIONS: _ignored, ...parentEnv } = process.env;
  const child: ChildProcess = spawn(process.execPath, [file], {
    env: { ...parentEnv, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const started = new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${out}`)), 20_000);
    child.stdout?.on("data", () => {
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}:\n${out}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    return exited;
  };
  return { child, started, stop, output: () => out };
}

describe("production bundles", () => {
  let dir: string;
  let prefix: string;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!fs.existsSync("build/server/web.js") || !fs.existsSync("build/index.js")) {
      const r = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
      if (r.status !== 0) throw new Error("npm run build failed");
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bundles-"));
    fs.copyFileSync(TEMPLATE_DB, path.join(dir, "pledge.sqlite"));
    prefix = testPrefix();
    env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      DATABASE_URL: path.join(dir, "pledge.sqlite"),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
    };
  }, 120_000);

  afterAll(async () => {
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("no bundle imports tsx or a TypeScript file", () => {
    for (const name of ["web", "worker", "migrate", "report", "import", "backup", "admin-create"]) {
      const code = fs.readFileSync(`build/server/${name}.js`, "utf8");
      expect(code, name).not.toMatch(/from\s+["'](tsx|[^"']+\.tsx?)["']/);
    }
  });

  it("the web bundle serves the home page and a survey page", async () => {
    const web = runNode("build/server/web.js", env, /Pledge web listening on http:\/\/localhost:(\d+)/);
    try {
      const base = `http://127.0.0.1:${(await web.started)[1]}`;
      const home = await fetch(`${base}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("<html");
      const slug = (
        new Database(env.DATABASE_URL!, { readonly: true })
          .prepare("SELECT slug FROM surveys WHERE status = 'published' LIMIT 1")
          .get() as { slug: string }
      ).slug;
      const page = await fetch(`${base}/s/${slug}`);
      expect(page.status).toBe(200);
      expect((await fetch(`${base}/build/nonexistent.js`)).status).toBe(404);
    } finally {
      expect(await web.stop()).toBe(0);
    }
  });

  it("the worker bundle starts, says it is ready and stops on SIGTERM", async () => {
    const worker = runNode("build/server/worker.js", env, /Pledge worker ready: (\d+) queue/);
    try {
      expect(Number((await worker.started)[1])).toBeGreaterThan(0);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
    expect(worker.output()).toContain("Pledge worker stopped.");
  });

  it("an operator program runs from its bundle in production (scripts/run.mjs)", () => {
    const { NODE_OPTIONS: _ignored, ...parentEnv } = process.env;
    const r = spawnSync(process.execPath, ["scripts/run.mjs", "migrate"], {
      env: { ...parentEnv, ...env, NODE_ENV: "production" },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Database is up to date.");
    expect(r.status).toBe(0);
  });
});
