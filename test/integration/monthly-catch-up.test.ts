import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QUEUES, queueOptions } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { governmentJobId, reportsDueMonth, runDepartmentReport } from "../../jobs/processors/reports";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { sleep, until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * Redis lost its data (flushed, or restarted without persistence) after the 1st: the monthly
 * schedule's run is gone with it. The worker looks for last month's reports when it starts (and
 * every hour) and makes the missing ones: each department's once, the summary once, however many
 * workers start.
 */
describe.each(DB_KINDS)("last month's reports are made up when missing [%s]", (kind) => {
  let t: TestDb;
  let prefix: string;
  let dataDir: string;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    t = await freshDb(kind);
    prefix = testPrefix();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-catch-up-"));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop("SIGKILL");
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await t.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("two workers start on an empty queue: each missing report once, the summary once", async () => {
    // The clock the report code uses: now, in Hong Kong.
    const month = reportsDueMonth(new Date());
    await t.db.deleteFrom("monthly_reports").where("month", "=", month).execute();
    await t.db.deleteFrom("government_summaries").where("month", "=", month).execute();
    // One department's report was made before Redis lost the month: it stays as it is.
    const immd = await t.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    await runDepartmentReport({ db: t.db, piiKey: TEST_PII_KEY }, { departmentId: immd.id, month });
    const before = await t.db
      .selectFrom("monthly_reports")
      .select(["id", "generated_at"])
      .where("month", "=", month)
      .execute();
    expect(before).toHaveLength(1);
    // Our own keys only: a Redis that has lost everything of this deployment.
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();

    const env = {
      DATABASE_URL: t.processUrl,
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
    };
    workers.push(...(await Promise.all([spawnWorker(env), spawnWorker(env)])));

    const departments = await t.db.selectFrom("departments").select("id").orderBy("id").execute();
    const summaries = async () =>
      t.db.selectFrom("government_summaries").select("generated_at").where("month", "=", month).execute();
    await until("the month's summary", async () => (await summaries()).length > 0, 45_000);

    // The summary job has finished: nothing more is queued for the month.
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.reports, queueOptions(connection, prefix));
    try {
      await until("the summary job to complete", async () => {
        const job = await queue.getJob(governmentJobId(month));
        return job && (await job.getState()) === "completed";
      });
      await sleep(1_000);
      const counts = await queue.getJobCounts("waiting", "active", "failed", "waiting-children");
      expect(counts).toEqual({ waiting: 0, active: 0, failed: 0, "waiting-children": 0 });
      // Delayed: only the monthly schedule's next run.
      expect((await queue.getDelayed()).map((j) => j.name)).toEqual([JOBS.reportsMonthly]);
    } finally {
      await queue.close();
      connection.disconnect();
    }

    const reports = await t.db
      .selectFrom("monthly_reports")
      .select(["department_id", "generated_at"])
      .where("month", "=", month)
      .orderBy("department_id")
      .execute();
    expect(reports.map((r) => r.department_id)).toEqual(departments.map((d) => d.id));
    expect(await summaries()).toHaveLength(1);
    // Each report was built once: the summary came after every one of them.
    const summary = (await summaries())[0]!;
    for (const r of reports) expect(r.generated_at <= summary.generated_at).toBe(true);
    expect(reports.find((r) => r.department_id === immd.id)?.generated_at).toBe(before[0]!.generated_at);
    for (const w of workers) expect(w.output()).toContain(`Reports for ${month}`);
  }, 60_000);
});
