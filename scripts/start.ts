/**
 * `npm start [-- --no-demo]`: builds if needed, migrates, seeds an empty database with the demo
 * (not with --no-demo: see scripts/start-db.ts), then runs the web server and the worker
 * together. Ctrl-C stops both cleanly.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { parseCliArgs, UsageError } from "./cli";
import { prepareDatabase } from "./start-db";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const out = path.resolve("build/index.js");
  if (!fs.existsSync(out)) return true;
  const built = fs.statSync(out).mtimeMs;
  return ["app", "db"].some((d) => newestMtime(path.resolve(d)) > built);
}

async function main() {
  const { values } = parseCliArgs(
    { options: { "no-demo": { type: "boolean" } } },
    "Usage: npm start [-- --no-demo]",
  );
  const env = loadEnv();
  if (needsBuild()) {
    console.log("Building the app…");
    const r = spawnSync(
      process.execPath,
      [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "build"],
      {
        stdio: "inherit",
      },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const db = createDb(env.DATABASE_URL);
  try {
    const lines = await prepareDatabase(db, { demo: !values["no-demo"], piiKey: env.PII_KEY });
    for (const line of lines) console.log(line);
  } finally {
    await db.destroy();
  }

  const children: ChildProcess[] = [];
  const run = (name: string, file: string) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      stdio: "inherit",
      env: { ...process.env, PLEDGE_PROCESS: name },
    });
    child.on("exit", (code, signal) => {
      if (!stopping) {
        console.error(`The ${name} process ended (${signal ?? code}); stopping.`);
        stop("child-exit", code ?? 1);
      }
    });
    children.push(child);
  };
  let stopping = false;
  const stop = (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    if (why !== "child-exit") console.log("Stopping web and worker…");
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    let left = children.filter((c) => c.exitCode === null).length;
    if (left === 0) process.exit(code);
    for (const c of children)
      c.once("exit", () => {
        left -= 1;
        if (left <= 0) process.exit(code);
      });
    setTimeout(() => process.exit(code), 10_000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  run("web", "server.ts");
  run("worker", "jobs/worker.ts");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(e instanceof UsageError ? 2 : 1);
});
