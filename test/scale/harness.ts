import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Job, Queue } from "bullmq";
import { expect } from "vitest";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { createDb, type Db } from "../../db/client";
import { seed } from "../../db/seed";
import { producerConnection } from "../../jobs/connection";
import { SCHEDULES } from "../../jobs/definitions";
import { governmentJobId, reportsDueMonth } from "../../jobs/processors/reports";
import { testPrefix } from "../setup/context";
import { freshDb, type TestDb } from "../setup/db";
import { DEMO_TEMPLATE_DB, TEST_PII_KEY } from "../setup/global-setup";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { addManagers } from "../setup/staff-mail";
import { sleep, until, unusedPort } from "../setup/wait";
import type { WorkerProcess } from "../setup/worker-process";
import {
  type OwnRedis,
  type ReverseProxy,
  readMetrics,
  startOwnRedis,
  startProxy,
  startWeb,
  startWorker,
  sum,
  type WebProcess,
} from "./cluster";
import { checkLedger, type LoadTarget, newLedger, runLoad, serverErrors, signIn, surveyForm } from "./load";

/**
 * One scaled-out Pledge for a test file: `webs` web processes (behind the proxy when more than
 * one), room for `workers` workers (the worker scenario starts them), each with an SMTP sink of its own (so a test can hold one worker's
 * mail), a Redis of its own, on a fresh Postgres schema or a copy of the demo SQLite file, both
 * with twelve months of demo activity (the monthly reports take a while to make).
 */
export interface Cluster {
  kind: "postgres" | "sqlite";
  db: Db;
  redis: OwnRedis;
  webs: WebProcess[];
  workers: (WorkerProcess | undefined)[];
  sinks: TestSmtp[];
  proxy: ReverseProxy | null;
  /** where clients connect: the proxy, or the one web process */
  baseUrl: string;
  target: LoadTarget;
  prefix: string;
  env: Record<string, string>;
  /** every process's output so far, killed ones included */
  outputs(): string[];
  startWorker(i: number, extra?: Record<string, string>): Promise<WorkerProcess>;
  restartWeb(i: number): Promise<WebProcess>;
  close(): Promise<void>;
}

export async function startCluster(options: {
  kind: "postgres" | "sqlite";
  webs: number;
  workers: number;
}): Promise<Cluster> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-scale-"));
  let testDb: TestDb | null = null;
  let db: Db;
  let dbUrl: string;
  if (options.kind === "postgres") {
    testDb = await freshDb("postgres", { seeded: false });
    await seed(testDb.db, { activity: true, piiKey: TEST_PII_KEY });
    db = testDb.db;
    dbUrl = testDb.processUrl;
  } else {
    dbUrl = path.join(dataDir, "pledge.sqlite");
    fs.copyFileSync(DEMO_TEMPLATE_DB, dbUrl);
    db = createDb(dbUrl);
  }
  await addManagers(db);
  const redis = await startOwnRedis();
  const prefix = testPrefix();
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: "scale-harness-session-secret-0123456789abcdef",
    PII_KEY: TEST_PII_KEY,
    // The load's clients each come from an address of their own (X-Forwarded-For), through the
    // proxy (two hops trusted) or straight to the one web process.
    TRUST_PROXY: "2",
    // Short locks and stalled checks, so a killed worker's jobs are taken up within seconds.
    WORKER_LOCK_MS: "4000",
    WORKER_STALLED_MS: "2000",
    OUTBOX_CLAIM_TIMEOUT_S: "3",
  };
  const ports = await Promise.all(Array.from({ length: options.webs }, () => unusedPort()));
  // What is started so far, stopped again if the cluster cannot be completed.
  const started: (() => Promise<unknown>)[] = [() => redis.close()];
  let webs: WebProcess[] = [];
  let proxy: ReverseProxy | null = null;
  let sinks: TestSmtp[] = [];
  let baseUrl: string;
  let target: LoadTarget;
  try {
    webs = await Promise.all(ports.map((port, i) => startWeb(String.fromCharCode(97 + i), port, env)));
    started.push(...webs.map((w) => () => w.stop("SIGKILL")));
    proxy = options.webs > 1 ? await startProxy(ports) : null;
    if (proxy) started.push(proxy.close);
    baseUrl = proxy?.url ?? webs[0]!.url;
    sinks = await Promise.all(Array.from({ length: options.workers }, () => startSmtp()));
    started.push(...sinks.map((sink) => sink.close));
    const department = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const staff = await signIn(baseUrl, "officer.immd");
    if (!staff.session) throw new Error(`staff sign-in answered ${staff.status}`);
    target = {
      baseUrl,
      survey: await surveyForm(baseUrl, "immdcsat"),
      departmentId: department.id,
      staffCookie: staff.session,
    };
  } catch (e) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    if (testDb) await testDb.cleanup();
    else await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const outputs: (() => string)[] = webs.map((w) => w.output);
  const workers: (WorkerProcess | undefined)[] = Array.from({ length: options.workers }, () => undefined);
  const cluster: Cluster = {
    kind: options.kind,
    db,
    redis,
    webs,
    workers,
    sinks,
    proxy,
    baseUrl,
    target,
    prefix,
    env,
    outputs: () => outputs.map((o) => o()),
    async startWorker(i, extra = {}) {
      const w = await startWorker({ ...env, SMTP_URL: sinks[i]!.url, ...extra });
      workers[i] = w;
      outputs.push(w.output);
      return w;
    },
    async restartWeb(i) {
      const w = await startWeb(webs[i]!.name, webs[i]!.port, env);
      webs[i] = w;
      outputs.push(w.output);
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w?.stop("SIGKILL")));
      await Promise.all(webs.map((w) => w.stop("SIGTERM")));
      await proxy?.close();
      await Promise.all(sinks.map((s) => s.close()));
      await redis.close();
      if (testDb) await testDb.cleanup();
      else await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

