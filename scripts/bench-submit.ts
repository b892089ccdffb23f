/**
 * Survey submission through the running app beside a bare action that inserts one row, measured
 * in the same run with autocannon (50 connections). Prints req/s and latency; then both again at
 * half the bare maximum rate, where p99 is not just queueing (performance.md lesson 5).
 *   npx tsx scripts/bench-submit.ts [seconds=10]
 * The bare action is the benchmark's own app, not part of the product: this script, started again
 * as its own process with BENCH_BARE_DB set, serves Express with one POST route that parses the
 * form and inserts one row into a table of its own, in the same SQLite file as the app's copy.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import express from "express";
import { sql } from "kysely";
import { createDb } from "../db/client";
import setup from "../test/setup/global-setup";
import { startServer } from "../test/setup/server";

const seconds = Number(process.argv[2] ?? 10);

function run(url: string, body: string, rate?: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        method: "POST",
        connections: 50,
        duration: seconds,
        headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin },
        body,
        ...(rate ? { overallRate: rate } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function line(name: string, r: autocannon.Result) {
  return `${name.padEnd(28)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors}  responses ${JSON.stringify(r.statusCodeStats ?? {})}`;
}

/** The bare app: parse the form, insert one row, 303. Prints the address it listens on. */
async function serveBare(dbPath: string) {
  const db = createDb(dbPath);
  await sql`create table if not exists bench_rows (id integer primary key, value text not null, at text not null)`.execute(
    db,
  );
  const app = express();
  app.disable("x-powered-by");
  app.post("/bare", express.urlencoded({ extended: false, limit: "100kb" }), async (req, res, next) => {
    try {
      const value = String((req.body as Record<string, unknown>)?.value ?? "");
      await sql`insert into bench_rows (value, at) values (${value}, ${new Date().toISOString()})`.execute(
        db,
      );
      res.redirect(303, "/");
    } catch (e) {
      next(e);
    }
  });
  const server = app.listen(0, "127.0.0.1", () => {
    const address = server.address();
    console.log(`listening on http://localhost:${typeof address === "object" && address ? address.port : 0}`);
  });
  process.on("SIGTERM", () => {
    server.close();
    void db.destroy().then(() => process.exit(0));
  });
}

/** Starts the bare app as its own process (as the app is), on the app's database file. */
async function startBare(dbPath: string): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_BARE_DB: dbPath, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare app did not start:\n${out}`)), 20_000);
    child.stdout?.on("data", (d) => {
      out += d.toString();
      const m = out.match(/listening on http:\/\/localhost:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`bare app exited with ${code}:\n${out}`));
    });
  });
  return {
    baseUrl: `http://localhost:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function main() {
  await setup();
  const server = await startServer({
    SURVEY_RATE_PER_ADDRESS: "1000000000",
    SURVEY_RATE_PER_POINT: "1000000000",
    LOG_LEVEL: "error",
  });
  let bareApp: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    const db = createDb(server.dbPath);
    const s = await db
      .selectFrom("surveys")
      .selectAll()
      .where("slug", "=", "immdcsat")
      .executeTakeFirstOrThrow();
    const qs = await db
      .selectFrom("survey_questions")
      .select(["id", "question_key"])
      .where("version_id", "=", s.current_version_id!)
      .execute();
    await db.destroy();
    const q = Object.fromEntries(qs.map((x) => [x.question_key, `q${x.id}`]));
    const surveyBody = new URLSearchParams({
      versionId: String(s.current_version_id),
      p: "immdcsatctr",
      [q.overall!]: "4",
      [q.courtesy!]: "5",
      [q.waiting!]: "3",
      [q.clarity!]: "4",
      [q.comments!]: "Quick and friendly service",
    }).toString();
    const bareBody = "value=benchmark";
    bareApp = await startBare(server.dbPath);
    // Warm up both paths.
    await run(`${bareApp.baseUrl}/bare`, bareBody).catch(() => undefined);
    const bare = await run(`${bareApp.baseUrl}/bare`, bareBody);
    const survey = await run(`${server.baseUrl}/s/immdcsat?p=immdcsatctr`, surveyBody);
    console.log(`autocannon, 50 connections, ${seconds} s each, server and load generator on this machine`);
    console.log(line("bare action (1 insert)", bare));
    console.log(line("survey submission", survey));
    console.log(`ratio survey/bare: ${(survey.requests.average / bare.requests.average).toFixed(2)}`);
    const half = Math.round(bare.requests.average / 2);
    const bareHalf = await run(`${bareApp.baseUrl}/bare`, bareBody, half);
    const surveyHalf = await run(`${server.baseUrl}/s/immdcsat?p=immdcsatctr`, surveyBody, half);
    console.log(`at ${half} req/s (half the bare maximum):`);
    console.log(line("bare action (1 insert)", bareHalf));
    console.log(line("survey submission", surveyHalf));
  } finally {
    await bareApp?.stop();
    await server.stop();
  }
}

const bareDb = process.env.BENCH_BARE_DB;
(bareDb ? serveBare(bareDb) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
