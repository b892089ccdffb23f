import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, queueOptions } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { routeTemplate } from "../../server/observe";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";
import { until, unusedPort } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/** README "Metrics": /metrics of the web and the worker, for the token holder only. */
const TOKEN = "metrics-token-for-tests-0123456789";
const auth = { Authorization: `Bearer ${TOKEN}` };

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("route templates (bounded labels)", () => {
  it.each([
    ["/", "/"],
    ["/s/abc123", "/s/:slug"],
    ["/s/abc123/thanks", "/s/:slug/thanks"],
    ["/s/new", "/s/:slug"],
    ["/pledges", "/pledges"],
    ["/pledges/HKP", "/pledges/:dept"],
    ["/pledges/HKP.json", "/pledges/:dept.json"],
    ["/pledges.csv", "/pledges.csv"],
    ["/staff/cases/42", "/staff/cases/:id"],
    ["/staff/cases/42/attachments/7", "/staff/cases/:id/attachments/:attachmentId"],
    ["/staff/surveys/3/export.csv", "/staff/surveys/:id/export.csv"],
    ["/reports/12.pdf", "/reports/:id.pdf"],
    ["/admin/pledges/5/import", "/admin/pledges/:id/import"],
    ["/central/departments/IMMD", "/central/departments/:code"],
    ["/api/v1/surveys/abc/responses", "/api/v1/surveys/:id/responses"],
    ["/staff/reset-password/tok_en", "/staff/reset-password/:token"],
    ["/build/_shared/chunk-X.js", "/build/*"],
    ["/wp-login.php", "other"],
    ["/a/b/c/d/e/f/g/h", "other"],
    ["/staff/cases/1/2/3/4/5/6/7", "other"],
  ])("%s → %s", (p, template) => {
    expect(routeTemplate(p)).toBe(template);
  });
});

describe("/metrics", () => {
  let server: RunningServer;
  let worker: WorkerProcess | undefined;
  let slug: string;
  let prefix: string;
  let dir: string;

  beforeAll(async () => {
    server = await startServer({ METRICS_TOKEN: TOKEN });
    const db = new Database(server.dbPath, { readonly: true });
    slug = (
      db.prepare("SELECT slug FROM surveys WHERE status = 'published' LIMIT 1").get() as { slug: string }
    ).slug;
    db.close();
    prefix = testPrefix();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-metrics-"));
    fs.copyFileSync(server.dbPath, path.join(dir, "pledge.sqlite"));
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const r = await fetch(`${server.baseUrl}/metrics`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/plain");
    return r.text();
  };

  it("is 404 without the token or with a wrong one", async () => {
    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
    const wrong = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).not.toContain("pledge_");
  });

  it("counts requests by route template and status, with their durations", async () => {
    const series = `pledge_http_requests_total{method="GET",route="/s/:slug",status="200"}`;
    const before = sample(await scrape(), series);
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.baseUrl}/s/${slug}`)).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/no/such/page`)).status).toBe(404);
    const text = await scrape();
    expect(sample(text, series)).toBe(before + 3);
    expect(
      sample(text, `pledge_http_request_duration_seconds_count{method="GET",route="/s/:slug",status="200"}`),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(text, `pledge_http_requests_total{method="GET",route="other",status="404"}`),
    ).toBeGreaterThan(0);
    // The raw path is never a label.
    expect(text).not.toContain(slug);
    // Label-free defaults with the pledge_ prefix.
    expect(text).toMatch(/^pledge_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^pledge_process_start_time_seconds \d/m);
  });

  it("shows a request in flight while it is handled", async () => {
    expect(sample(await scrape(), "pledge_http_requests_in_flight")).toBe(0);
    // A survey answer whose body never ends: the request stays in flight.
    const url = new URL(`${server.baseUrl}/s/${slug}`);
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
    });
    req.on("error", () => undefined);
    req.write("a=1");
    try {
      await until(
        "the request in flight",
        async () => sample(await scrape(), "pledge_http_requests_in_flight") === 1,
      );
    } finally {
      req.destroy();
    }
    await until(
      "no request in flight",
      async () => sample(await scrape(), "pledge_http_requests_in_flight") === 0,
    );
  });

  it("the worker serves queue depths, the outbox and failed jobs on METRICS_PORT", async () => {
    worker = await spawnWorker({
      DATABASE_URL: path.join(dir, "pledge.sqlite"),
      DATA_DIR: dir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
      HOST: "127.0.0.1",
      METRICS_PORT: "0",
      METRICS_TOKEN: TOKEN,
    });
    const w = worker;
    const port = await until(
      "the worker's metrics line",
      async () => w.output().match(/Pledge worker metrics on http:\/\/localhost:(\d+)/)?.[1],
    );
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(url)).status).toBe(404);
    const text = await (await fetch(url, { headers: auth })).text();
    for (const queue of Object.values(QUEUES))
      for (const state of ["waiting", "active", "delayed", "failed"])
        expect(text).toContain(`pledge_queue_jobs{queue="${queue}",state="${state}"}`);
    expect(text).toMatch(/^pledge_outbox_backlog \d+/m);
    expect(text).toMatch(/^pledge_outbox_oldest_unsent_seconds \d/m);

    // A job no processor knows fails once (one attempt) and is counted.
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.maintenance, queueOptions(connection, prefix));
    try {
      await queue.add("metrics-test.unknown", {}, { attempts: 1 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const failed = `pledge_jobs_failed_total{queue="${QUEUES.maintenance}",name="metrics-test.unknown"}`;
    const after = await until("the failed job counted", async () => {
      const t = await (await fetch(url, { headers: auth })).text();
      return sample(t, failed) === 1 ? t : null;
    });
    expect(
      sample(after, `pledge_queue_jobs{queue="${QUEUES.maintenance}",state="failed"}`),
    ).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("a worker's scrape answers at once while Redis is down, without the queue figures", async () => {
    const down = await spawnWorker({
      DATABASE_URL: path.join(dir, "pledge.sqlite"),
      DATA_DIR: dir,
      REDIS_URL: `redis://127.0.0.1:${await unusedPort()}`,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
      HOST: "127.0.0.1",
      METRICS_PORT: "0",
      METRICS_TOKEN: TOKEN,
    });
    try {
      const port = await until(
        "the worker's metrics line",
        async () => down.output().match(/Pledge worker metrics on http:\/\/localhost:(\d+)/)?.[1],
      );
      const started = Date.now();
      const r = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: auth });
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(text).not.toMatch(/^pledge_queue_jobs\{/m);
      expect(text).toMatch(/^pledge_outbox_backlog \d+/m);
    } finally {
      await down.stop("SIGKILL");
    }
  }, 60_000);
});
