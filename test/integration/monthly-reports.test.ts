import { FlowProducer, Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestMessage } from "~/models/reports/digests.server";
import { getGovernmentSummary } from "~/models/reports/government.server";
import { action as queuesAction, loader as queuesLoader } from "~/routes/admin.queues";
import { createMailer, type Mailer } from "~/utils/mailer.server";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { producerConnection, workerConnection } from "../../jobs/connection";
import { JOBS, TIMEZONE } from "../../jobs/definitions";
import { buildProcessors } from "../../jobs/processors/registry";
import {
  departmentJobId,
  governmentJobId,
  monthJustEnded,
  runDepartmentReport,
} from "../../jobs/processors/reports";
import { type RunningWorker, startWorker, upsertSchedules } from "../../jobs/worker";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { storeTestResponse } from "../setup/survey-responses";

const MONTH = "2026-10";

describe.each(DB_KINDS)("the monthly schedule on a real Redis [%s]", (kind) => {
  const app = useTestApp(kind);
  let smtp: TestSmtp;
  let mailer: Mailer;
  let worker: RunningWorker | undefined;
  const closers: (() => unknown)[] = [];

  beforeEach(async () => {
    smtp = await startSmtp();
    mailer = createMailer({ SMTP_URL: smtp.url }) as Mailer;
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    for (const close of closers.splice(0).reverse()) await close();
    mailer.close();
    await smtp.close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, app.c.prefix);
    redis.disconnect();
  });

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;

  async function respond(slug: string, at: string, overall: string) {
    await storeTestResponse(app.db, slug, { at, answers: { overall } });
  }

  /** A second IMMD manager and one for Hongkong Post, so each gets their own digest. */
  async function addManagers() {
    const now = new Date().toISOString();
    const base = {
      password_hash: "unused",
      is_active: 1,
      created_at: now,
      updated_at: now,
      last_sign_in_at: null,
    };
    await app.db
      .insertInto("staff_users")
      .values([
        {
          ...base,
          department_id: await deptId("IMMD"),
          username: "manager2.immd",
          display_name: "Second IMMD manager",
          role: "manager",
          email: "manager2.immd@pledge.example",
        },
        {
          ...base,
          department_id: await deptId("HKP"),
          username: "manager.hkp",
          display_name: "HKP manager",
          role: "manager",
          email: "manager.hkp@pledge.example",
        },
        {
          ...base,
          department_id: await deptId("HKP"),
          username: "former.hkp",
          display_name: "Former HKP manager",
          role: "manager",
          email: "former.hkp@pledge.example",
          is_active: 0,
        },
      ])
      .execute();
  }

  it("fans out one report per department, then the summary, and e-mails each manager once", async () => {
    await addManagers();
    // October in Hong Kong: 5 and 4 (satisfied), 2; a response at 23:59 HKT on 31 October counts
    // in October, one two minutes later (November in Hong Kong) does not.
    await respond("immdcsat", "2026-10-05T03:00:00.000Z", "5");
    await respond("immdcsat", "2026-10-12T03:00:00.000Z", "4");
    await respond("immdcsat", "2026-10-20T03:00:00.000Z", "2");
    await respond("immdcsat", "2026-10-31T15:59:00.000Z", "5");
    await respond("immdcsat", "2026-10-31T16:01:00.000Z", "1");
    await respond("hkpcsat", "2026-10-10T03:00:00.000Z", "1");
    // September: one of two satisfied, so October's 75% is up 25 points.
    await respond("immdcsat", "2026-09-10T03:00:00.000Z", "5");
    await respond("immdcsat", "2026-09-11T03:00:00.000Z", "1");

    const prefix = bullPrefix(app.c.prefix);
    const connection = producerConnection(TEST_REDIS_URL);
    const flow = new FlowProducer({ connection, prefix });
    const reports = new Queue(QUEUES.reports, { connection, prefix });
    const notifications = new Queue(QUEUES.notifications, { connection, prefix });
    const events = new QueueEvents(QUEUES.reports, { connection: workerConnection(TEST_REDIS_URL), prefix });
    closers.push(
      () => connection.disconnect(),
      () => flow.close(),
      () => reports.close(),
      () => notifications.close(),
      () => events.close(),
    );
    await events.waitUntilReady();

    // The schedule: set by every worker start, still one; the 1st of the month, Hong Kong time.
    const queues = { [QUEUES.reports]: reports, [QUEUES.notifications]: notifications };
    for (let i = 0; i < 3; i++) await upsertSchedules(queues);
    const schedulers = (await reports.getJobSchedulers()).filter((s) => s.key === "reports-monthly");
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([
      ["reports-monthly", "0 2 1 * *", TIMEZONE],
    ]);
    // Its next run is 02:00 on the 1st in Hong Kong (18:00 UTC the day before).
    const next = new Date(Number(schedulers[0]!.next));
    expect(next.toISOString()).toMatch(/T18:00:00\.000Z$/);
    expect(new Date(next.getTime() + 8 * 3600_000).getUTCDate()).toBe(1);
    // On that day, the month just ended is the one the run reports on.
    expect(monthJustEnded(new Date("2026-11-01T02:00:00+08:00"))).toBe("2026-10");
    expect(monthJustEnded(new Date("2026-10-31T23:59:00+08:00"))).toBe("2026-09");

    worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({ db: app.db, env: app.context.env, mailer, flow }),
    });

    // A forced run of the scheduler's job, for October.
    await reports.add(JOBS.reportsMonthly, { month: MONTH });
    const deadline = Date.now() + 60_000;
    let parent: Job | undefined;
    while (!parent && Date.now() < deadline) {
      parent = await Job.fromId(reports, governmentJobId(MONTH));
      if (!parent) await new Promise((r) => setTimeout(r, 100));
    }
    expect(parent, "the monthly job added the flow").toBeDefined();
    const summaryResult = await parent!.waitUntilFinished(events, 60_000);

    const departments = await app.db.selectFrom("departments").select(["id", "code"]).execute();
    const stored = await app.db
      .selectFrom("monthly_reports")
      .selectAll()
      .where("month", "=", MONTH)
      .execute();
    expect(stored).toHaveLength(departments.length);
    expect(new Set(stored.map((r) => r.department_id)).size).toBe(departments.length);
    expect(summaryResult).toEqual({
      month: MONTH,
      reported: departments.length,
      departments: departments.length,
    });

    const immd = JSON.parse(
      stored.find((r) => r.department_id === departments.find((d) => d.code === "IMMD")!.id)!.data,
    );
    expect(immd.surveys.responses.count).toBe(4);
    const csat = immd.surveys.perSurvey.find((s: { slug: string }) => s.slug === "immdcsat");
    expect([csat.satisfied, csat.rated]).toEqual([3, 4]);
    const hkp = JSON.parse(
      stored.find((r) => r.department_id === departments.find((d) => d.code === "HKP")!.id)!.data,
    );
    expect(hkp.surveys.responses.count).toBe(1);

    const summary = await getGovernmentSummary(app.db, MONTH);
    expect(summary).toMatchObject({ month: MONTH, reported: departments.length, readByManagement: 0 });
    expect(summary!.departments).toBe(departments.length);

    // Exactly one digest per active manager with an address, one summary per central reviewer.
    const expected = [
      "manager.immd@pledge.example",
      "manager2.immd@pledge.example",
      "manager.hkp@pledge.example",
      "reviewer@pledge.example",
    ];
    const mailDeadline = Date.now() + 30_000;
    while (smtp.received.length < expected.length && Date.now() < mailDeadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.received.map((m) => m.to.join(",")).sort()).toEqual([...expected].sort());
    const immdDigest = smtp.received.find((m) => m.to[0] === "manager.immd@pledge.example")!;
    // The month as each language writes it (issue 15), not "2026-10".
    expect(subjectOf(immdDigest.raw)).toContain("Immigration Department: monthly report for October 2026");
    expect(subjectOf(immdDigest.raw)).toContain("入境事務處：2026年10月每月報告");
    const immdReportId = stored.find(
      (r) => r.department_id === departments.find((d) => d.code === "IMMD")!.id,
    )!.id;
    expect(immdDigest.raw.replace(/=\r?\n/g, "")).toContain(`/reports/${immdReportId}`);
    // The digest's headline figures, as the manager reads them.
    const digest = digestMessage(immdReportId, immd);
    expect(digest.body).toContain("Survey responses: 4");
    expect(digest.body).toContain(
      "Satisfied customers, Customer satisfaction survey: 75% (change from last month: +25 points)",
    );
    expect(digest.body).toContain("問卷回應：4份");
    expect(digest.body).toContain("入境事務處2026年10月的每月管理報告已經備妥");
    // The case-handling survey had no ratings in October: no line for it.
    expect(digest.body).not.toContain("How we handled your complaint");
    const review = smtp.received.find((m) => m.to[0] === "reviewer@pledge.example")!;
    expect(subjectOf(review.raw)).toContain("Government-wide summary for October 2026");
    expect(subjectOf(review.raw)).toContain("2026年10月政府各部門摘要");

    // Run again: the month's jobs exist already (fixed ids), and rebuilding a report in place
    // keeps its id and sends nothing more.
    await reports.add(JOBS.reportsMonthly, { month: MONTH });
    await runDepartmentReport(
      { db: app.db, piiKey: app.context.env.PII_KEY },
      { departmentId: immd.department.id, month: MONTH },
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await app.db
      .selectFrom("monthly_reports")
      .select("id")
      .where("month", "=", MONTH)
      .execute();
    expect(again.map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
    expect(smtp.received).toHaveLength(expected.length);
    const digests = await app.db.selectFrom("outbox_messages").select(["kind", "sent_at"]).execute();
    expect(digests.filter((m) => m.kind === "report.digest")).toHaveLength(3);
    expect(digests.every((m) => m.sent_at !== null)).toBe(true);
  }, 120_000);

  it("a department whose data breaks the report retries, fails alone, shows on the queue page, and can be retried", async () => {
    // Broken data in Hongkong Post: a published survey without a current version.
    await app.db
      .updateTable("surveys")
      .set({ current_version_id: null })
      .where("slug", "=", "hkpcsat")
      .execute();
    const prefix = bullPrefix(app.c.prefix);
    const connection = producerConnection(TEST_REDIS_URL);
    const flow = new FlowProducer({ connection, prefix });
    const reports = new Queue(QUEUES.reports, { connection, prefix });
    const events = new QueueEvents(QUEUES.reports, { connection: workerConnection(TEST_REDIS_URL), prefix });
    closers.push(
      () => connection.disconnect(),
      () => flow.close(),
      () => reports.close(),
      () => events.close(),
    );
    await events.waitUntilReady();
    worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({
        db: app.db,
        env: app.context.env,
        mailer,
        flow,
        // Three tries, quickly: the production default is five, from 5 s doubling.
        reportJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 100 } },
      }),
    });
    await reports.add(JOBS.reportsMonthly, { month: MONTH });
    let parent: Job | undefined;
    const deadline = Date.now() + 30_000;
    while (!parent && Date.now() < deadline) {
      parent = await Job.fromId(reports, governmentJobId(MONTH));
      if (!parent) await new Promise((r) => setTimeout(r, 100));
    }
    await parent!.waitUntilFinished(events, 60_000);

    const departments = await app.db.selectFrom("departments").select(["id", "code"]).execute();
    const hkpId = await deptId("HKP");
    const stored = await app.db
      .selectFrom("monthly_reports")
      .select("department_id")
      .where("month", "=", MONTH)
      .execute();
    // The others' reports are there; Hongkong Post's is not, and the summary says so.
    expect(stored).toHaveLength(departments.length - 1);
    expect(stored.map((r) => r.department_id)).not.toContain(hkpId);
    expect((await getGovernmentSummary(app.db, MONTH))!.reported).toBe(departments.length - 1);
    const failed = (await Job.fromId(reports, departmentJobId(hkpId, MONTH)))!;
    expect(await failed.getState()).toBe("failed");
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe("Survey hkpcsat is published but has no current version");

    // The system administrator sees it with its error on the queue page, and retries it once
    // the data is mended.
    const cookie = await signInAs(app.c, "sysadmin");
    const page = await queuesLoader({
      request: getRequest("/admin/queues", { cookie }),
      context: app.context,
      params: {},
    });
    if (page.overview.state !== "up") throw new Error("queue page says Redis is down");
    const reportsQueue = page.overview.queues.find((q) => q.name === QUEUES.reports)!;
    expect(reportsQueue.counts.failed).toBe(1);
    expect(reportsQueue.failed.map((f) => [f.id, f.failedReason])).toEqual([
      [departmentJobId(hkpId, MONTH), "Survey hkpcsat is published but has no current version"],
    ]);
    const survey = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "hkpcsat")
      .executeTakeFirstOrThrow();
    const version = await app.db
      .selectFrom("survey_versions")
      .select("id")
      .where("survey_id", "=", survey.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    await app.db
      .updateTable("surveys")
      .set({ current_version_id: version.id })
      .where("id", "=", survey.id)
      .execute();
    const retried = await settle(() =>
      queuesAction({
        request: postForm(
          "/admin/queues",
          { intent: "retry", queue: QUEUES.reports, jobId: departmentJobId(hkpId, MONTH) },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(retried.status).toBe(302);
    await failed.waitUntilFinished(events, 30_000);
    const after = await app.db
      .selectFrom("monthly_reports")
      .select("department_id")
      .where("month", "=", MONTH)
      .execute();
    expect(after).toHaveLength(departments.length);
    // The summary follows the late report.
    expect((await getGovernmentSummary(app.db, MONTH))!.reported).toBe(departments.length);
  }, 120_000);

  it("rejects a payload that is not ids and a month", async () => {
    const processors = buildProcessors({ db: app.db, env: app.context.env, mailer: null });
    const ctx = { jobId: "x", attempt: 1, log: () => undefined };
    await expect(processors.reports![JOBS.reportDepartment]!({ departmentId: 1 }, ctx)).rejects.toThrow();
    await expect(
      processors.reports![JOBS.reportDepartment]!({ departmentId: 1, month: "2026-13" }, ctx),
    ).rejects.toThrow();
    await expect(
      processors.reports![JOBS.reportDepartment]!({ departmentId: 1, month: MONTH, email: "a@b.c" }, ctx),
    ).rejects.toThrow();
    expect(await app.db.selectFrom("monthly_reports").selectAll().execute()).toHaveLength(0);
  });
});
