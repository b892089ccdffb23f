/**
 * The HTTP part of `npm run bench`: the product and the two bare references started as production
 * runs them, each pinned to core 0 (`taskset -c 0`); the load generator (autocannon, bench/load.ts)
 * a child process pinned to core 1.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Redis } from "ioredis";

export const ROOT = path.resolve(import.meta.dirname, "..");
const REF = path.join(ROOT, "bench/reference");
const TEMPLATE_DEMO_DB = path.join(ROOT, ".cache/test/template-demo.sqlite");
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export type ServerName = "product" | "remix" | "node";

export interface HttpTarget {
  name: string;
  server: ServerName;
  method: "GET" | "POST";
  path: string;
  /** POST bodies: `[<id>]` becomes a unique id per request */
  body?: string;
  /** the reference it is judged against, and the least ratio the issue asks for */
  ref?: string;
  goal?: number;
  /** also measured at half its own maximum rate, for p99 at half load */
  half?: boolean;
  describe: string;
}

export const HTTP_TARGETS: HttpTarget[] = [
  {
    name: "survey-page",
    server: "product",
    method: "GET",
    path: "/s/immdcsat?p=immdcsatctr",
    ref: "bare-page",
    goal: 0.8,
    half: true,
    describe: "survey page /s/<slug>",
  },
  {
    name: "survey-submit",
    server: "product",
    method: "POST",
    path: "/s/immdcsat?p=immdcsatctr",
    ref: "bare-action",
    goal: 0.9,
    half: true,
    describe: "survey submission (POST, unique answers)",
  },
  {
    name: "home",
    server: "product",
    method: "GET",
    path: "/",
    ref: "bare-page",
    goal: 0.8,
    half: true,
    describe: "home page /",
  },
  {
    name: "pledges",
    server: "product",
    method: "GET",
    path: "/pledges",
    ref: "bare-page",
    goal: 0.5,
    describe: "public /pledges",
  },
  {
    name: "pledges-dept",
    server: "product",
    method: "GET",
    path: "/pledges/IMMD",
    ref: "bare-page",
    goal: 0.5,
    describe: "public /pledges/<DEPT>",
  },
  {
    name: "track",
    server: "product",
    method: "GET",
    path: "/track",
    ref: "bare-page",
    goal: 0.5,
    describe: "public /track",
  },
  {
    name: "complaints-new",
    server: "product",
    method: "GET",
    path: "/complaints/new",
    ref: "bare-page",
    goal: 0.5,
    describe: "public /complaints/new",
  },
  {
    name: "bare-page",
    server: "remix",
    method: "GET",
    path: "/",
    half: true,
    describe: "bare Remix 2 page (loader)",
  },
  {
    name: "bare-action",
    server: "remix",
    method: "POST",
    path: "/submit",
    body: "value=bench-[<id>]",
    half: true,
    describe: "bare Remix 2 action (form, 1 insert, 303)",
  },
  { name: "node-page", server: "node", method: "GET", path: "/", describe: "bare node:http page" },
  {
    name: "node-action",
    server: "node",
    method: "POST",
    path: "/submit",
    body: "value=bench-[<id>]",
    describe: "bare node:http POST, prepared better-sqlite3 insert",
  },
];

export interface RunningServer {
  name: ServerName;
  baseUrl: string;
  pid: number;
  dir: string;
  dbPath: string;
  output(): string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], cwd: string) {
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
}

/** Builds what the servers need when it is missing (or always with `rebuild`). */
export async function prepare(rebuild: boolean): Promise<void> {
  if (rebuild || !fs.existsSync(path.join(ROOT, "build/index.js"))) {
    console.log("building the product (npx remix build)…");
    run("npx", ["remix", "build"], ROOT);
  }
  if (rebuild || !fs.existsSync(path.join(REF, "remix/build/index.js"))) {
    console.log("building the bare Remix reference…");
    run("npx", ["remix", "build"], path.join(REF, "remix"));
  }
  if (!fs.existsSync(TEMPLATE_DEMO_DB)) {
    console.log("building the seeded template databases (test/setup/global-setup.ts)…");
    const { default: setup } = await import("../test/setup/global-setup");
    await setup();
  }
}

