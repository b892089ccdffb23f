import { spawn } from "node:child_process";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { bullPrefix, DEFAULT_JOB_OPTIONS, QUEUES, queueOptions } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { type JobHandlers, processorsOf } from "../../jobs/processors/registry";
import { startWorker } from "../../jobs/worker";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";

describe("the worker on a real Redis (own key prefix)", () => {
  const prefix = testPrefix();
  afterEach(async () => {
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("runs a registered processor with plain data and closes cleanly", async () => {
    const seen: unknown[] = [];
    const worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      log: () => undefined,
      processors: {
        reports: {
          "report.echo": async (data, ctx) => {
            seen.push({ data, attempt: ctx.attempt });
            return { ok: true };
          },
        },
      },
    });
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue("reports", {
      connection,
      prefix: bullPrefix(prefix),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    const job = await queue.add("report.echo", { departmentId: 7 }, { jobId: "echo-7" });
    const done = await new Promise((resolve, reject) => {
      worker.workers[0]!.on("completed", (j, result) => (j.id === job.id ? resolve(result) : undefined));
      setTimeout(() => reject(new Error("job not completed in 10 s")), 10_000).unref();
    });
    expect(done).toEqual({ ok: true });
    expect(seen).toEqual([{ data: { departmentId: 7 }, attempt: 1 }]);
    await queue.close();
    connection.disconnect();
    await worker.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:bull:reports:*`);
    redis.disconnect();
    // The job lives under our own prefix, nowhere else.
    expect(keys.length).toBeGreaterThan(0);
  });

  it("a job added with no options of its own retries with exponential backoff and jitter", async () => {
    const runs: number[] = [];
    const worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      log: () => undefined,
      processors: {
        reports: {
          "report.flaky": async () => {
            runs.push(Date.now());
            if (runs.length === 1) throw new Error("the database restarted");
            return { ok: true };
          },
        },
      },
    });
    const connection = producerConnection(TEST_REDIS_URL);
    // Every queue we open has the defaults (app/models/queues/definitions.ts queueOptions).
    const queue = new Queue("reports", queueOptions(connection, prefix));
    try {
      const job = await queue.add("report.flaky", {});
      expect(job.opts).toMatchObject({
        attempts: 5,
        backoff: { type: "exponential", delay: 5_000, jitter: 0.5 },
      });
      await new Promise((resolve, reject) => {
        worker.workers[0]!.on("completed", (j) => (j.id === job.id ? resolve(j) : undefined));
        setTimeout(() => reject(new Error("job not retried in 10 s")), 10_000).unref();
      });
      // The first retry waits between half of 5 s and 5 s (the jitter).
      const wait = runs[1]! - runs[0]!;
      expect(wait).toBeGreaterThanOrEqual(2_400);
      expect(wait).toBeLessThan(6_000);
    } finally {
      await queue.close();
      connection.disconnect();
      await worker.close();
    }
  });

  it("parses a job's payload once with its schema: one that does not fit fails at once, saying why", async () => {
    const handled: unknown[] = [];
    // Every defined job, each with a handler that records the (parsed) data it was given.
    const handlers = Object.fromEntries(
      Object.values(JOBS).map((name) => [
        name,
        async (data: unknown) => {
          handled.push(data);
          return { ok: true };
        },
      ]),
    ) as unknown as JobHandlers;
    const worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      log: () => undefined,
      processors: processorsOf(handlers),
    });
    const connection = producerConnection(TEST_REDIS_URL);
    // The default options: five attempts, which a payload that does not fit never uses.
    const queue = new Queue(QUEUES.reports, queueOptions(connection, prefix));
    try {
      const settled = (id: string | undefined) =>
        new Promise((resolve, reject) => {
          for (const w of worker.workers) {
            w.on("completed", (j) => (j.id === id ? resolve("completed") : undefined));
            w.on("failed", (j) => (j?.id === id ? resolve("failed") : undefined));
          }
          setTimeout(() => reject(new Error(`job ${id} not settled in 10 s`)), 10_000).unref();
        });
      const bad = await queue.add(JOBS.reportDepartment, { departmentId: 1, month: "2026-13" });
      expect(await settled(bad.id)).toBe("failed");
      const failed = (await queue.getJob(bad.id!))!;
      expect(await failed.getState()).toBe("failed");
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toBe("Invalid payload for report.department: month: a month as YYYY-MM");
      const extra = await queue.add(JOBS.reportGovernment, { month: "2026-10", email: "a@b.c" });
      expect(await settled(extra.id)).toBe("failed");
      expect((await queue.getJob(extra.id!))!.failedReason).toMatch(
        /^Invalid payload for report.government: /,
      );
      const good = await queue.add(JOBS.reportDepartment, { departmentId: 1, month: "2026-10" });
      expect(await settled(good.id)).toBe("completed");
      expect(handled).toEqual([{ departmentId: 1, month: "2026-10" }]);
    } finally {
      await queue.close();
      connection.disconnect();
      await worker.close();
    }
  });

  it("the worker process starts, says it is ready, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "jobs/worker.ts"], {
      env: {
        ...process.env,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        DATA_DIR: ".cache/test/worker",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    child.stderr.on("data", (d) => {
      out += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker not ready:\n${out}`)), 20_000);
      child.stdout.on("data", () => {
        if (out.includes("Pledge worker ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toContain("Redis ready");
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(out).toContain("Pledge worker stopped.");
  });
});
