import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QUEUES, queueOptions } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { reportsDueMonth } from "../../jobs/processors/reports";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { freshDb, type TestDb } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { startSmtp, type TestSmtp } from "../setup/smtp";
import { until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * SIGTERM lets the jobs in flight finish, but not for ever: a job stuck on a mail server that
 * never answers must not keep a stopping worker alive. After WORKER_CLOSE_TIMEOUT_MS it exits
 * anyway, non-zero, saying why.
 */
describe("a stopping worker with a job that never ends", () => {
  let t: TestDb;
  let prefix: string;
  let dataDir: string;
  let smtp: TestSmtp;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    t = await freshDb("sqlite");
    prefix = testPrefix();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-worker-stop-"));
    // The mail server takes every message and never answers: the report job waits in its send.
    smtp = await startSmtp({ hold: () => true });
  });
  afterEach(async () => {
    await worker?.stop("SIGKILL");
    await smtp.close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await t.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("exits after WORKER_CLOSE_TIMEOUT_MS with a non-zero status and a message", async () => {
    worker = await spawnWorker({
      DATABASE_URL: t.processUrl,
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
      SMTP_URL: smtp.url,
      WORKER_CLOSE_TIMEOUT_MS: "2000",
    });
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.reports, queueOptions(connection, prefix));
    try {
      await queue.add(JOBS.reportsMonthly, { month: reportsDueMonth(new Date()) });
      await until("a message held at the mail server", async () => smtp.held > 0);
      expect(await queue.getActiveCount()).toBeGreaterThan(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const stopping = Date.now();
    const code = await Promise.race([
      worker.stop("SIGTERM"),
      new Promise<string>((r) => setTimeout(() => r("still running after 15 s"), 15_000)),
    ]);
    expect(code).toBe(1);
    expect(Date.now() - stopping).toBeLessThan(8_000);
    expect(worker.output()).toContain("did not stop within 2000 ms");
  }, 45_000);
});
