import { describe, expect, it } from "vitest";
import { loader as auditLoader } from "~/routes/admin.audit";
import { action as editStaffAction, loader as editStaffLoader } from "~/routes/admin.staff.$id";
import { action as newStaffAction } from "~/routes/admin.staff.new";
import { loader as staffHomeLoader } from "~/routes/staff._index";
import { action as signInAction } from "~/routes/staff.sign-in";
import { action as signOutAction } from "~/routes/staff.sign-out";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { cookieFrom, getRequest, postForm, settle } from "../setup/requests";

describe.each(DB_KINDS)("staff sign-in and access control [%s]", (kind) => {
  const app = useTestApp(kind);

  async function signIn(username: string, password = DEMO_PASSWORD) {
    return settle(() =>
      signInAction({
        request: postForm(
          "/staff/sign-in",
          { username, password, redirectTo: "/staff" },
          { csrfToken: app.csrfToken },
        ),
        context: app.context,
        params: {},
      }),
    );
  }

  async function sessionOf(username: string): Promise<string> {
    const res = await signIn(username);
    expect(res.status).toBe(302);
    return cookieFrom(res, "pledge_session");
  }

  async function auditActions(): Promise<string[]> {
    const rows = await app.db.selectFrom("audit_events").select("action").orderBy("id").execute();
    return rows.map((r) => r.action);
  }

  async function userId(username: string): Promise<number> {
    const row = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it("signs in, shows the staff home, signs out and ends the session on the server", async () => {
    const res = await signIn("manager.immd");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/staff");
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = cookieFrom(res, "pledge_session");

    const home = await settle(() =>
      staffHomeLoader({ request: getRequest("/staff", { cookie }), context: app.context, params: {} }),
    );
    expect(home.status).toBe(200);
    expect(await home.json()).toMatchObject({ role: "manager", displayName: "Lee Ka Yan" });

    const out = await settle(() =>
      signOutAction({
        request: postForm("/staff/sign-out", {}, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(out.status).toBe(302);
    const sessions = await app.db.selectFrom("sessions").select("revoked_at").execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.revoked_at).not.toBeNull();

    // The old cookie no longer opens staff pages: the session was revoked on the server.
    const after = await settle(() =>
      staffHomeLoader({ request: getRequest("/staff", { cookie }), context: app.context, params: {} }),
    );
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/staff\/sign-in\?/);
    expect(await auditActions()).toEqual(["sign-in", "sign-out"]);
  });

  it("answers a wrong password and an unknown user the same way", async () => {
    const wrong = await signIn("manager.immd", "not-the-password");
    const unknown = await signIn("nobody.here", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual({ ...(await unknown.json()), username: "manager.immd" });
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await auditActions()).toEqual(["sign-in.failed", "sign-in.failed"]);
    const detail = await app.db.selectFrom("audit_events").select(["detail", "entity_id"]).execute();
    expect(JSON.stringify(detail)).not.toContain("nobody.here");
  });

  it("refuses the sixth sign-in attempt in a minute with 429, even with the right password", async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn("officer.immd", `wrong-${i}-password`)).status).toBe(401);
    const sixth = await signIn("officer.immd");
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get("retry-after")).toBe("60");
    expect(sixth.headers.get("set-cookie")).toBeNull();
    expect(await app.db.selectFrom("sessions").selectAll().execute()).toHaveLength(0);
    expect((await auditActions()).at(-1)).toBe("sign-in.throttled");
  });

  it("throttles per address too: five failures on different accounts block the sixth from that address", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(`ghost${i}`, "wrong-password")).status).toBe(401);
    expect((await signIn("counter.immd")).status).toBe(429);
  });

  it("refuses a token-less or cross-origin POST with 403 and writes nothing", async () => {
    const cookie = await sessionOf("admin.immd");
    const before = await app.db.selectFrom("staff_users").select("id").execute();
    const fields = {
      username: "new.person",
      displayName: "New Person",
      role: "counter_staff",
      password: "long-enough-1",
    };

    const noToken = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, { csrfToken: app.csrfToken, cookie, csrf: null }),
        context: app.context,
        params: {},
      }),
    );
    expect(noToken.status).toBe(403);

    const wrongToken = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, {
          csrfToken: app.csrfToken,
          cookie,
          csrf: "x".repeat(43),
        }),
        context: app.context,
        params: {},
      }),
    );
    expect(wrongToken.status).toBe(403);

    const crossOrigin = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, {
          csrfToken: app.csrfToken,
          cookie,
          origin: "https://evil.example",
        }),
        context: app.context,
        params: {},
      }),
    );
    expect(crossOrigin.status).toBe(403);

    const noOrigin = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, { csrfToken: app.csrfToken, cookie, origin: null }),
        context: app.context,
        params: {},
      }),
    );
    expect(noOrigin.status).toBe(403);

    expect(await app.db.selectFrom("staff_users").select("id").execute()).toEqual(before);
    expect(await auditActions()).toEqual(["sign-in"]);

    // The same form with the token from our own page goes through.
    const ok = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(ok.status).toBe(302);
    const created = await app.db
      .selectFrom("staff_users as u")
      .innerJoin("departments as d", "d.id", "u.department_id")
      .select(["u.role", "d.code"])
      .where("u.username", "=", "new.person")
      .executeTakeFirstOrThrow();
    expect(created).toEqual({ role: "counter_staff", code: "IMMD" });
    expect((await auditActions()).at(-1)).toBe("staff.create");
  });

  it("gives staff of one department 404 for another department's record, and audits it", async () => {
    const cookie = await sessionOf("admin.immd");
    const hkpAdmin = await userId("admin.hkp");
    const immdOfficer = await userId("officer.immd");

    const own = await settle(() =>
      editStaffLoader({
        request: getRequest(`/admin/staff/${immdOfficer}`, { cookie }),
        context: app.context,
        params: { id: String(immdOfficer) },
      }),
    );
    expect(own.status).toBe(200);

    const foreign = await settle(() =>
      editStaffLoader({
        request: getRequest(`/admin/staff/${hkpAdmin}`, { cookie }),
        context: app.context,
        params: { id: String(hkpAdmin) },
      }),
    );
    expect(foreign.status).toBe(404);

    const foreignPost = await settle(() =>
      editStaffAction({
        request: postForm(
          `/admin/staff/${hkpAdmin}`,
          { intent: "update", displayName: "Hijacked", role: "counter_staff", isActive: "0" },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: { id: String(hkpAdmin) },
      }),
    );
    expect(foreignPost.status).toBe(404);
    const untouched = await app.db
      .selectFrom("staff_users")
      .select(["display_name", "role", "is_active"])
      .where("id", "=", hkpAdmin)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ display_name: "Yip Hoi Yan", role: "department_admin", is_active: 1 });

    const denied = await app.db
      .selectFrom("audit_events")
      .select(["action", "entity_type", "entity_id"])
      .where("action", "=", "access.denied")
      .execute();
    expect(denied).toEqual([
      { action: "access.denied", entity_type: "staff_user", entity_id: String(hkpAdmin) },
      { action: "access.denied", entity_type: "staff_user", entity_id: String(hkpAdmin) },
    ]);
  });

  it("gives a counter officer 404 on administration pages", async () => {
    const cookie = await sessionOf("counter.immd");
    const res = await settle(() =>
      auditLoader({ request: getRequest("/admin/audit", { cookie }), context: app.context, params: {} }),
    );
    expect(res.status).toBe(404);
  });

  it("shows the audit log to the department administrator: own department's events only", async () => {
    await signIn("admin.hkp", "wrong-password-here");
    const cookie = await sessionOf("admin.immd");
    const res = await settle(() =>
      auditLoader({ request: getRequest("/admin/audit", { cookie }), context: app.context, params: {} }),
    );
    const body = (await res.json()) as { events: { action: string; department_code: string }[] };
    expect(body.events.map((e) => [e.action, e.department_code])).toEqual([["sign-in", "IMMD"]]);
  });

  it("keeps the audit log append-only in the database itself", async () => {
    await signIn("manager.immd");
    await expect(app.db.updateTable("audit_events").set({ action: "tampered" }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(app.db.deleteFrom("audit_events").execute()).rejects.toThrow(/append-only/);
    expect(await auditActions()).toEqual(["sign-in"]);
  });

  it("ends an idle session: a page goes to sign-in, a form post gets 401 and writes nothing", async () => {
    const cookie = await sessionOf("admin.immd");
    const longAgo = new Date(Date.now() - 31 * 60_000).toISOString();
    await app.db.updateTable("sessions").set({ last_seen_at: longAgo }).execute();
    const fields = {
      username: "late.person",
      displayName: "Late",
      role: "counter_staff",
      password: "long-enough-1",
    };
    const post = await settle(() =>
      newStaffAction({
        request: postForm("/admin/staff/new", fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(post.status).toBe(401);
    expect(await post.json()).toEqual({ code: "sessionExpired" });
    expect(
      await app.db.selectFrom("staff_users").select("id").where("username", "=", "late.person").execute(),
    ).toEqual([]);
    const page = await settle(() =>
      staffHomeLoader({ request: getRequest("/staff", { cookie }), context: app.context, params: {} }),
    );
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toContain("reason=expired");
    expect(await auditActions()).toContain("session.expired");
  });

  it("refuses a too-short password for a new account with a message, and writes nothing", async () => {
    const cookie = await sessionOf("admin.immd");
    const res = await settle(() =>
      newStaffAction({
        request: postForm(
          "/admin/staff/new",
          { username: "short.pw", displayName: "Short", role: "counter_staff", password: "1234567" },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: { password: "validation.passwordTooShort" } });
    expect(
      await app.db.selectFrom("staff_users").select("id").where("username", "=", "short.pw").execute(),
    ).toEqual([]);
  });

  it("does not let a department administrator create a government-wide role", async () => {
    const cookie = await sessionOf("admin.immd");
    const res = await settle(() =>
      newStaffAction({
        request: postForm(
          "/admin/staff/new",
          { username: "sneaky", displayName: "Sneaky", role: "system_admin", password: "long-enough-1" },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(res.status).toBe(400);
    expect(
      await app.db.selectFrom("staff_users").select("id").where("username", "=", "sneaky").execute(),
    ).toEqual([]);
  });

  it("lets a password reset end the person's sessions", async () => {
    const officerCookie = await sessionOf("officer.immd");
    const adminCookie = await sessionOf("admin.immd");
    const officer = await userId("officer.immd");
    const res = await settle(() =>
      editStaffAction({
        request: postForm(
          `/admin/staff/${officer}`,
          { intent: "reset-password", password: "a brand new passphrase" },
          { csrfToken: app.csrfToken, cookie: adminCookie },
        ),
        context: app.context,
        params: { id: String(officer) },
      }),
    );
    expect(res.status).toBe(302);
    const page = await settle(() =>
      staffHomeLoader({
        request: getRequest("/staff", { cookie: officerCookie }),
        context: app.context,
        params: {},
      }),
    );
    expect(page.status).toBe(302);
    expect((await signIn("officer.immd", "a brand new passphrase")).status).toBe(302);
  });
});
