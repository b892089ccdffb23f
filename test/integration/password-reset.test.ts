import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { sendPendingEmails } from "~/models/outbox/delivery.server";
import { hashToken } from "~/models/staff/sessions.server";
import { loader as homeLoader } from "~/routes/staff._index";
import { action as forgotAction } from "~/routes/staff.forgot-password";
import { action as resetAction, loader as resetLoader } from "~/routes/staff.reset-password.($token)";
import { action as signInAction } from "~/routes/staff.sign-in";
import { createMailer, type Mailer } from "~/utils/mailer.server";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { deletePrefix, makeContext, TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { startSmtp, subjectOf } from "../setup/smtp";
import { linkToken, staffOutbox } from "../setup/staff-mail";

describe.each(DB_KINDS)("forgot password and the reset link [%s]", (kind) => {
  const app = useTestApp(kind);
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, app.c.prefix);
    redis.disconnect();
  });

  async function forgot(email: string, options: { locale?: string; context?: typeof app.context } = {}) {
    const res = await settle(() =>
      forgotAction({
        request: postForm(
          "/staff/forgot-password",
          { email },
          {
            csrfToken: app.csrfToken,
            headers: options.locale ? { "Accept-Language": options.locale } : {},
          },
        ),
        context: options.context ?? app.context,
        params: {},
      }),
    );
    return { status: res.status, body: await res.json(), retryAfter: res.headers.get("Retry-After") };
  }

  const page = (token: string) =>
    settle(() =>
      resetLoader({
        request: getRequest(`/staff/reset-password/${token}`),
        context: app.context,
        params: { token },
      }),
    );
  const setPassword = (token: string, password: string) =>
    settle(() =>
      resetAction({
        request: postForm(`/staff/reset-password/${token}`, { password }, { csrfToken: app.csrfToken }),
        context: app.context,
        params: { token },
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

  it("answers the same for a known and an unknown address; only the known one gets a link, in its language", async () => {
    const known = await forgot("Officer.IMMD@pledge.example", { locale: "zh-HK" });
    const unknown = await forgot("nobody@pledge.example", { locale: "zh-HK" });
    expect(known.status).toBe(200);
    expect(unknown).toEqual(known);

    const mail = await staffOutbox(app.db, app.context.env.PII_KEY);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ kind: "staff.password-reset", to: "officer.immd@pledge.example" });
    // Written in the language of the page it was asked from (the account had none yet).
    expect(mail[0]!.subject).toMatch(/密碼/);
    expect(mail[0]!.body).toContain("30");
    const token = linkToken(mail[0]!.body, "/staff/reset-password");

    // Only a hash of the token is stored, never the token.
    const stored = await app.db.selectFrom("staff_tokens").selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    // Nor is it in the outbox in clear: the link's token is sealed with the PII key until sent.
    const outboxRows = await app.db.selectFrom("outbox_messages").selectAll().execute();
    expect(JSON.stringify(outboxRows)).not.toContain(token);
    expect(mail[0]!.storedBody).toMatch(/\/staff\/reset-password\/\{\{SEALED:v1\./);
    const audit = await app.db
      .selectFrom("audit_events")
      .select(["action", "detail"])
      .where("action", "like", "staff.password-reset%")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["staff.password-reset-requested"]);
    expect(JSON.stringify(audit)).not.toContain("pledge.example");

    // A staff member who chose English gets English, whatever the page's language.
    await app.db
      .updateTable("staff_users")
      .set({ language: "en" })
      .where("username", "=", "manager.immd")
      .execute();
    await forgot("manager.immd@pledge.example", { locale: "zh-HK" });
    const manager = (await staffOutbox(app.db, app.context.env.PII_KEY)).at(-1)!;
    expect(manager.to).toBe("manager.immd@pledge.example");
    expect(manager.subject).toBe("Set a new password for Pledge");
  });

  it("a link sets a new password once, ends every session, and the old password stops working", async () => {
    const cookie1 = await signInAs(app.c, "officer.immd");
    await signInAs(app.c, "officer.immd");
    expect(await openSessions("officer.immd")).toBe(2);
    await forgot("officer.immd@pledge.example");
    const token = linkToken(
      (await staffOutbox(app.db, app.context.env.PII_KEY))[0]!.body,
      "/staff/reset-password",
    );

    const open = await page(token);
    expect(open.status).toBe(200);
    expect(await open.json()).toMatchObject({ state: "open", purpose: "reset", username: "officer.immd" });
    // The same link through ?token= (a mail client that cut the path).
    const byQuery = await settle(() =>
      resetLoader({
        request: getRequest(`/staff/reset-password?token=${token}`),
        context: app.context,
        params: {},
      }),
    );
    expect(byQuery.status).toBe(200);

    // Too short a password is refused and spends nothing.
    const short = await setPassword(token, "short");
    expect(short.status).toBe(400);
    expect((await short.json()).errors).toEqual({ password: "validation.passwordTooShort" });

    const done = await setPassword(token, "a brand new passphrase");
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/staff/sign-in?reset=1");
    expect(await openSessions("officer.immd")).toBe(0);
    // The old cookie no longer signs anyone in.
    const home = await settle(() =>
      homeLoader({ request: getRequest("/staff", { cookie: cookie1 }), context: app.context, params: {} }),
    );
    expect(home.status).toBe(302);
    expect(home.headers.get("Location")).toMatch(/^\/staff\/sign-in/);
    expect(await signIn("officer.immd", DEMO_PASSWORD)).toBe(401);
    expect(await signIn("officer.immd", "a brand new passphrase")).toBe(302);

    // Used twice: a clear page, and the password stays the one set.
    const again = await page(token);
    expect(again.status).toBe(410);
    expect((await again.json()).state).toBe("used");
    const reuse = await setPassword(token, "someone else's password");
    expect(reuse.status).toBe(410);
    expect((await reuse.json()).state).toBe("used");
    expect(await signIn("officer.immd", "someone else's password")).toBe(401);

    const audit = await app.db
      .selectFrom("audit_events")
      .select(["action", "actor_user_id", "entity_id"])
      .where("action", "=", "staff.password-reset-by-link")
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("a link past its 30 minutes, an unknown link and a superseded link get the clear page", async () => {
    await forgot("officer.immd@pledge.example");
    const first = linkToken(
      (await staffOutbox(app.db, app.context.env.PII_KEY))[0]!.body,
      "/staff/reset-password",
    );
    await forgot("officer.immd@pledge.example");
    const second = linkToken(
      (await staffOutbox(app.db, app.context.env.PII_KEY))[1]!.body,
      "/staff/reset-password",
    );
    // Only the newest link works.
    expect(((await (await page(first)).json()) as { state: string }).state).toBe("used");
    expect((await page(second)).status).toBe(200);

    // The clock: the link was made 31 minutes ago.
    const past = new Date(Date.now() - 31 * 60_000).toISOString();
    await app.db
      .updateTable("staff_tokens")
      .set({ created_at: past, expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where("token_hash", "=", hashToken(second))
      .execute();
    const expired = await page(second);
    expect(expired.status).toBe(410);
    expect((await expired.json()).state).toBe("expired");
    expect((await setPassword(second, "a brand new passphrase")).status).toBe(410);
    expect(await signIn("officer.immd", DEMO_PASSWORD)).toBe(302);

    for (const token of ["nonsense", "A".repeat(43)]) {
      const unknown = await page(token);
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).state).toBe("unknown");
    }
  });

  it("is rate-limited per address typed and per client, with a 429 page; a bad address is refused", async () => {
    for (let i = 0; i < 3; i++) expect((await forgot("officer.immd@pledge.example")).status).toBe(200);
    const limited = await forgot("officer.immd@pledge.example");
    expect(limited.status).toBe(429);
    expect(limited.body.state).toBe("throttled");
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    // Three links only.
    expect(await staffOutbox(app.db, app.context.env.PII_KEY)).toHaveLength(3);
    // The same for an address no account has: nothing tells them apart.
    for (let i = 0; i < 3; i++) expect((await forgot("nobody@pledge.example")).status).toBe(200);
    expect((await forgot("nobody@pledge.example")).status).toBe(429);

    // One client asking for many addresses: ten, then 429.
    const other = makeContext(app.db, { clientAddress: "10.9.9.9" });
    closers.push(() => other.close());
    for (let i = 0; i < 10; i++) {
      const r = await forgot(`probe${i}@pledge.example`, { context: other.context });
      expect(r.status).toBe(200);
    }
    expect((await forgot("manager.immd@pledge.example", { context: other.context })).status).toBe(429);
    expect(
      (await staffOutbox(app.db, app.context.env.PII_KEY)).filter((m) => m.to?.startsWith("manager")),
    ).toHaveLength(0);

    const bad = await forgot("not an address");
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual({ email: "validation.email" });
  });

  it("the reset e-mail reaches a real SMTP server through the outbox", async () => {
    const smtp = await startSmtp();
    const mailer = createMailer({ SMTP_URL: smtp.url }) as Mailer;
    closers.push(
      () => smtp.close(),
      () => mailer.close(),
    );
    await forgot("admin.hkp@pledge.example");
    const sent = await sendPendingEmails(app.db, {
      mailer,
      piiKey: app.context.env.PII_KEY,
      appOrigin: "https://pledge.example.gov.hk",
      from: app.context.env.MAIL_FROM,
    });
    expect(sent).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(["admin.hkp@pledge.example"]);
    expect(subjectOf(smtp.received[0]!.raw)).toBe("Set a new password for Pledge");
    expect(smtp.received[0]!.raw.replace(/=\r?\n/g, "")).toMatch(
      /https:\/\/pledge\.example\.gov\.hk\/staff\/reset-password\/[A-Za-z0-9_-]{43}/,
    );
  });
});
