import fs from "node:fs";
import path from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { createDb, type Db } from "../../db/client";
import { producerConnection, workerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { governmentJobId, monthJustEnded } from "../../jobs/processors/reports";
import { lodgeComplaint } from "../setup/citizen";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { sleep, until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * Two processes on one SQLite file (ADR 0010): the web process stores complaints while the worker
 * sends the outbox and builds a month's reports. A transaction that reads before it writes must
 * not meet SQLITE_BUSY half-way (a deferred BEGIN cannot wait for the lock then), in either process.
 */
const COMPLAINTS = 50;
/** Citizens at ten addresses. */
const ADDRESSES = 10;
const MONTH = monthJustEnded(new Date());

describe("SQLite: the web process and the worker write at the same time", () => {
  let server: RunningServer;
  let worker: WorkerProcess | undefined;
  let smtp: TestSmtp;
  let db: Db;
  let prefix: string;
  let connection: ReturnType<typeof producerConnection>;
  let reports: Queue;
  let notifications: Queue;
  let events: QueueEvents;

  beforeEach(async () => {
    // The demo database: twelve months of activity, so each report keeps the worker busy.
    server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
    db = createDb(server.dbPath);
    smtp = await startSmtp();
    prefix = testPrefix();
    connection = producerConnection(TEST_REDIS_URL);
    reports = new Queue(QUEUES.reports, { connection, prefix: bullPrefix(prefix) });
    notifications = new Queue(QUEUES.notifications, { connection, prefix: bullPrefix(prefix) });
    events = new QueueEvents(QUEUES.reports, {
      connection: workerConnection(TEST_REDIS_URL),
      prefix: bullPrefix(prefix),
    });
    await events.waitUntilReady();
  });
  afterEach(async () => {
    await worker?.stop("SIGKILL");
    worker = undefined;
    await events.close();
    await reports.close();
    await notifications.close();
    connection.disconnect();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await smtp.close();
    await db.destroy();
    await server.stop();
  });

  const caseCount = async () =>
    Number(
      (
        await db
          .selectFrom("cases")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it(`${COMPLAINTS} complaints while the worker sends e-mail and builds reports: no errors, all stored`, async () => {
    const dept = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const service = await db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", dept.id)
      .orderBy("code")
      .executeTakeFirstOrThrow();
    const before = await caseCount();

    worker = await spawnWorker({
      DATABASE_URL: server.dbPath,
      DATA_DIR: path.dirname(server.dbPath),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
      SMTP_URL: smtp.url,
    });
    // The worker starts on a month's reports (each followed by a send of the outbox) …
    await reports.add(JOBS.reportsMonthly, { month: MONTH });
    await until("a first report", async () =>
      Number(
        (
          await db
            .selectFrom("monthly_reports")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("month", "=", MONTH)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    );
    // … and sends the outbox every 100 ms besides, while the citizens post.
    let posting = true;
    const sender = (async () => {
      while (posting) {
        await notifications.add(JOBS.outboxSend, {});
        await sleep(100);
      }
    })();

    // Ten addresses (127.0.0.2–11), five complaints each: under the per-address limit.
    const complain = (i: number) =>
      lodgeComplaint(server.baseUrl, `127.0.0.${2 + (i % ADDRESSES)}`, {
        departmentId: dept.id,
        serviceId: service.id,
        n: i,
      });
    const replies = await Promise.all(Array.from({ length: COMPLAINTS }, (_, i) => complain(i)));
    posting = false;
    await sender;

    const statuses = replies.map((r) => r.status);
    const counts = Object.fromEntries(
      [...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]),
    );
    const busy = (out: string) => [...new Set(out.match(/SQLITE_BUSY\w*|database is locked/g) ?? [])];
    // Every citizen is sent on to the confirmation page with a reference; the web process never
    // met a locked database.
    expect({ statuses: counts, busy: busy(server.output()) }).toEqual({
      statuses: { 303: COMPLAINTS },
      busy: [],
    });
    for (const r of replies) expect(r.headers.location).toMatch(/^\/complaints\/submitted\?ref=IMMD-/);
    expect(await caseCount()).toBe(before + COMPLAINTS);

    // The month's reports all finish, and every complainant's acknowledgement is sent.
    const summary = await until("the summary job", async () => Job.fromId(reports, governmentJobId(MONTH)));
    await summary.waitUntilFinished(events, 120_000);
    const acks = () =>
      smtp.received.filter((m) => m.to.some((to) => /^citizen\d+@example\.com$/.test(to))).length;
    await until("every acknowledgement", async () => acks() >= COMPLAINTS, 60_000);
    expect(acks()).toBe(COMPLAINTS);
    expect(smtp.received.some((m) => subjectOf(m.raw).includes("monthly report for"))).toBe(true);
    const failed = await reports.getJobCounts("failed");
    expect(failed.failed).toBe(0);

    // Neither process met a locked database, even on a retried job.
    for (const [who, out] of [
      ["web", server.output()],
      ["worker", worker.output()],
    ] as const) {
      expect({ who, busy: busy(out) }).toEqual({ who, busy: [] });
      expect({ who, failed: out.match(/.*failed \(attempt.*/g) ?? [] }).toEqual({ who, failed: [] });
    }
    // The citizens' attachments are where the rows say.
    const stored = await db.selectFrom("case_attachments").select("stored_name").execute();
    const dir = path.join(path.dirname(server.dbPath), "attachments");
    for (const a of stored) expect(fs.existsSync(path.join(dir, a.stored_name))).toBe(true);
  }, 240_000);
});
