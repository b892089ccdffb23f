import { describe, expect, it } from "vitest";
import { hashToken } from "~/models/staff/sessions.server";
import { action as accountAction, loader as accountLoader } from "~/routes/staff.account";
import { action as confirmAction, loader as confirmLoader } from "~/routes/staff.confirm-email.$token";
import { action as forgotAction } from "~/routes/staff.forgot-password";
import { loader as resetLoader } from "~/routes/staff.reset-password.($token)";
import { action as signInAction } from "~/routes/staff.sign-in";
import { tFor } from "~/utils/meta";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { linkToken, staffOutbox } from "../setup/staff-mail";

describe.each(DB_KINDS)("a staff member's own account page [%s]", (kind) => {
  const app = useTestApp(kind);

  const post = (cookie: string, fields: Record<string, string>) =>
    settle(() =>
      accountAction({
        request: postForm("/staff/account", fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
  const signIn = async (username: string, password: string) =>
    (
      await settle(() =>
        signInAction({
          request: postForm("/staff/sign-in", { username, password }, { csrfToken: app.csrfToken }),
          context: app.context,
          params: {},
        }),
      )
    ).status;
  const account = (username: string) =>
    app.db.selectFrom("staff_users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
  const openSessions = async (username: string) =>
    (
      await app.db
        .selectFrom("sessions as s")
        .innerJoin("staff_users as u", "u.id", "s.user_id")
        .select("s.id")
        .where("u.username", "=", username)
        .where("s.revoked_at", "is", null)
        .execute()
    ).length;

  it("shows the page only to someone signed in", async () => {
    const anonymous = await settle(() =>
      accountLoader({ request: getRequest("/staff/account"), context: app.context, params: {} }),
    );
    expect(anonymous.status).toBe(302);
    const cookie = await signInAs(app.c, "counter.immd");
    const page = await settle(() =>
      accountLoader({ request: getRequest("/staff/account", { cookie }), context: app.context, params: {} }),
    );
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({
      account: { username: "counter.immd", email: "counter.immd@pledge.example", pendingEmail: null },
    });
    // Nobody else's account can be asked for: the page has no id.
    const denied = await post(cookie, {
      intent: "password",
      currentPassword: "wrong",
      newPassword: "long enough 2",
    });
    expect(denied.status).toBe(400);
  });

  it("changes the password with the current one; other sessions end, this one stays", async () => {
    const cookie = await signInAs(app.c, "manager.immd");
    await signInAs(app.c, "manager.immd");
    expect(await openSessions("manager.immd")).toBe(2);

    const wrong = await post(cookie, {
      intent: "password",
      currentPassword: "not it",
      newPassword: "long enough 2",
    });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors).toEqual({
      currentPassword: "staffAccount.account.errors.currentPassword",
    });
    const short = await post(cookie, {
      intent: "password",
      currentPassword: DEMO_PASSWORD,
      newPassword: "short",
    });
    expect(short.status).toBe(400);
    expect((await short.json()).errors).toEqual({ newPassword: "validation.passwordTooShort" });
    expect(await signIn("manager.immd", DEMO_PASSWORD)).toBe(302);
    expect(await openSessions("manager.immd")).toBe(3);

    // A reset link asked for earlier stops working once the password is changed.
    await settle(() =>
      forgotAction({
        request: postForm(
          "/staff/forgot-password",
          { email: "manager.immd@pledge.example" },
          { csrfToken: app.csrfToken },
        ),
        context: app.context,
        params: {},
      }),
    );
    const resetToken = linkToken(
      (await staffOutbox(app.db, app.context.env.PII_KEY))[0]!.body,
      "/staff/reset-password",
    );
    const ok = await post(cookie, {
      intent: "password",
      currentPassword: DEMO_PASSWORD,
      newPassword: "long enough 2",
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/staff/account?saved=password");
    expect(await openSessions("manager.immd")).toBe(1);
    // This session still works.
    const page = await settle(() =>
      accountLoader({ request: getRequest("/staff/account", { cookie }), context: app.context, params: {} }),
    );
    expect(page.status).toBe(200);
    expect(await signIn("manager.immd", DEMO_PASSWORD)).toBe(401);
    expect(await signIn("manager.immd", "long enough 2")).toBe(302);
    const stale = await settle(() =>
      resetLoader({
        request: getRequest(`/staff/reset-password/${resetToken}`),
        context: app.context,
        params: { token: resetToken },
      }),
    );
    expect(stale.status).toBe(410);
    const audit = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "staff.password-change")
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("changes the address only when the link sent to the new address is opened, once, within 24 hours", async () => {
    const cookie = await signInAs(app.c, "officer.immd");
    const refused = [
      await post(cookie, { intent: "email", email: "", password: DEMO_PASSWORD }),
      await post(cookie, { intent: "email", email: "not an address", password: DEMO_PASSWORD }),
      await post(cookie, { intent: "email", email: "new.officer@immd.gov.hk", password: "wrong" }),
      await post(cookie, { intent: "email", email: "officer.immd@pledge.example", password: DEMO_PASSWORD }),
    ];
    expect(await Promise.all(refused.map(async (r) => [r.status, (await r.json()).errors]))).toEqual([
      [400, { email: "validation.required" }],
      [400, { email: "validation.email" }],
      [400, { password: "staffAccount.account.errors.currentPassword" }],
      [400, { email: "staffAccount.account.errors.sameEmail" }],
    ]);
    expect(await staffOutbox(app.db, app.context.env.PII_KEY)).toHaveLength(0);

    const asked = await post(cookie, {
      intent: "email",
      email: "new.officer@immd.gov.hk",
      password: DEMO_PASSWORD,
    });
    expect(asked.status).toBe(302);
    // The old address stays until the link is opened; the page says what is waiting.
    expect((await account("officer.immd")).email).toBe("officer.immd@pledge.example");
    const page = await settle(() =>
      accountLoader({ request: getRequest("/staff/account", { cookie }), context: app.context, params: {} }),
    );
    expect((await page.json()).account.pendingEmail).toBe("new.officer@immd.gov.hk");

    const mail = await staffOutbox(app.db, app.context.env.PII_KEY);
    expect(mail).toHaveLength(1);
    // Sent TO the new address, never to the old one.
    expect(mail[0]).toMatchObject({ kind: "staff.email-confirmation", to: "new.officer@immd.gov.hk" });
    const token = linkToken(mail[0]!.body, "/staff/confirm-email");

    // Opening the link (GET) changes nothing: a mail scanner that follows links confirms nothing.
    const shown = await settle(() =>
      confirmLoader({
        request: getRequest(`/staff/confirm-email/${token}`),
        context: app.context,
        params: { token },
      }),
    );
    expect(shown.status).toBe(200);
    expect((await account("officer.immd")).email).toBe("officer.immd@pledge.example");

    const confirm = () =>
      settle(() =>
        confirmAction({
          request: postForm(`/staff/confirm-email/${token}`, {}, { csrfToken: app.csrfToken }),
          context: app.context,
          params: { token },
        }),
      );
    const done = await confirm();
    expect(done.status).toBe(200);
    expect((await done.json()).state).toBe("done");
    expect((await account("officer.immd")).email).toBe("new.officer@immd.gov.hk");
    // The old address is told, with the new one masked.
    const notice = (await staffOutbox(app.db, app.context.env.PII_KEY, "staff.email-changed"))[0]!;
    expect(notice.to).toBe("officer.immd@pledge.example");
    expect(notice.body).toContain("n***@immd.gov.hk");
    expect(notice.body).not.toContain("new.officer@");
    const twice = await confirm();
    expect(twice.status).toBe(410);
    expect((await twice.json()).state).toBe("used");

    // Another request, whose link is left 25 hours: expired, and the address stays.
    await post(cookie, { intent: "email", email: "third@immd.gov.hk", password: DEMO_PASSWORD });
    const third = linkToken(
      (await staffOutbox(app.db, app.context.env.PII_KEY, "staff.email-confirmation"))[1]!.body,
      "/staff/confirm-email",
    );
    await app.db
      .updateTable("staff_tokens")
      .set({ expires_at: new Date(Date.now() - 3_600_000).toISOString() })
      .where("token_hash", "=", hashToken(third))
      .execute();
    const late = await settle(() =>
      confirmLoader({
        request: getRequest(`/staff/confirm-email/${third}`),
        context: app.context,
        params: { token: third },
      }),
    );
    expect(late.status).toBe(410);
    expect((await late.json()).state).toBe("expired");
    expect((await account("officer.immd")).email).toBe("new.officer@immd.gov.hk");
    // A reset link is not an address link.
    const actions = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "like", "staff.email%")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "staff.email-change-requested",
      "staff.email-change",
      "staff.email-change-requested",
    ]);
  });

  it("chooses the language of one's e-mail", async () => {
    const cookie = await signInAs(app.c, "counter.immd");
    const r = await post(cookie, { intent: "language", language: "zh-HK" });
    expect(r.status).toBe(302);
    expect((await account("counter.immd")).language).toBe("zh-HK");
    expect((await post(cookie, { intent: "language", language: "fr" })).status).toBe(400);
    expect(tFor("zh-HK")("staffAccount.account.title")).toBe("我的帳戶");
  });
});