async function spawnServer(
  name: ServerName,
  args: string[],
  env: Record<string, string>,
  dir: string,
  dbPath: string,
  cleanup: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  let out = "";
  const child: ChildProcess = spawn("taskset", ["-c", "0", process.execPath, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 30_000);
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
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
  return {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    dir,
    dbPath,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(t);
      }
      await cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes this run's Redis keys (its own prefix only). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } catch {
    // nothing of ours to delete when Redis is away
  } finally {
    redis.disconnect();
  }
}

/**
 * The product as production starts it (COMMON.md contract 1): `node build/server/web.js` when the
 * bundle exists, else `node --import tsx server.ts`; its own DATA_DIR with a copy of the seeded
 * demo database, its own Redis prefix, the survey rate limits raised so the bench measures
 * answers, not 429s.
 */
/** The node flags `npm run start:web` gives the web process (its heap cap), read from package.json. */
function productionNodeArgs(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const heap = /--max-old-space-size=\$\{WEB_HEAP_MB:-(\d+)\}/.exec(pkg.scripts["start:web"] ?? "");
  return heap ? [`--max-old-space-size=${process.env.WEB_HEAP_MB ?? heap[1]}`] : [];
}

export async function startProduct(extraEnv: Record<string, string> = {}, dbFrom = TEMPLATE_DEMO_DB) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-web-"));
  const dbPath = path.join(dir, "pledge.sqlite");
  fs.copyFileSync(dbFrom, dbPath);
  const prefix = `bench-${process.pid}-${Date.now().toString(36)}:`;
  const bundle = path.join(ROOT, "build/server/web.js");
  const args = [
    ...productionNodeArgs(),
    ...(fs.existsSync(bundle) ? [bundle] : ["--import", "tsx", "server.ts"]),
  ];
  const server = await spawnServer(
    "product",
    [...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), ...args],
    {
      DATA_DIR: dir,
      DATABASE_URL: dbPath,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: "warn",
      SURVEY_RATE_PER_ADDRESS: "1000000000",
      SURVEY_RATE_PER_POINT: "1000000000",
      ...extraEnv,
    },
    dir,
    dbPath,
    () => deleteRedisPrefix(prefix),
  );
  return Object.assign(server, { startedWith: args.join(" ") });
}

export async function startRemixReference() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-remix-"));
  const dbPath = path.join(dir, "ref.sqlite");
  return spawnServer("remix", [path.join(REF, "remix/server.mjs")], { BENCH_REF_DB: dbPath }, dir, dbPath);
}

export async function startNodeReference() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-node-"));
  const dbPath = path.join(dir, "ref.sqlite");
  return spawnServer("node", [path.join(REF, "node-http.mjs")], { BENCH_REF_DB: dbPath }, dir, dbPath);
}

/** The survey form's body for the seeded immdcsat survey, with a unique comment per request. */
export function surveyBody(dbPath: string): string {
  const db = new SQLite(dbPath, { readonly: true });
  try {
    const s = db.prepare("select current_version_id as v from surveys where slug = 'immdcsat'").get() as {
      v: number;
    };
    const qs = db
      .prepare("select id, question_key as k from survey_questions where version_id = ?")
      .all(s.v) as { id: number; k: string }[];
    const q = Object.fromEntries(qs.map((x) => [x.k, `q${x.id}`]));
    return new URLSearchParams({
      versionId: String(s.v),
      p: "immdcsatctr",
      [q.overall!]: "4",
      [q.courtesy!]: "5",
      [q.waiting!]: "3",
      [q.clarity!]: "4",
      [q.comments!]: "Quick and friendly service XIDX",
    })
      .toString()
      .replace("XIDX", "[<id>]");
  } finally {
    db.close();
  }
}

export interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

/** One autocannon run in a child process pinned to core 1. */
export function load(options: {
  url: string;
  method: "GET" | "POST";
  body?: string;
  connections: number;
  duration: number;
  overallRate?: number;
}): Promise<LoadResult> {
  const headers: Record<string, string> = {};
  if (options.method === "POST") {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.origin = new URL(options.url).origin;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      "taskset",
      [
        "-c",
        "1",
        process.execPath,
        "--import",
        "tsx",
        path.join(ROOT, "bench/load.ts"),
        JSON.stringify({ ...options, headers }),
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    child.stderr.on("data", (d) => {
      err += d.toString();
    });
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`load generator failed (${code}): ${err}${out}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}
