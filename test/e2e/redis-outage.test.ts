import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hkMonth } from "~/models/calendar/time";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { createDb, type Db } from "../../db/client";
import { producerConnection, workerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { governmentJobId, reportsDueMonth } from "../../jobs/processors/reports";
import { testPrefix } from "../setup/context";
import { type RunningServer, startServer } from "../setup/server";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { sleep, until, unusedPort } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * Redis stopped for a minute while citizens and staff keep working (issue 6, Faults): a Redis of
 * this test's own on a free port, with an append-only file so it comes back with its data, as a
 * production Redis would. Web and worker are the real processes.
 */
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 60_000);

describe("Redis stopped for a minute during intake", () => {
  let redisDir: string;
  let redisPort: number;
  let redisUrl: string;
  let redisProcess: ChildProcess | undefined;
  let server: RunningServer;
  let worker: WorkerProcess;
  let smtp: TestSmtp;
  let db: Db;
  /** e-mail sent before the outage: last month's digests */
  let mailedBefore = 0;
  const prefix = testPrefix();
  /** what the mail server received since the outage began */
  const sinceOutage = () => smtp.received.slice(mailedBefore);

  const startRedis = async () => {
    redisProcess = spawn(
      "redis-server",
      [
        "--port",
        String(redisPort),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--dir",
        redisDir,
      ],
      { stdio: "ignore" },
    );
    await until("Redis to answer", async () => {
      try {
        return (
          execFileSync("redis-cli", ["-p", String(redisPort), "ping"], { encoding: "utf8" }).trim() === "PONG"
        );
      } catch {
        return false;
      }
    });
  };
  const stopRedis = async () => {
    // SHUTDOWN writes the append-only file; the data is there when it starts again.
    const exited = new Promise((r) => redisProcess?.once("exit", r));
    execFileSync("redis-cli", ["-p", String(redisPort), "shutdown"], { stdio: "ignore" });
    await exited;
  };

  beforeAll(async () => {
    redisDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-redis-"));
    redisPort = await unusedPort();
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    await startRedis();
    smtp = await startSmtp();
    server = await startServer({ REDIS_URL: redisUrl });
    db = createDb(server.dbPath);
    worker = await spawnWorker({
      DATABASE_URL: server.dbPath,
      // The web's data directory: the same generated keys, so the worker can read the addresses.
      DATA_DIR: server.dataDir,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SMTP_URL: smtp.url,
    });
    // The worker makes last month's reports on start (a new database has none): let that finish,
    // and its digests go out, before the outage begins.
    const month = reportsDueMonth(new Date());
    await until("last month's summary", async () =>
      db.selectFrom("government_summaries").select("month").where("month", "=", month).executeTakeFirst(),
    );
    await until("last month's digests", async () => {
      const unsent = await db
        .selectFrom("outbox_messages")
        .select("id")
        .where("sent_at", "is", null)
        .execute();
      return unsent.length === 0;
    });
    mailedBefore = smtp.received.length;
  });
  afterAll(async () => {
    await worker?.stop("SIGKILL");
    await server?.stop();
    await db?.destroy();
    await smtp?.close();
    if (redisProcess && redisProcess.exitCode === null) {
      const exited = new Promise((r) => redisProcess?.once("exit", r));
      redisProcess.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(redisDir, { recursive: true, force: true });
  });

  const count = async (table: "survey_responses" | "feedback_entries" | "cases") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("keeps every response, feedback entry and case, then mails and reports them when Redis is back", async () => {
    const base = server.baseUrl;
    const before = {
      responses: await count("survey_responses"),
      feedback: await count("feedback_entries"),
      cases: await count("cases"),
    };
    await stopRedis();
    const stoppedAt = Date.now();
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ queue: "down" });

    // A citizen answers a survey.
    const surveyPage = await (await fetch(`${base}/s/immdcsat`)).text();
    const inputs = [...surveyPage.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]);
    const attr = (tag: string, name: string) => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
    const versionId = attr(inputs.find((i) => attr(i, "name") === "versionId")!, "value")!;
    const five = inputs.find((i) => /^q\d+$/.test(attr(i, "name") ?? "") && attr(i, "value") === "5")!;
    const survey = await fetch(`${base}/s/immdcsat`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ versionId, [attr(five, "name")!]: "5" }),
    });
    expect(survey.status).toBe(302);
    expect(survey.headers.get("location")).toContain("/s/immdcsat/thanks");

    // A citizen lodges a complaint.
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const complaint = new FormData();
    complaint.set("department", String(immd.id));
    complaint.set("whatHappened", "The queue ticket machine was broken all morning.");
    complaint.set("email", "citizen@example.org");
    complaint.set("consent", "yes");
    const lodged = await fetch(`${base}/complaints/new`, {
      method: "POST",
      redirect: "manual",
      body: complaint,
    });
    expect(lodged.status).toBe(303);
    const reference = new URL(lodged.headers.get("location")!, base).searchParams.get("ref");
    expect(reference).toMatch(/^IMMD-/);

    // Counter staff sign in (the sign-in limiter counts in the database) and log important feedback.
    const signInPage = await fetch(`${base}/staff/sign-in`);
    const csrf = (signInPage.headers.get("set-cookie") ?? "").match(/pledge_csrf=([^;]+)/)?.[1] ?? "";
    const signedIn = await fetch(`${base}/staff/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}`,
        Origin: base,
      },
      body: new URLSearchParams({
        csrf,
        username: "counter.immd",
        password: "pledge-demo-2026",
        redirectTo: "/staff",
      }),
    });
    expect(signedIn.status).toBe(302);
    const session = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => !c.startsWith("pledge_csrf="))!;
    const logged = await fetch(`${base}/staff/feedback`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}; ${session}`,
        Origin: base,
      },
      body: new URLSearchParams({
        csrf,
        kind: "suggestion",
        channel: "counter",
        summary: "Elderly applicants ask for a second queue during the outage",
        language: "en",
        important: "on",
      }),
    });
    expect(logged.status).toBe(302);
    expect(logged.headers.get("location")).toContain("saved=");

    // All of it is in the database, with Redis still down.
    expect(await count("survey_responses")).toBe(before.responses + 1);
    expect(await count("feedback_entries")).toBe(before.feedback + 1);
    expect(await count("cases")).toBe(before.cases + 1);
    expect(smtp.received).toHaveLength(mailedBefore);

    // A minute without Redis; the worker waits, it does not die.
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    expect(worker.child.exitCode).toBeNull();
    await startRedis();
    const backAt = Date.now();

    // The manager hears of the important feedback and the citizen gets the acknowledgement.
    await until(
      "the manager's e-mail and the acknowledgement",
      async () =>
        sinceOutage().some((m) => m.to.includes("manager.immd@pledge.example")) &&
        sinceOutage().some((m) => m.to.includes("citizen@example.org")),
      90_000,
    );
    expect(Date.now() - backAt).toBeLessThan(60_000);
    const toManager = sinceOutage().filter((m) => m.to.includes("manager.immd@pledge.example"));
    expect(toManager).toHaveLength(1);
    expect(subjectOf(toManager[0]!.raw)).toContain("Important feedback");
    expect(sinceOutage().find((m) => m.to.includes("citizen@example.org"))!.raw).toContain(reference!);

    // The reports catch up: this month's run (forced) counts what came in during the outage.
    const month = hkMonth(new Date());
    const connection = producerConnection(redisUrl);
    const queue = new Queue(QUEUES.reports, { connection, prefix: bullPrefix(prefix) });
    const events = new QueueEvents(QUEUES.reports, {
      connection: workerConnection(redisUrl),
      prefix: bullPrefix(prefix),
    });
    try {
      await events.waitUntilReady();
      await queue.add(JOBS.reportsMonthly, { month });
      const parent = await until("the month's flow", async () => Job.fromId(queue, governmentJobId(month)));
      await parent.waitUntilFinished(events, 60_000);
    } finally {
      await events.close();
      await queue.close();
      connection.disconnect();
    }
    const report = await db
      .selectFrom("monthly_reports")
      .select("data")
      .where("department_id", "=", immd.id)
      .where("month", "=", month)
      .executeTakeFirstOrThrow();
    const data = JSON.parse(report.data);
    expect(data.surveys.responses.count).toBe(1);
    expect(data.feedback.total.count).toBe(1);
    expect(data.complaints.received.count).toBe(1);
    expect(data.importantFeedback).toHaveLength(1);
  }, 240_000);
});
