import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCase } from "../../app/models/cases/intake.server";
import { logFeedback } from "../../app/models/feedback/entries.server";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { createMailer, type Mailer } from "../../app/utils/mailer.server";
import { producerConnection } from "../../jobs/connection";
import { buildProcessors } from "../../jobs/processors/registry";
import { type RunningWorker, startWorker, upsertSchedules } from "../../jobs/worker";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL } from "../setup/context";
import { startSmtp, type TestSmtp } from "../setup/smtp";

describe("important feedback reaches managers through the real worker", () => {
  const app = useTestApp("sqlite");
  let smtp: TestSmtp;
  let mailer: Mailer;

  beforeEach(async () => {
    smtp = await startSmtp();
    mailer = createMailer({ SMTP_URL: smtp.url }) as Mailer;
  });
  afterEach(async () => {
    mailer.close();
    await smtp.close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, app.c.prefix);
    redis.disconnect();
  });

  it("e-mails the manager within a minute, on one schedule however often it is set", async () => {
    const env = app.context.env;
    const worker: RunningWorker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({ db: app.db, env, mailer }),
    });
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.notifications, { connection, prefix: bullPrefix(app.c.prefix) });
    try {
      // A worker restarted three times: still one schedule each. Short intervals keep the test quick.
      for (let i = 0; i < 3; i++) await upsertSchedules({ [QUEUES.notifications]: queue }, 1_000);
      expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
        "escalate-every-20s",
        "remind-due-daily",
        "send-every-20s",
      ]);

      const counter = await app.db
        .selectFrom("staff_users")
        .select(["id", "department_id"])
        .where("username", "=", "counter.immd")
        .executeTakeFirstOrThrow();
      const loggedAt = Date.now();
      await logFeedback(
        app.db,
        env.PII_KEY,
        { id: counter.id, departmentId: counter.department_id! },
        {
          kind: "suggestion",
          channel: "counter",
          serviceId: null,
          summary: "Open a second queue for elderly applicants",
          language: "en",
          important: true,
          wantsReply: false,
        },
      );
      const deadline = loggedAt + 60_000;
      while (smtp.received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(smtp.received.map((m) => m.to)).toEqual([["manager.immd@pledge.example"]]);
      expect(smtp.received[0]!.at - loggedAt).toBeLessThan(60_000);
      // A few more runs send nothing more.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(smtp.received).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  }, 90_000);

  it("flags an overdue case once, by the worker: the managers hear of it, however often it runs", async () => {
    const env = app.context.env;
    const immd = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const newCase = () =>
      createCase(app.db, env.PII_KEY, {
        departmentId: immd.id,
        serviceId: null,
        channel: "web",
        language: "en",
        whatHappened: "I waited three hours at the counter and was then sent away.",
        desiredOutcome: "An explanation and an appointment.",
        contact: { name: "Chan Tai Man", email: "chan@example.com", phone: "9123 4567" },
        consent: true,
      });
    const late = await newCase();
    await newCase(); // due in days: not overdue
    await app.db.updateTable("cases").set({ ack_due: "2020-01-02" }).where("id", "=", late.id).execute();
    const notices = () =>
      app.db.selectFrom("notifications").selectAll().where("kind", "=", "case_overdue").execute();
    expect(await notices()).toHaveLength(0);

    const worker: RunningWorker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({ db: app.db, env, mailer }),
    });
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.notifications, { connection, prefix: bullPrefix(app.c.prefix) });
    try {
      await upsertSchedules({ [QUEUES.notifications]: queue }, 1_000);
      const deadline = Date.now() + 60_000;
      while ((await notices()).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect((await notices()).map((n) => n.entity_id)).toEqual([late.id]);
      // A few more runs of the escalate job flag nothing more.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await notices()).toHaveLength(1);
      expect(
        await app.db
          .selectFrom("cases")
          .select("overdue_notified_at")
          .where("id", "=", late.id)
          .executeTakeFirst(),
      ).toEqual({ overdue_notified_at: expect.any(String) });
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  }, 90_000);
});