export async function reportCount(db: Db, month: string): Promise<number> {
  const r = await db
    .selectFrom("monthly_reports")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("month", "=", month)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function departmentCount(db: Db): Promise<number> {
  const r = await db
    .selectFrom("departments")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Waits until every department's report and the summary of `month` are made and mailed. */
async function waitForMonth(c: Cluster, month: string, ms = 120_000): Promise<void> {
  const departments = await departmentCount(c.db);
  await until(
    `${month}'s reports and summary`,
    async () =>
      (await reportCount(c.db, month)) === departments &&
      (await c.db
        .selectFrom("government_summaries")
        .select("month")
        .where("month", "=", month)
        .executeTakeFirst()),
    ms,
  );
  await until("the digests sent", async () => (await unsentMail(c.db)) === 0, ms);
}

async function unsentMail(db: Db): Promise<number> {
  const r = await db
    .selectFrom("outbox_messages")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("sent_at", "is", null)
    .where("kind", "in", ["report.digest", "report.government"])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function reportsQueue(c: Cluster): { queue: Queue; close(): Promise<void> } {
  const connection = producerConnection(c.redis.url);
  const queue = new Queue(QUEUES.reports, { connection, prefix: bullPrefix(c.prefix) });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Digest and summary e-mails per recipient, over every worker's sink, since `since` (ms). */
function digestsPerRecipient(c: Cluster, since: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of c.sinks.flatMap((s) => s.received)) {
    if (m.at < since || !/monthly report for|Government-wide summary/.test(subjectOf(m.raw))) continue;
    for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

async function digestRecipients(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("staff_users")
    .select("email")
    .where("role", "in", ["manager", "central_reviewer"])
    .where("is_active", "=", 1)
    .where("email", "is not", null)
    .execute();
  return rows.map((r) => r.email!).sort();
}

const POSTS = { method: "POST" };

// ---- The scenarios ----

/**
 * 1. SIGKILL one web process mid-load and start it again: every submission a client was told
 * was taken (302/303) is in the database once, none twice. The metrics show the load on every
 * web process and the restart of the killed one.
 */
export async function webKillScenario(c: Cluster, allowed5xx: number[]): Promise<void> {
  const ledger = newLedger();
  const load = runLoad(c.target, ledger, { seconds: 14, connections: 4 });
  await sleep(5_000);
  const before = await Promise.all(c.webs.map((w) => readMetrics(`${w.url}/metrics`)));
  for (const m of before) expect(sum(m, "pledge_http_requests_total", POSTS)).toBeGreaterThan(0);
  const killed = c.webs[0]!;
  killed.child.kill("SIGKILL");
  expect(await killed.exited).toBeNull();
  expect(killed.child.signalCode).toBe("SIGKILL");
  await sleep(1_000);
  const again = await c.restartWeb(0);
  await load;
  expect((await fetch(`${again.url}/s/${c.target.survey.slug}`)).status).toBe(200);
  const after = await Promise.all(c.webs.map((w) => readMetrics(`${w.url}/metrics`)));
  // The restarted process is a new one (a later start time) and counts what it serves.
  expect(sum(after[0]!, "pledge_process_start_time_seconds")).toBeGreaterThan(
    sum(before[0]!, "pledge_process_start_time_seconds"),
  );
  expect(sum(after[0]!, "pledge_http_requests_total", { method: "GET", route: "/s/:slug" })).toBeGreaterThan(
    0,
  );
  for (let i = 1; i < c.webs.length; i++)
    expect(sum(after[i]!, "pledge_http_requests_total", POSTS)).toBeGreaterThan(
      sum(before[i]!, "pledge_http_requests_total", POSTS),
    );
  expect(again.child.exitCode).toBeNull();

  const check = await checkLedger(c.db, ledger);
  expect(check.lost).toEqual([]);
  expect(check.twice).toEqual([]);
  expect(check.wrongRef).toEqual([]);
  expect(check.acknowledged.surveys).toBeGreaterThan(20);
  expect(check.acknowledged.complaints).toBeGreaterThan(5);
  expect(ledger.staffViews).toBeGreaterThan(5);
  expect(serverErrors(ledger, allowed5xx)).toEqual({});
}

/**
 * 2. The workers start (on a database without last month's reports, so they make them at once)
 * and one is killed with SIGKILL during that fan-out, with the load running: each department's
 * report once, each digest e-mail once, the government summary once. The killed worker's sink
 * holds every message it tries to send until the kill (never accepted): so no message is
 * accepted in the instant before the kill lands, the one window no outbox closes.
 */
export async function workerKillScenario(c: Cluster, allowed5xx: number[]): Promise<void> {
  const month = reportsDueMonth(new Date());
  const departments = await departmentCount(c.db);
  const recipients = await digestRecipients(c.db);
  const since = Date.now();
  let holding = true;
  // Everything the first incarnation of worker 0 sends is held, never answered.
  const heldSink = await startSmtp({ hold: () => holding });
  c.sinks.push(heldSink);

  const ledger = newLedger();
  const load = runLoad(c.target, ledger, { seconds: 10, connections: 3 });
  const [victim] = await Promise.all([
    c.startWorker(0, { SMTP_URL: heldSink.url }),
    ...c.workers.slice(1).map((_, i) => c.startWorker(i + 1)),
  ]);
  if (!victim) throw new Error("no worker");
  const metricsBefore = victim.metricsUrl ? await readMetrics(victim.metricsUrl) : null;
  await until("a first report", async () => (await reportCount(c.db, month)) > 0, 60_000);
  victim.child.kill("SIGKILL");
  expect(await victim.exited).toBeNull();
  const atKill = await reportCount(c.db, month);
  expect(atKill).toBeLessThan(departments);
  holding = false;
  const restarted = await c.startWorker(0);
  await waitForMonth(c, month);
  await load;

  expect(await reportCount(c.db, month)).toBe(departments);
  const perDepartment = await c.db
    .selectFrom("monthly_reports")
    .select(["department_id", (eb) => eb.fn.countAll().as("n")])
    .where("month", "=", month)
    .groupBy("department_id")
    .execute();
  expect(perDepartment.filter((r) => Number(r.n) !== 1)).toEqual([]);
  const summaries = await c.db
    .selectFrom("government_summaries")
    .select("month")
    .where("month", "=", month)
    .execute();
  expect(summaries).toHaveLength(1);
  const q2 = reportsQueue(c);
  try {
    const parent = await Job.fromId(q2.queue, governmentJobId(month));
    expect(await parent?.getState()).toBe("completed");
  } finally {
    await q2.close();
  }
  await until("every digest", async () => digestsPerRecipient(c, since).size >= recipients.length, 60_000);
  await sleep(4_000); // past the claim timeout and a send run: nothing more comes
  const counts = digestsPerRecipient(c, since);
  expect([...counts.keys()].sort()).toEqual(recipients);
  expect(Object.fromEntries([...counts].filter(([, n]) => n !== 1))).toEqual({});

  // The workers' metrics: the restarted one is new, and the reports were counted.
  const metrics = await Promise.all(
    c.workers.map((w) =>
      w?.metricsUrl ? readMetrics(w.metricsUrl) : Promise.reject(new Error("no metrics")),
    ),
  );
  if (metricsBefore) {
    // A new process answers (its start time is in whole seconds: a kill and restart within the
    // second of the first start gives the same value, so the process id says it is new).
    expect(restarted.child.pid).not.toBe(victim.child.pid);
    expect(sum(metrics[0]!, "pledge_process_start_time_seconds")).toBeGreaterThanOrEqual(
      sum(metricsBefore, "pledge_process_start_time_seconds"),
    );
  } else throw new Error(`worker printed no metrics address:\n${victim.output()}`);
  const reportsDone = metrics.reduce(
    (n, m) => n + sum(m, "pledge_jobs_completed_total", { queue: QUEUES.reports }),
    0,
  );
  expect(reportsDone).toBeGreaterThanOrEqual(departments - atKill);
  expect(restarted.child.exitCode).toBeNull();

  const check = await checkLedger(c.db, ledger);
  expect(check.lost).toEqual([]);
  expect(check.twice).toEqual([]);
  expect(serverErrors(ledger, allowed5xx)).toEqual({});
}

/**
 * 3. Redis restarted with its data (append-only file) under load, then a Redis that lost
 * everything: nothing acknowledged is lost, the schedules come back (the workers set them again
 * when their connection is ready), and last month's reports are complete again.
 */
export async function redisScenario(c: Cluster, allowed5xx: number[]): Promise<void> {
  const month = reportsDueMonth(new Date());
  const departments = await departmentCount(c.db);
  const scheduleIds = SCHEDULES.filter((s) => s.queue === QUEUES.reports).map((s) => s.id);
  const ledger = newLedger();
  const load = runLoad(c.target, ledger, { seconds: 10, connections: 3 });
  await sleep(3_000);
  await c.redis.restart();
  await load;
  let check = await checkLedger(c.db, ledger);
  expect(check.lost).toEqual([]);
  expect(check.twice).toEqual([]);
  expect(check.acknowledged.surveys).toBeGreaterThan(10);
  expect(serverErrors(ledger, allowed5xx)).toEqual({});
  let q = reportsQueue(c);
  try {
    // Kept: the schedules and last month's finished flow.
    expect((await q.queue.getJobSchedulers()).map((s) => s.key)).toEqual(expect.arrayContaining(scheduleIds));
    expect(await (await Job.fromId(q.queue, governmentJobId(month)))?.getState()).toBe("completed");
  } finally {
    await q.close();
  }

  // A Redis that comes back empty, while one department's report and the summary are missing.
  const one = await c.db.selectFrom("departments").select("id").orderBy("id").executeTakeFirstOrThrow();
  await c.db
    .deleteFrom("monthly_reports")
    .where("month", "=", month)
    .where("department_id", "=", one.id)
    .execute();
  await c.db.deleteFrom("government_summaries").where("month", "=", month).execute();
  const ledger2 = newLedger();
  const load2 = runLoad(c.target, ledger2, { seconds: 8, connections: 3 });
  await sleep(2_000);
  await c.redis.wipe();
  await load2;
  check = await checkLedger(c.db, ledger2);
  expect(check.lost).toEqual([]);
  expect(check.twice).toEqual([]);
  expect(serverErrors(ledger2, allowed5xx)).toEqual({});
  q = reportsQueue(c);
  try {
    await until(
      "the schedules set again",
      async () => {
        const keys = (await q.queue.getJobSchedulers()).map((s) => s.key);
        return scheduleIds.every((id) => keys.includes(id));
      },
      30_000,
    );
  } finally {
    await q.close();
  }
  await waitForMonth(c, month, 60_000);
  expect(await reportCount(c.db, month)).toBe(departments);
}

/** No SQLite lock error and no failed request in any process's log. */
export function expectNoBusy(c: Cluster): void {
  const lines = c
    .outputs()
    .flatMap((o) => o.split("\n"))
    .filter((l) => /SQLITE_BUSY|database is locked/i.test(l));
  expect(lines).toEqual([]);
}
