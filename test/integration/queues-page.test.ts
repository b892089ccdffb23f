import net from "node:net";
import type { AppLoadContext } from "@remix-run/node";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueOverview } from "~/models/queues/overview.server";
import { action, loader } from "~/routes/admin.queues";
import { createWebRedis } from "~/utils/redis.server";
import { bullPrefix } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { type RunningWorker, startWorker } from "../../jobs/worker";
import { useTestApp } from "../setup/app";
import { TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { until, unusedPort } from "../setup/wait";

type PageData = Awaited<ReturnType<typeof loader>>;

describe.each(DB_KINDS)("/admin/queues on a real Redis (own key prefix) [%s]", (kind) => {
  const app = useTestApp(kind);
  let producer: Redis;
  let queue: Queue;
  let worker: RunningWorker;
  /** jobs whose processor now succeeds */
  const healed = new Set<string>();

  beforeEach(async () => {
    healed.clear();
    worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
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
    queue = new Queue("reports", { connection: producer, prefix: bullPrefix(app.c.prefix) });
  });
  afterEach(async () => {
    await worker.close();
    await queue.close();
    producer.disconnect();
  });

  /** Adds a job that fails twice (attempts: 2, short backoff) and waits until it has failed. */
  async function failingJob(jobId: string, departmentId = 7) {
    await queue.add(
      "report.boom",
      { departmentId },
      { jobId, attempts: 2, backoff: { type: "fixed", delay: 20 } },
    );
    await until(`${jobId} to fail`, async () => (await queue.getJobState(jobId)) === "failed");
  }

  async function page(cookie: string): Promise<PageData> {
    const res = await settle(() =>
      loader({ request: getRequest("/admin/queues", { cookie }), context: app.context, params: {} }),
    );
    expect(res.status).toBe(200);
    return (await res.json()) as PageData;
  }

  const post = (cookie: string, fields: Record<string, string>, options: { csrf?: null } = {}) =>
    settle(() =>
      action({
        request: postForm("/admin/queues", fields, { csrfToken: app.csrfToken, cookie, ...options }),
        context: app.context,
        params: {},
      }),
    );

  it("shows counts, schedules and the failed job with its error to a system administrator", async () => {
    await failingJob("boom-7");
    await queue.upsertJobScheduler("test-every-hour", { every: 3_600_000 }, { name: "report.tick" });
    const data = await page(await signInAs(app.c, "sysadmin"));
    expect(data.overview.state).toBe("up");
    if (data.overview.state !== "up") return;
    expect(data.redisHelp).toBeNull();
    expect(data.overview.queues.map((q) => q.name).sort()).toEqual([
      "imports",
      "maintenance",
      "notifications",
      "reports",
    ]);
    const reports = data.overview.queues.find((q) => q.name === "reports")!;
    expect(Object.keys(reports.counts).sort()).toEqual(
      [
        "active",
        "completed",
        "delayed",
        "failed",
        "paused",
        "prioritized",
        "waiting",
        "waiting-children",
      ].sort(),
    );
    expect(reports.counts.failed).toBeGreaterThanOrEqual(1);
    const failed = reports.failed.find((j) => j.id === "boom-7");
    expect(failed).toMatchObject({
      name: "report.boom",
      data: '{"departmentId":7}',
      attemptsMade: 2,
      failedReason: "department 7: boom",
    });
    expect(failed!.finishedOn).toBeGreaterThan(Date.now() - 60_000);
    expect(failed!.where).toMatch(/^at /);
    expect(reports.schedulers).toEqual([
      expect.objectContaining({ id: "test-every-hour", jobName: "report.tick", everyMs: 3_600_000 }),
    ]);
    expect(reports.schedulers[0]!.nextRunAt).toBeGreaterThan(Date.now());
  });

  it("is not there for a manager (404, audited), page or form", async () => {
    const cookie = await signInAs(app.c, "manager.immd");
    const res = await settle(() =>
      loader({ request: getRequest("/admin/queues", { cookie }), context: app.context, params: {} }),
    );
    expect(res.status).toBe(404);
    const posted = await post(cookie, { intent: "retry-all", queue: "reports" });
    expect(posted.status).toBe(404);
    const denied = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "access.denied")
      .execute();
    expect(denied.length).toBe(2);
    const signedOut = await settle(() =>
      loader({ request: getRequest("/admin/queues"), context: app.context, params: {} }),
    );
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe("/staff/sign-in?redirectTo=%2Fadmin%2Fqueues");
  });

  it("retries a failed job only with CSRF, audits it, and the job then completes", async () => {
    await failingJob("boom-7");
    const cookie = await signInAs(app.c, "sysadmin");
    healed.add("boom-7");

    const forged = await post(cookie, { intent: "retry", queue: "reports", jobId: "boom-7" }, { csrf: null });
    expect(forged.status).toBe(403);
    expect(await queue.getJobState("boom-7")).toBe("failed");

    const res = await post(cookie, { intent: "retry", queue: "reports", jobId: "boom-7" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/queues?queue=reports&retried=boom-7");
    await until("boom-7 to complete", async () => (await queue.getJobState("boom-7")) === "completed");

    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "queue.retry")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: "job", entity_id: "boom-7" });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ queue: "reports" });

    // The redirect's page says so.
    const after = await settle(() =>
      loader({
        request: getRequest("/admin/queues?queue=reports&retried=boom-7", { cookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(((await after.json()) as PageData).notice).toEqual({
      kind: "retried",
      queue: "reports",
      id: "boom-7",
    });

    // Once more: it has not failed now, so nothing is done and nothing audited.
    const again = await post(cookie, { intent: "retry", queue: "reports", jobId: "boom-7" });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ notice: { kind: "notFailed", queue: "reports", id: "boom-7" } });
    expect(
      await app.db.selectFrom("audit_events").select("id").where("action", "=", "queue.retry").execute(),
    ).toHaveLength(1);
  });

  it("refuses unknown queues and jobs with 404 and a bad intent with 400", async () => {
    const cookie = await signInAs(app.c, "sysadmin");
    expect((await post(cookie, { intent: "retry", queue: "nope", jobId: "1" })).status).toBe(404);
    expect((await post(cookie, { intent: "retry-all", queue: "reports:x" })).status).toBe(404);
    expect((await post(cookie, { intent: "retry", queue: "reports", jobId: "no-such-job" })).status).toBe(
      404,
    );
    expect((await post(cookie, { intent: "retry", queue: "reports", jobId: "a b/../c" })).status).toBe(404);
    expect((await post(cookie, { intent: "retry", queue: "reports" })).status).toBe(404);
    expect((await post(cookie, { intent: "drop", queue: "reports" })).status).toBe(400);
  });

  it("retries all failed jobs of a queue and audits it once with the count", async () => {
    await failingJob("boom-8", 8);
    await failingJob("boom-9", 9);
    const cookie = await signInAs(app.c, "sysadmin");
    healed.add("boom-8");
    healed.add("boom-9");
    const res = await post(cookie, { intent: "retry-all", queue: "reports" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/queues?queue=reports&retriedAll=2");
    await until(
      "both to complete",
      async () =>
        (await queue.getJobState("boom-8")) === "completed" &&
        (await queue.getJobState("boom-9")) === "completed",
    );
    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "queue.retry-all")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: "queue", entity_id: "reports" });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ queue: "reports", count: 2 });
  });

  it("still renders, within about 2 s, when Redis cannot be reached", async () => {
    const cookie = await signInAs(app.c, "sysadmin");
    const down = createWebRedis(`redis://127.0.0.1:${await unusedPort()}`);
    try {
      const context = { ...app.context, redis: down } as AppLoadContext;
      const started = Date.now();
      const res = await settle(() =>
        loader({ request: getRequest("/admin/queues", { cookie }), context, params: {} }),
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.status).toBe(200);
      const data = (await res.json()) as PageData;
      expect(data.overview).toEqual({ state: "down" });
      expect(data.redisHelp!.commands).toEqual([
        "apt-get install -y redis-server",
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379",
      ]);
      expect(data.redisHelp!.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+/);

      const posted = await settle(() =>
        action({
          request: postForm(
            "/admin/queues",
            { intent: "retry", queue: "reports", jobId: "boom-7" },
            { csrfToken: app.csrfToken, cookie },
          ),
          context,
          params: {},
        }),
      );
      expect(posted.status).toBe(503);
      expect(await posted.json()).toEqual({ notice: { kind: "unreachable" } });
    } finally {
      down.disconnect();
    }
  });

  it("gives up on a Redis that does not answer within the time box", async () => {
    // A server that accepts connections and never answers: the connection is never ready.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as net.AddressInfo).port;
    const redis = createWebRedis(`redis://127.0.0.1:${port}`);
    try {
      const started = Date.now();
      expect(await queueOverview(redis, app.c.prefix, { timeoutMs: 300 })).toEqual({ state: "down" });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      redis.disconnect();
      silent.close();
    }
  });
});
