import net from "node:net";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bullPrefix } from "../../app/models/queues/definitions";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { producerConnection } from "../../jobs/connection";
import { type RunningWorker, startWorker } from "../../jobs/worker";
import { expectNoAxeViolations, launchBrowser } from "../setup/browser";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { type RunningServer, startServer } from "../setup/server";
import { until } from "../setup/wait";

async function signInAsSysadmin(browser: BrowserContext, baseUrl: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/staff/sign-in`);
  await page.getByLabel("Username").fill("sysadmin");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/staff`);
  return page;
}

describe("the job queues page", () => {
  // The server reads the queues under a prefix this test owns, where a job has failed.
  const prefix = testPrefix();
  const healed = new Set<string>();
  let server: RunningServer;
  let worker: RunningWorker;
  let producer: Redis;
  let queue: Queue;

  beforeAll(async () => {
    worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      log: () => undefined,
      processors: {
        reports: {
          "report.boom": async (_data, ctx) => {
            if (!healed.has(String(ctx.jobId))) throw new Error("department 7: boom");
            return { ok: true };
          },
        },
      },
    });
    producer = producerConnection(TEST_REDIS_URL);
    queue = new Queue("reports", { connection: producer, prefix: bullPrefix(prefix) });
    await queue.upsertJobScheduler(
      "test-daily",
      { pattern: "0 8 * * *", tz: "Asia/Hong_Kong" },
      { name: "report.tick" },
    );
    await queue.add("report.boom", { departmentId: 7 }, { jobId: "boom-7", attempts: 2, backoff: 20 });
    await until("boom-7 to fail", async () => (await queue.getJobState("boom-7")) === "failed");
    server = await startServer({ REDIS_PREFIX: prefix });
  });
  afterAll(async () => {
    await server?.stop();
    await worker?.close();
    await queue?.close();
    producer?.disconnect();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("lists the failed job, passes axe in both languages, and retries it without JavaScript", async () => {
    const browser = await launchBrowser();
    try {
      const page = await signInAsSysadmin(browser, server.baseUrl);
      await page.getByRole("link", { name: "Job queues" }).click();
      await page.waitForURL(`${server.baseUrl}/admin/queues`);
      await page.locator("h1", { hasText: "Job queues" }).waitFor();
      const row = page.locator('tr[data-job="boom-7"]');
      await expect(row.textContent()).resolves.toContain("department 7: boom");
      await expect(
        page.locator('tr[data-queue="reports"] td[data-state="failed"]').textContent(),
      ).resolves.toBe("1");
      await expect(page.getByRole("cell", { name: "Cron pattern 0 8 * * *" }).count()).resolves.toBe(1);
      await expect(
        page.getByRole("button", { name: "Retry job boom-7 in the Reports queue" }).count(),
      ).resolves.toBe(1);
      await expectNoAxeViolations(page);

      await page.goto(`${server.baseUrl}/locale?lng=zh-HK&redirectTo=/admin/queues`);
      await page.locator("h1", { hasText: "工作隊列" }).waitFor();
      await expect(page.getByRole("button", { name: "重試報告隊列的工作boom-7" }).count()).resolves.toBe(1);
      await expectNoAxeViolations(page);
      await page.goto(`${server.baseUrl}/locale?lng=en&redirectTo=/staff`);
    } finally {
      await browser.cleanup();
    }

    const noJs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await signInAsSysadmin(noJs, server.baseUrl);
      await page.goto(`${server.baseUrl}/admin/queues`);
      healed.add("boom-7");
      await page.getByRole("button", { name: "Retry job boom-7 in the Reports queue" }).click();
      await page.getByText("Job boom-7 in the Reports queue is waiting to run again.").waitFor();
      await until("boom-7 to complete", async () => (await queue.getJobState("boom-7")) === "completed");
      await page.reload();
      await expect(page.locator('tr[data-job="boom-7"]').count()).resolves.toBe(0);
      await page.getByText("No failed jobs.").first().waitFor();
    } finally {
      await noJs.cleanup();
    }
  });
});

describe("the job queues page with Redis unreachable", () => {
  let server: RunningServer;
  beforeAll(async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    server = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("says so and how to start Redis, in both languages, and passes axe", async () => {
    const browser = await launchBrowser();
    try {
      const page = await signInAsSysadmin(browser, server.baseUrl);
      const res = await page.goto(`${server.baseUrl}/admin/queues`);
      expect(res?.status()).toBe(200);
      await page.getByRole("heading", { name: "The job queues cannot be reached" }).waitFor();
      await page.getByText("redis-server --daemonize yes --bind 127.0.0.1 --port 6379").waitFor();
      await expectNoAxeViolations(page);

      await page.goto(`${server.baseUrl}/locale?lng=zh-HK&redirectTo=/admin/queues`);
      await page.getByRole("heading", { name: "暫時未能連接工作隊列" }).waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await browser.cleanup();
    }
  });
});
