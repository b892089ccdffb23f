import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { logFeedback } from "~/models/feedback/entries.server";
import { action as editStaffAction, loader as editStaffLoader } from "~/routes/admin.staff.$id";
import { action as newStaffAction } from "~/routes/admin.staff.new";
import { createMailer, type Mailer } from "~/utils/mailer.server";
import { tFor } from "~/utils/meta";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { JOBS } from "../../jobs/definitions";
import { buildProcessors } from "../../jobs/processors/registry";
import { type RunningWorker, startWorker, upsertSchedules } from "../../jobs/worker";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";

describe.each(DB_KINDS)("staff e-mail addresses, set by administrators [%s]", (kind) => {
  const app = useTestApp(kind);
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, app.c.prefix);
    redis.disconnect();
  });

  const staffCount = async () =>
    Number(
      (
        await app.db
          .selectFrom("staff_users")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditCount = async () =>
    Number(
      (
        await app.db
          .selectFrom("audit_events")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("action", "like", "staff.%")
          .executeTakeFirstOrThrow()
      ).n,
    );
  const account = (username: string) =>
    app.db
      .selectFrom("staff_users")
      .select(["id", "role", "email", "display_name", "department_id"])
      .where("username", "=", username)
      .executeTakeFirst();

  async function create(cookie: string, fields: Record<string, string>) {
    const res = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
    return { status: res.status, body: res.status === 400 ? await res.json() : null };
  }

  async function edit(cookie: string, id: number, fields: Record<string, string>) {
    const res = await settle(() =>
      editStaffAction({
        request: postForm(
          `/admin/staff/${id}`,
          { intent: "update", ...fields },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: { id: String(id) },
      }),
    );
    return { status: res.status, body: res.status === 400 ? await res.json() : null };
  }

  const person = (username: string, role: string, email?: string) => ({
    username,
    displayName: `Person ${username}`,
    role,
    password: "long-enough-1",
    ...(email === undefined ? {} : { email }),
  });

  it("requires an address for managers and case officers, not for other roles, and refuses a bad one", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    const staff = await staffCount();
    const audits = await auditCount();

    for (const role of ["manager", "case_officer"]) {
      for (const email of [undefined, "", "   "]) {
        const r = await create(cookie, person(`no-mail.${role}`, role, email));
        expect(r.status).toBe(400);
        expect(r.body.errors).toEqual({ email: "validation.emailRequired" });
        // What was typed comes back, never the password.
        expect(r.body.values.username).toBe(`no-mail.${role}`);
        expect(r.body.values.password).toBeUndefined();
      }
    }
    for (const [role, email] of [
      ["manager", "not-an-address"],
      ["counter_staff", "two@at@example.com"],
      ["case_officer", `${"a".repeat(250)}@x.example`],
    ] as const) {
      const r = await create(cookie, person(`bad-mail.${role}`, role, email));
      expect(r.status).toBe(400);
      expect(r.body.errors.email).toMatch(/^validation\.(email|tooLong)$/);
    }
    // Nothing written, nothing audited.
    expect(await staffCount()).toBe(staff);
    expect(await auditCount()).toBe(audits);

    // The messages read in both languages.
    for (const key of ["validation.emailRequired", "validation.email"]) {
      expect(tFor("en")(key)).toMatch(/e-mail/i);
      expect(tFor("zh-HK")(key)).toMatch(/電郵/);
    }

    expect(
      (await create(cookie, person("mail.manager", "manager", "  Lee.Manager@immd.gov.hk "))).status,
    ).toBe(302);
    expect(
      (await create(cookie, person("mail.officer", "case_officer", "officer2@immd.gov.hk"))).status,
    ).toBe(302);
    expect((await create(cookie, person("nomail.counter", "counter_staff"))).status).toBe(302);
    expect(
      (await create(cookie, person("mail.counter", "counter_staff", "counter2@immd.gov.hk"))).status,
    ).toBe(302);
    expect(await account("mail.manager")).toMatchObject({
      role: "manager",
      email: "Lee.Manager@immd.gov.hk",
    });
    expect(await account("mail.officer")).toMatchObject({
      role: "case_officer",
      email: "officer2@immd.gov.hk",
    });
    expect(await account("nomail.counter")).toMatchObject({ role: "counter_staff", email: null });
    expect(await account("mail.counter")).toMatchObject({ email: "counter2@immd.gov.hk" });
    const created = await app.db
      .selectFrom("audit_events")
      .select("detail")
      .where("action", "=", "staff.create")
      .orderBy("id")
      .execute();
    expect(created.map((a) => JSON.parse(a.detail ?? "{}").email)).toEqual([true, true, false, true]);
    // The address itself is never in the audit log.
    expect(JSON.stringify(created)).not.toContain("immd.gov.hk");
  });

  it("edits the address on the account page; a manager or officer cannot be left without one", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    const officer = (await account("officer.immd"))!;
    const counter = (await account("counter.immd"))!;

    const page = await settle(() =>
      editStaffLoader({
        request: getRequest(`/admin/staff/${officer.id}`, { cookie }),
        context: app.context,
        params: { id: String(officer.id) },
      }),
    );
    expect((await page.json()).target.email).toBe("officer.immd@pledge.example");

    const audits = await auditCount();
    const refused = [
      await edit(cookie, officer.id, {
        displayName: "Wong Siu Ming",
        role: "case_officer",
        isActive: "1",
        email: "",
      }),
      await edit(cookie, officer.id, {
        displayName: "Wong Siu Ming",
        role: "case_officer",
        isActive: "1",
        email: "wong at immd",
      }),
      // A counter officer without an address made a manager: the address is needed now.
      await edit(cookie, counter.id, {
        displayName: "Chan Tai Man",
        role: "manager",
        isActive: "1",
        email: "",
      }),
    ];
    expect(refused.map((r) => [r.status, r.body.errors])).toEqual([
      [400, { email: "validation.emailRequired" }],
      [400, { email: "validation.email" }],
      [400, { email: "validation.emailRequired" }],
    ]);
    // The form shows again what was typed.
    expect(refused[1]!.body.values.email).toBe("wong at immd");
    expect(await account("officer.immd")).toEqual(officer);
    expect(await account("counter.immd")).toEqual(counter);
    expect(await auditCount()).toBe(audits);

    const changed = await edit(cookie, officer.id, {
      displayName: "Wong Siu Ming",
      role: "case_officer",
      isActive: "1",
      email: "wong.siuming@immd.gov.hk",
    });
    expect(changed.status).toBe(302);
    expect((await account("officer.immd"))!.email).toBe("wong.siuming@immd.gov.hk");
    // A counter officer may have none.
    expect(
      (
        await edit(cookie, counter.id, {
          displayName: "Chan Tai Man",
          role: "counter_staff",
          isActive: "1",
          email: "",
        })
      ).status,
    ).toBe(302);
    expect((await account("counter.immd"))!.email).toBeNull();
    const updates = await app.db
      .selectFrom("audit_events")
      .select(["entity_id", "detail"])
      .where("action", "=", "staff.update")
      .orderBy("id")
      .execute();
    expect(updates.map((u) => [u.entity_id, JSON.parse(u.detail ?? "{}").emailChanged])).toEqual([
      [String(officer.id), true],
      [String(counter.id), true],
    ]);
  });

  it("a manager created on the administration page with an address gets the monthly digest and the escalation e-mail", async () => {
    const smtp: TestSmtp = await startSmtp();
    const mailer = createMailer({ SMTP_URL: smtp.url }) as Mailer;
    closers.push(
      () => smtp.close(),
      () => mailer.close(),
    );
    // Hongkong Post has no manager in the seed: its administrator adds one.
    const cookie = await signInAs(app.c, "admin.hkp");
    const created = await create(cookie, person("manager.new.hkp", "manager", "new.manager@hkpost.gov.hk"));
    expect(created.status).toBe(302);
    const manager = (await account("manager.new.hkp"))!;
    const admin = (await account("admin.hkp"))!;

    const env = app.context.env;
    const worker: RunningWorker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({ db: app.db, env, mailer }),
    });
    const connection = producerConnection(TEST_REDIS_URL);
    const prefix = bullPrefix(app.c.prefix);
    const reports = new Queue(QUEUES.reports, { connection, prefix });
    const notifications = new Queue(QUEUES.notifications, { connection, prefix });
    closers.push(
      () => connection.disconnect(),
      () => reports.close(),
      () => notifications.close(),
      () => worker.close(),
    );
    const mailTo = (address: string, count: number) => async () => {
      const deadline = Date.now() + 60_000;
      while (smtp.received.filter((m) => m.to.includes(address)).length < count && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      return smtp.received.filter((m) => m.to.includes(address));
    };

    // The monthly digest: the worker builds the department's report and sends its digests.
    await reports.add(JOBS.reportDepartment, { departmentId: manager.department_id!, month: "2026-10" });
    const digests = await mailTo("new.manager@hkpost.gov.hk", 1)();
    expect(digests).toHaveLength(1);
    expect(subjectOf(digests[0]!.raw)).toContain("monthly report for October 2026");

    // The escalation: important feedback in Hongkong Post, e-mailed by the worker's schedule.
    await upsertSchedules({ [QUEUES.notifications]: notifications }, 1_000);
    await logFeedback(
      app.db,
      env.PII_KEY,
      { id: admin.id, departmentId: admin.department_id! },
      {
        kind: "complaint",
        channel: "counter",
        serviceId: null,
        summary: "Parcels left in the rain at the counter",
        language: "en",
        important: true,
        wantsReply: false,
      },
    );
    const both = await mailTo("new.manager@hkpost.gov.hk", 2)();
    expect(both).toHaveLength(2);
    // The worker marks a message sent just after the SMTP server has it: wait for that write.
    const outbox = () =>
      app.db
        .selectFrom("outbox_messages")
        .select(["kind", "sent_at"])
        .where("department_id", "=", manager.department_id!)
        .orderBy("id")
        .execute();
    const deadline = Date.now() + 10_000;
    let kinds = await outbox();
    while (kinds.some((k) => k.sent_at === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      kinds = await outbox();
    }
    expect(kinds.map((k) => k.kind)).toEqual(["report.digest", expect.stringMatching(/^notification\./)]);
    expect(kinds.every((k) => k.sent_at !== null)).toBe(true);
  }, 120_000);
});
