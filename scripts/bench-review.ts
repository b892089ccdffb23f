/**
 * `npx tsx scripts/bench-review.ts [--demo FILE] [--runs 20] [--port 3806] [--returns 50]`: how
 * long the review's table takes on the demo government of the registry import (issue 16: the
 * table for 36 months renders in ≤ 1 s). Not a test: it prints figures.
 *
 * 1. A copy of the demo government (`npm run demo:government` into a SQLite file; built here into
 *    .cache/bench-review/ when --demo is not given), migrated, with a central reviewer, a round for
 *    the 36 months ending at the latest month with stored results, and submitted returns for
 *    `returns` departments (answers from a seeded generator, some late, some with notes).
 * 2. buildReviewTable in this process: 2 warm-up runs, then `runs` timed.
 * 3. The built web process (build/server/web.js, `npm run build` first) on that copy: GET
 *    /central/reviews/<id> as the reviewer (the page, HTML read to the end), its .json, .xlsx and
 *    .pdf, and as
 *    references in the same run GET /healthz and GET /central/reviews (the list of rounds, a plain staff page),
 *    each `runs` times after 2 warm-ups, interleaved so that a busy machine slows all alike.
 * Prints median and range of each, and the page's median as a multiple of the references'.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { importGovernment } from "../app/models/imports/import.server";
import { recomputeStoredResults } from "../app/models/pledges/stored-results.server";
import { REVIEW_QUESTIONS } from "../app/models/reviews/questions";
import { saveReturn } from "../app/models/reviews/returns.server";
import { openRound } from "../app/models/reviews/rounds.server";
import { buildReviewTable } from "../app/models/reviews/table.server";
import { hashPassword } from "../app/models/staff/accounts.server";
import { createSession } from "../app/models/staff/sessions.server";
import { sessionCookie } from "../app/utils/cookies.server";
import { parseEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { writeGovernment } from "../db/demo-government";
import { migrateToLatest } from "../db/migrate";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg("runs", "20"));
const PORT = Number(arg("port", "3806"));
const RETURNS = Number(arg("returns", "50"));
const SECRET = "bench-review-secret-bench-review-secret-01";
const REDIS_PREFIX = `bench-review-${process.pid}:`;

const monthAdd = (m: string, n: number) =>
  new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)) - 1 + n, 1)).toISOString().slice(0, 7);

/** The demo government as a SQLite file: --demo, or built once into .cache/bench-review/. */
async function demoDatabase(): Promise<string> {
  const given = arg("demo", "");
  if (given) return path.resolve(given);
  const dir = path.resolve(".cache/bench-review");
  const file = path.join(dir, "demo-government.sqlite");
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const now = new Date(Date.now() + 8 * 3600_000);
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const files = path.join(dir, "files");
  const t0 = performance.now();
  await writeGovernment(files, {
    departments: 75,
    pledges: 1200,
    months: 36,
    end,
    rowsPerMonth: 19,
    seed: 1,
  });
  const db = createDb(tmp);
  try {
    await migrateToLatest(db);
    const loaded = await importGovernment(db, files);
    if (!loaded.ok) throw new Error(`demo government refused: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
    await recomputeStoredResults(db, { pledgeIds: loaded.changedPledgeIds });
  } finally {
    await db.destroy();
  }
  fs.renameSync(tmp, file);
  console.log(`built the demo government in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${file}`);
  return file;
}

let seed = 20261207;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

function stats(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
}
const show = (name: string, times: number[]) => {
  const { median, min, max } = stats(times);
  console.log(
    `  ${name.padEnd(48)} median ${median.toFixed(1).padStart(7)} ms   range ${min.toFixed(1)}–${max.toFixed(1)} ms`,
  );
  return median;
};

async function main() {
  const source = await demoDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-review-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(source, file);
  const db = createDb(file);
  let server: ChildProcess | undefined;
  try {
    await migrateToLatest(db);
    const counts = await db
      .selectFrom("pledge_results")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("month").as("last")])
      // The latest month with data: results of the current month exist, with nothing counted yet.
      .where("total", ">", 0)
      .executeTakeFirstOrThrow();
    const departments = await db
      .selectFrom("departments")
      .select(["id", "code"])
      .where("is_active", "=", 1)
      .orderBy("id")
      .execute();
    const last = String(counts.last);
    const periodFrom = monthAdd(last, -35);
    console.log(
      `demo government: ${departments.length} departments, ${counts.n} monthly results with data; round ${periodFrom} – ${last}`,
    );

    // The round, its returns, and a central reviewer to read the table.
    const now = new Date().toISOString();
    const deadline = `${monthAdd(last, 2)}-15`;
    const reviewer = await db
      .insertInto("staff_users")
      .values({
        department_id: null,
        username: "bench.reviewer",
        display_name: "Bench reviewer",
        role: "central_reviewer",
        password_hash: await hashPassword("bench-review-password"),
        is_active: 1,
        created_at: now,
        updated_at: now,
        last_sign_in_at: null,
        email: null,
        language: "en",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Through the review's own model: the round, then each return saved and submitted (a tenth
    // after the deadline, so marked late).
    const round = { id: await openRound(db, reviewer, { periodTo: last, deadline }) };
    for (const d of departments.slice(0, RETURNS)) {
      const answers = Object.fromEntries(
        REVIEW_QUESTIONS.map((q) => [
          q.key,
          {
            value: q.kind === "share" ? Math.round(random() * 100) : random() < 0.7,
            note: random() < 0.1 ? `Note of ${d.code} 備註` : "",
          },
        ]),
      );
      const at = random() < 0.1 ? new Date(`${deadline}T12:00:00+08:00`).getTime() + 86_400_000 : Date.now();
      const saved = await saveReturn(
        db,
        reviewer,
        { roundId: round.id, departmentId: d.id, answers, submit: true },
        new Date(at),
      );
      if (!saved.ok) throw new Error(`return of ${d.code} refused: ${saved.error}`);
    }
    const env = parseEnv({
      NODE_ENV: "production",
      DATA_DIR: dir,
      DATABASE_URL: file,
      SESSION_SECRET: SECRET,
      COOKIE_SECURE: "false",
    });
    const cookie = (await sessionCookie(env).serialize(await createSession(db, reviewer.id, 12))).split(
      ";",
    )[0]!;

    // 2. The model alone.
    console.log(
      `\n${RUNS} runs each after 2 warm-ups (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}):`,
    );
    const model: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const table = await buildReviewTable(db, round.id);
      if (i >= 2) model.push(performance.now() - t0);
      rows = table.departments.length;
    }
    const modelMedian = show(`buildReviewTable (${rows} departments)`, model);

    // 3. The built web process.
    if (!fs.existsSync("build/server/web.js")) throw new Error("No build: run `npm run build` first");
    let out = "";
    server = spawn(process.execPath, ["build/server/web.js"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        DATA_DIR: dir,
        DATABASE_URL: file,
        SESSION_SECRET: SECRET,
        COOKIE_SECURE: "false",
        REDIS_PREFIX,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (d) => {
      out += d;
    });
    server.stderr?.on("data", (d) => {
      out += d;
    });
    const base = `http://127.0.0.1:${PORT}`;
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${out}`);
      if (/listening on/.test(out)) break;
      if (i > 300) throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const get = async (p: string, signedIn: boolean) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${p}`, {
        headers: signedIn ? { Cookie: cookie } : {},
        redirect: "manual",
      });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${body.slice(0, 300)}`);
      return { ms, bytes: body.length };
    };
    const targets: [string, string, boolean][] = [
      ["GET /central/reviews/<id> (page)", `/central/reviews/${round.id}`, true],
      ["GET /central/reviews/<id>.json", `/central/reviews/${round.id}.json`, true],
      ["GET /central/reviews/<id>.xlsx", `/central/reviews/${round.id}.xlsx`, true],
      ["GET /central/reviews/<id>.pdf", `/central/reviews/${round.id}.pdf`, true],
      ["GET /central/reviews (list; reference)", "/central/reviews", true],
      ["GET /healthz (reference)", "/healthz", false],
    ];
    const times = targets.map(() => [] as number[]);
    const sizes = targets.map(() => 0);
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [k, [, p, signedIn]] of targets.entries()) {
        const r = await get(p, signedIn);
        if (i >= 2) times[k]!.push(r.ms);
        sizes[k] = r.bytes;
      }
    }
    const medians = targets.map(([name], k) =>
      show(`${name} ${(sizes[k]! / 1024).toFixed(0)} kB`, times[k]!),
    );
    console.log(
      `\npage median ${medians[0]!.toFixed(0)} ms (target ≤ 1000 ms); ${(medians[0]! / medians[4]!).toFixed(1)}× a plain staff page, ` +
        `${(medians[0]! / medians[5]!).toFixed(0)}× /healthz; buildReviewTable ${modelMedian.toFixed(0)} ms of it`,
    );
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await db.destroy();
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    try {
      await redis.connect();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${REDIS_PREFIX}*`, "COUNT", 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
    } catch {
      // No Redis: nothing of ours to delete.
    } finally {
      redis.disconnect();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
