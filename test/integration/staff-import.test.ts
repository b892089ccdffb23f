import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { sendPendingEmails } from "~/models/outbox/delivery.server";
import { hashToken } from "~/models/staff/sessions.server";
import { action as importAction, loader as importLoader } from "~/routes/admin.staff.import";
import { action as resetAction, loader as resetLoader } from "~/routes/staff.reset-password.($token)";
import { action as signInAction } from "~/routes/staff.sign-in";
import { createMailer, type Mailer } from "~/utils/mailer.server";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { startSmtp, subjectOf } from "../setup/smtp";
import { linkToken, staffOutbox } from "../setup/staff-mail";

const GOOD = [
  "username,name,email,role,language",
  "wong.counter,Wong Siu Ming,wong.counter@immd.gov.hk,counter_staff,zh-HK",
  'lee.officer,"Lee, Ka Yan",lee.officer@immd.gov.hk,case_officer,en',
  "chan.manager,Chan Tai Man,chan.manager@immd.gov.hk,manager,",
].join("\n");

describe.each(DB_KINDS)("importing a department's staff from CSV [%s]", (kind) => {
  const app = useTestApp(kind);
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, app.c.prefix);
    redis.disconnect();
  });

  const upload = async (cookie: string, csv: string, extra: Record<string, string> = {}, locale?: string) => {
    const res = await settle(() =>
      importAction({
        request: postForm(
          "/admin/staff/import",
          { csv, ...extra },
          { csrfToken: app.csrfToken, cookie, headers: locale ? { "Accept-Language": locale } : {} },
        ),
        context: app.context,
        params: {},
      }),
    );
    return {
      status: res.status,
      location: res.headers.get("Location"),
      body: res.status === 302 ? null : await res.json(),
    };
  };
  const staffCount = async () =>
    Number(
      (
        await app.db
          .selectFrom("staff_users")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;

  it("creates the accounts in the administrator's department, each invited by e-mail; the same file again creates nothing", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    const page = await settle(() =>
      importLoader({
        request: getRequest("/admin/staff/import", { cookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(page.status).toBe(200);
    const before = await staffCount();

    const first = await upload(cookie, GOOD);
    expect(first.status).toBe(302);
    expect(first.location).toBe("/admin/staff/import?created=3&unchanged=0");
    expect(await staffCount()).toBe(before + 3);
    const made = await app.db
      .selectFrom("staff_users")
      .select(["username", "display_name", "role", "email", "department_id", "language", "password_hash"])
      .where("username", "in", ["wong.counter", "lee.officer", "chan.manager"])
      .orderBy("username")
      .execute();
    const immd = await deptId("IMMD");
    expect(made.map((m) => [m.username, m.display_name, m.role, m.department_id, m.language])).toEqual([
      ["chan.manager", "Chan Tai Man", "manager", immd, null],
      ["lee.officer", "Lee, Ka Yan", "case_officer", immd, "en"],
      ["wong.counter", "Wong Siu Ming", "counter_staff", immd, "zh-HK"],
    ]);

    const mail = await staffOutbox(app.db, app.context.env.PII_KEY, "staff.invitation");
    expect(mail.map((m) => m.to).sort()).toEqual([
      "chan.manager@immd.gov.hk",
      "lee.officer@immd.gov.hk",
      "wong.counter@immd.gov.hk",
    ]);
    const byTo = (to: string) => mail.find((m) => m.to === to)!;
    expect(byTo("wong.counter@immd.gov.hk").subject).toBe("你的服務承諾平台職員帳戶");
    expect(byTo("lee.officer@immd.gov.hk").subject).toBe("Your Pledge staff account");
    // No language given: both.
    expect(byTo("chan.manager@immd.gov.hk").subject).toBe(
      "Your Pledge staff account / 你的服務承諾平台職員帳戶",
    );
    expect(byTo("lee.officer@immd.gov.hk").body).toContain("72 hours");

    // An invited account has no password until its link is used.
    const signIn = (username: string, password: string) =>
      settle(() =>
        signInAction({
          request: postForm("/staff/sign-in", { username, password }, { csrfToken: app.csrfToken }),
          context: app.context,
          params: {},
        }),
      );
    expect((await signIn("lee.officer", "!invited")).status).toBe(401);
    const token = linkToken(byTo("lee.officer@immd.gov.hk").body, "/staff/reset-password");
    const invite = await settle(() =>
      resetLoader({
        request: getRequest(`/staff/reset-password/${token}`),
        context: app.context,
        params: { token },
      }),
    );
    expect(await invite.json()).toMatchObject({ state: "open", purpose: "invite", username: "lee.officer" });
    const set = await settle(() =>
      resetAction({
        request: postForm(
          `/staff/reset-password/${token}`,
          { password: "lee's first password" },
          { csrfToken: app.csrfToken },
        ),
        context: app.context,
        params: { token },
      }),
    );
    expect(set.status).toBe(302);
    expect((await signIn("lee.officer", "lee's first password")).status).toBe(302);

    // 72 hours: valid at 71 h, not after.
    const stored = await app.db
      .selectFrom("staff_tokens")
      .select(["created_at", "expires_at"])
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirstOrThrow();
    expect(Date.parse(stored.expires_at) - Date.parse(stored.created_at)).toBe(72 * 3_600_000);

    // Again: nothing new, no mail.
    const again = await upload(cookie, GOOD);
    expect(again.location).toBe("/admin/staff/import?created=0&unchanged=3");
    expect(await staffCount()).toBe(before + 3);
    expect(await staffOutbox(app.db, app.context.env.PII_KEY, "staff.invitation")).toHaveLength(3);
  });

  it("refuses the whole file on one bad row, naming line, column and reason in the reader's language", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    const before = await staffCount();
    const bad = [
      "username,name,email,role",
      "ok.person,Fine Person,ok.person@immd.gov.hk,counter_staff",
      "x,Too Short,short@immd.gov.hk,counter_staff",
      "no.mail,No Mail,,manager",
      "boss,The Boss,boss@immd.gov.hk,system_admin",
      "ok.person,Twice,twice@immd.gov.hk,manager",
      "sysadmin,Taken,taken@immd.gov.hk,manager",
    ].join("\n");
    const r = await upload(cookie, bad);
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { line: 3, column: "username", message: expect.stringMatching(/3 to 64/) },
      { line: 4, column: "email", message: expect.any(String) },
      { line: 5, column: "role", message: expect.stringMatching(/counter_staff, case_officer/) },
      { line: 6, column: "username", message: expect.stringMatching(/line 2/) },
    ]);
    // Nothing stored, nothing sent.
    expect(await staffCount()).toBe(before);
    expect(await staffOutbox(app.db, app.context.env.PII_KEY)).toHaveLength(0);

    // A username of another department, once the rows themselves are fine.
    const taken = await upload(
      cookie,
      "username,name,email,role\nok.person,A,a@immd.gov.hk,manager\nadmin.hkp,B,b@immd.gov.hk,manager",
    );
    expect(taken.body.errors).toEqual([
      { line: 3, column: "username", message: expect.stringMatching(/another department/) },
    ]);
    expect(await staffCount()).toBe(before);

    // In Chinese for a Chinese reader; the header problems too.
    const zh = await upload(cookie, "username,name,role\na.b.c,A,manager", {}, "zh-HK");
    expect(zh.body.errors).toEqual([{ line: 1, column: "email", message: "標題行缺少欄位「email」。" }]);
    const none = await upload(cookie, "");
    expect(none.status).toBe(400);
    expect(none.body.formError).toBe("staffAccount.import.errors.noFile");
  });

  it("a department administrator imports only into their own department; a system administrator chooses", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const hkp = await deptId("HKP");
    // The department field is ignored for a department administrator: their own department.
    const own = await upload(
      admin,
      "username,name,email,role\nmine.one,Mine,mine@immd.gov.hk,counter_staff",
      {
        departmentId: String(hkp),
      },
    );
    expect(own.status).toBe(302);
    const mine = await app.db
      .selectFrom("staff_users")
      .select("department_id")
      .where("username", "=", "mine.one")
      .executeTakeFirstOrThrow();
    expect(mine.department_id).toBe(await deptId("IMMD"));

    const officer = await signInAs(app.c, "officer.immd");
    expect((await upload(officer, GOOD)).status).toBe(404);

    const sys = await signInAs(app.c, "sysadmin");
    const noDept = await upload(sys, "username,name,email,role\nhk.one,One,one@hkpost.gov.hk,manager");
    expect(noDept.status).toBe(400);
    const ok = await upload(sys, "username,name,email,role\nhk.one,One,one@hkpost.gov.hk,manager", {
      departmentId: String(hkp),
    });
    expect(ok.status).toBe(302);
    const hk = await app.db
      .selectFrom("staff_users")
      .select("department_id")
      .where("username", "=", "hk.one")
      .executeTakeFirstOrThrow();
    expect(hk.department_id).toBe(hkp);
  });

  it("the invitation reaches a real SMTP server", async () => {
    const smtp = await startSmtp();
    const mailer = createMailer({ SMTP_URL: smtp.url }) as Mailer;
    closers.push(
      () => smtp.close(),
      () => mailer.close(),
    );
    const cookie = await signInAs(app.c, "admin.immd");
    await upload(cookie, "username,name,email,role,language\nnew.one,New One,new.one@immd.gov.hk,manager,en");
    await sendPendingEmails(app.db, {
      mailer,
      piiKey: app.context.env.PII_KEY,
      appOrigin: "https://pledge.example.gov.hk",
      from: app.context.env.MAIL_FROM,
    });
    expect(smtp.received.map((m) => [m.to, subjectOf(m.raw)])).toEqual([
      [["new.one@immd.gov.hk"], "Your Pledge staff account"],
    ]);
  });
});
