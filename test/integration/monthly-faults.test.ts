import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { createDb, type Db } from "../../db/client";
import { producerConnection, workerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { departmentJobId, governmentJobId, monthJustEnded } from "../../jobs/processors/reports";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { addManagers } from "../setup/staff-mail";
import { sleep, until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * The worker process itself (jobs/worker.ts), killed and stopped in the middle of a month's
 * fan-out, on a copy of the demo database (twelve months of activity, so each report takes a
 * while). The database is the source of truth; Redis carries the work.
 */
const DEMO_TEMPLATE_DB = path.resolve(".cache/test/template-demo.sqlite");
const MONTH = monthJustEnded(new Date());

describe("the monthly fan-out survives its worker", () => {
  let dir: string;
  let dbFile: string;
  let db: Db;
  let prefix: string;
  let smtp: TestSmtp | undefined;
  let queue: Queue;
  let events: QueueEvents;
  let connection: ReturnType<typeof producerConnection>;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-faults-"));
    dbFile = path.join(dir, "pledge.sqlite");
    fs.copyFileSync(DEMO_TEMPLATE_DB, dbFile);
    db = createDb(dbFile);
    prefix = testPrefix();
    connection = producerConnection(TEST_REDIS_URL);
    queue = new Queue(QUEUES.reports, { connection, prefix: bullPrefix(prefix) });
    events = new QueueEvents(QUEUES.reports, {
      connection: workerConnection(TEST_REDIS_URL),
      prefix: bullPrefix(prefix),
    });
    await events.waitUntilReady();
    // A manager with an address in every department: one digest each.
    await addManagers(db);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop("SIGKILL");
    await smtp?.close();
    smtp = undefined;
    await events.close();
    await queue.close();
    connection.disconnect();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (extra: Record<string, string> = {}) => {
    const w = await spawnWorker({
      DATABASE_URL: dbFile,
      DATA_DIR: dir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      // Short locks and stalled checks, so a killed worker's jobs are taken up within seconds.
      WORKER_LOCK_MS: "4000",
      WORKER_STALLED_MS: "2000",
      OUTBOX_CLAIM_TIMEOUT_S: "3",
      ...extra,
    });
    workers.push(w);
    return w;
  };

  const reportCount = async () =>
    Number(
      (
        await db
          .selectFrom("monthly_reports")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("month", "=", MONTH)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const departmentIds = async () =>
    (await db.selectFrom("departments").select("id").orderBy("id").execute()).map((d) => d.id);

  async function digestsPerRecipient(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const m of smtp!.received) {
      if (!/monthly report for|Government-wide summary/.test(subjectOf(m.raw))) continue;
      for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    }
    return counts;
  }

  it("SIGKILL mid-fan-out (mid-send, even), restart: each report once, each e-mail once", async () => {
    let first: WorkerProcess | undefined;
    // The first digest's data reaches the mail server, which never answers: the worker dies
    // right then, with that message claimed but not accepted and other reports in flight. Until
    // the restart the server accepts nothing more (what it accepted is delivered, so a message
    // accepted in the instant before the kill lands would arrive twice: the one window no
    // outbox closes, and its Message-ID is the same both times).
    let killing = false;
    let restarted = false;
    smtp = await startSmtp({
      hold: (_n, raw) => !restarted && (killing || subjectOf(raw).includes("monthly report for")),
      onHold: () => {
        killing = true;
        first?.child.kill("SIGKILL");
      },
    });
    first = await start({ SMTP_URL: smtp.url });
    await queue.add(JOBS.reportsMonthly, { month: MONTH });
    expect(await first.exited).toBeNull(); // killed by the signal
    expect(first.child.signalCode).toBe("SIGKILL");
    const ids = await departmentIds();
    const atKill = await reportCount();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(ids.length);

    restarted = true;
    await start({ SMTP_URL: smtp.url });
    const parent = await until("the summary job", async () => Job.fromId(queue, governmentJobId(MONTH)));
    await parent.waitUntilFinished(events, 120_000);
    expect(await reportCount()).toBe(ids.length);
    for (const id of ids)
      expect(await (await Job.fromId(queue, departmentJobId(id, MONTH)))!.getState()).toBe("completed");
    // Two worker starts: still one monthly schedule.
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(["reports-monthly"]);

    // Every manager and the central reviewer get theirs, once (the held one was never accepted).
    const managers = await db
      .selectFrom("staff_users")
      .select("email")
      .where("role", "in", ["manager", "central_reviewer"])
      .where("is_active", "=", 1)
      .where("email", "is not", null)
      .execute();
    await until("every digest", async () => (await digestsPerRecipient()).size >= managers.length, 60_000);
    await sleep(4_000); // past the claim timeout and a send run: nothing more comes
    const counts = await digestsPerRecipient();
    expect([...counts.keys()].sort()).toEqual(managers.map((m) => m.email!).sort());
    expect(Object.fromEntries([...counts].filter(([, n]) => n !== 1))).toEqual({});
    expect(smtp.held).toBeGreaterThanOrEqual(1);
    const unsent = await db
      .selectFrom("outbox_messages")
      .select("id")
      .where("kind", "in", ["report.digest", "report.government"])
      .where("sent_at", "is", null)
      .execute();
    expect(unsent).toHaveLength(0);
  }, 180_000);

  it("SIGTERM: the jobs in flight finish, the rest wait, none is marked stalled", async () => {
    smtp = await startSmtp();
    const stalled: string[] = [];
    events.on("stalled", ({ jobId }) => stalled.push(jobId));
    const w = await start({ SMTP_URL: smtp.url });
    await queue.add(JOBS.reportsMonthly, { month: MONTH });
    await until("a first report", async () => (await reportCount()) > 0);
    const code = await w.stop("SIGTERM");
    expect(code).toBe(0);
    expect(w.output()).toContain("Pledge worker stopped.");
    const counts = await queue.getJobCounts("active", "failed", "completed", "waiting", "waiting-children");
    expect(counts.active).toBe(0);
    expect(counts.failed).toBe(0);
    const ids = await departmentIds();
    const states = await Promise.all(
      ids.map(async (id) => (await Job.fromId(queue, departmentJobId(id, MONTH)))!.getState()),
    );
    expect(states.every((s) => s === "completed" || s === "waiting")).toBe(true);
    // What finished is in the database; what waits is not started.
    expect(await reportCount()).toBe(states.filter((s) => s === "completed").length);

    await start({ SMTP_URL: smtp.url });
    const parent = (await Job.fromId(queue, governmentJobId(MONTH)))!;
    await parent.waitUntilFinished(events, 120_000);
    expect(await reportCount()).toBe(ids.length);
    for (const id of ids) {
      const job = (await Job.fromId(queue, departmentJobId(id, MONTH)))!;
      expect(job.stalledCounter).toBe(0);
      expect(await job.getState()).toBe("completed");
    }
    expect(stalled).toEqual([]);
  }, 180_000);
});
