import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "./context";
import { postgresFromTemplate } from "./pg-templates";
import { pledgeCommand } from "./worker-process";

const TEMPLATE_DB = path.resolve(".cache/test/template.sqlite");
const DEMO_TEMPLATE_DB = path.resolve(".cache/test/template-demo.sqlite");

export interface RunningServer {
  baseUrl: string;
  /** the server's DATABASE_URL: a SQLite file, or (E2E_DATABASE=postgres) a Postgres database */
  dbPath: string;
  /** its DATA_DIR (generated keys, attachments) */
  dataDir: string;
  /** the web process's pid (to read its memory from /proc) */
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** The database end-to-end tests run on: SQLite, or Postgres with E2E_DATABASE=postgres. */
export const E2E_DATABASE: "sqlite" | "postgres" =
  process.env.E2E_DATABASE === "postgres" ? "postgres" : "sqlite";

/**
 * Starts the real web process (server.ts over the production build) on a free port, on a copy
 * of the seeded template database (a SQLite file, or with E2E_DATABASE=postgres a Postgres
 * database made from a template) and a Redis prefix of its own.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { demoActivity?: boolean } = {},
): Promise<RunningServer> {
  if (!fs.existsSync("build/index.js"))
    throw new Error("No build: run `npm run build` (npm test does it first)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-e2e-"));
  let db = path.join(dir, "pledge.sqlite");
  let dropDb = async (): Promise<void> => undefined;
  if (E2E_DATABASE === "postgres") {
    const made = await postgresFromTemplate(options.demoActivity ?? false);
    db = made.url;
    dropDb = made.drop;
  } else fs.copyFileSync(options.demoActivity ? DEMO_TEMPLATE_DB : TEMPLATE_DB, db);
  const prefix = testPrefix();
  let out = "";
  const child: ChildProcess = spawn(process.execPath, pledgeCommand("web"), {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      DATABASE_URL: db,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = out.match(/listening on http:\/\/localhost:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    baseUrl: `http://localhost:${port}`,
    dbPath: db,
    dataDir: dir,
    pid: child.pid ?? 0,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await redis.connect();
        await deletePrefix(redis, prefix);
      } catch {
        // Redis may be the thing a test stopped; nothing of ours to delete then.
      } finally {
        redis.disconnect();
      }
      await dropDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
