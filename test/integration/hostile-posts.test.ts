/**
 * Every route that takes a POST, sent what an attacker or a broken client sends: the wrong content
 * type, broken multipart, oversized and duplicated fields, control characters, wrong types,
 * unknown fields, scripts, no CSRF token. Over real HTTP to the real web process on the demo data,
 * signed out and signed in as a staff member who may use the page. Never a 5xx, never a stack
 * trace or a file path, and a body that is not a proper form stores nothing.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { type RunningServer, startServer } from "../setup/server";

interface Answer {
  status: number;
  body: string;
}

const SCRIPT = `<script>alert(document.cookie)</script>"'><img src=x onerror=alert(1)>`;
const CONTROL = "a\u0000b\u0007c\u001bd\u202ee\ufeff\r\n\t";
const FIELDS = [
  "intent",
  "text",
  "title",
  "body",
  "name",
  "reference",
  "contact",
  "note",
  "reason",
  "comment",
  "status",
  "department",
  "username",
  "password",
  "q1",
  "versionId",
  "caseId",
  "assigneeId",
  "id",
  "role",
  "email",
  "csv",
  "redirectTo",
];

/** Tables that change on any request by design (audit trail, sessions, rate-limit windows). */
const CHANGES_BY_DESIGN = /audit|session|rate|limit|kysely_/i;

describe("every POST route under hostile input", () => {
  let server: RunningServer;
  let csrf = "";
  const sessions = new Map<string, string>();
  let routes: { path: string; as: string | null }[] = [];

  async function send(
    pathname: string,
    init: { contentType?: string; body: string | Buffer; cookie?: string; token?: boolean },
  ): Promise<Answer> {
    const headers: Record<string, string> = { Origin: server.baseUrl };
    if (init.contentType) headers["Content-Type"] = init.contentType;
    headers.Cookie = [`pledge_csrf=${csrf}`, init.cookie].filter(Boolean).join("; ");
    if (init.token) headers["X-CSRF-Token"] = csrf;
    const res = await fetch(`${server.baseUrl}${pathname}`, {
      method: "POST",
      headers,
      body: typeof init.body === "string" ? init.body : new Blob([new Uint8Array(init.body)]),
      redirect: "manual",
    });
    return { status: res.status, body: await res.text() };
  }

  async function signIn(username: string): Promise<string> {
    const res = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      headers: {
        Origin: server.baseUrl,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}`,
      },
      body: new URLSearchParams({ username, password: DEMO_PASSWORD, redirectTo: "/staff", csrf }),
      redirect: "manual",
    });
    expect(res.status, `sign-in of ${username}`).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => /pledge_session=/.test(c));
    return cookie!.split(";")[0]!;
  }

  function countRows(): Record<string, number> {
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .all() as { name: string }[];
      const out: Record<string, number> = {};
      for (const { name } of tables) {
        if (CHANGES_BY_DESIGN.test(name)) continue;
        out[name] = (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n;
      }
      return out;
    } finally {
      db.close();
    }
  }

  /** Real ids of the Immigration Department's records, so each route is reached for real. */
  function params(): Record<string, string> {
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const one = (sql: string) => String((db.prepare(sql).get() as { v: unknown } | undefined)?.v ?? 1);
      const immd = one("select id as v from departments where code = 'IMMD'");
      return {
        "staff/cases/:id": one(`select id as v from cases where department_id = ${immd} order by id`),
        "admin/pledges/:id": one(`select id as v from pledges where department_id = ${immd} order by id`),
        "admin/pledges/:id/import": one(
          `select id as v from pledges where department_id = ${immd} order by id`,
        ),
        "admin/surveys/:id": one(`select id as v from surveys where department_id = ${immd} order by id`),
        "staff/surveys/:id/paper": one(
          `select id as v from surveys where department_id = ${immd} order by id`,
        ),
        "admin/staff/:id": one(
          `select id as v from staff_users where department_id = ${immd} and username = 'counter.immd'`,
        ),
        "reports/:id": one(`select id as v from monthly_reports where department_id = ${immd} order by id`),
        "s/:slug": one(`select slug as v from surveys where department_id = ${immd} order by id`),
        "api/v1/surveys/:slug/responses": one(
          `select slug as v from surveys where department_id = ${immd} order by id`,
        ),
      };
    } finally {
      db.close();
    }
  }

  /** Who may use a page: the demo account the route is tried as, besides no one. */
  function accountFor(p: string): string | null {
    if (p.startsWith("admin/queues")) return "sysadmin";
    if (p.startsWith("admin/")) return "admin.immd";
    if (p.startsWith("reports/")) return "manager.immd";
    if (p.startsWith("staff/feedback") || p.includes("/paper")) return "counter.immd";
    if (p.startsWith("staff/surveys")) return "manager.immd";
    if (p === "staff" || p.startsWith("staff/cases")) return "officer.immd";
    return null;
  }

  beforeAll(async () => {
    server = await startServer({}, { demoActivity: true });
    const first = await fetch(`${server.baseUrl}/staff/sign-in`);
    csrf = /pledge_csrf=([^;]+)/.exec(first.headers.get("set-cookie") ?? "")![1]!;
    const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
    const ids = params();
    routes = Object.values(build.routes as Record<string, { path?: string; module: { action?: unknown } }>)
      .filter((r) => r.module.action && r.path)
      .map((r) => {
        const pattern = r.path === "*" ? "no-such-page" : r.path!;
        const filled = ids[pattern]
          ? pattern.replace(/:[a-zA-Z]+/, ids[pattern]!)
          : pattern.replace(/:[a-zA-Z]+/g, "1");
        return { path: `/${filled}`, as: accountFor(pattern) };
      });
    for (const r of routes) if (r.as && !sessions.has(r.as)) sessions.set(r.as, await signIn(r.as));
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  function expectNoFault(route: string, what: string, a: Answer) {
    const where = `${what} → POST ${route}`;
    expect(a.status, `${where}: ${a.body.slice(0, 200)}`).toBeLessThan(500);
    expect(a.body, where).not.toMatch(/\bat [\w.<>$]+ \(|node_modules|\/work\/|\.tsx?:\d+:\d+/);
  }

  it("refuses bodies that are not a proper form, stores nothing and never answers 5xx", async () => {
    const before = countRows();
    const notForms: [string, { contentType?: string; body: string | Buffer; token?: boolean }][] = [
      ["JSON", { contentType: "application/json", body: '{"intent":"close","text":"x"}', token: true }],
      ["text/plain", { contentType: "text/plain", body: "intent=close&text=x", token: true }],
      ["no content type", { body: "intent=close", token: true }],
      [
        "broken multipart",
        {
          contentType: "multipart/form-data; boundary=XYZ",
          body: '--XYZ\r\nContent-Disposition: form-data; name="intent"\r\n\r\nclose\r\n--XY',
          token: true,
        },
      ],
      [
        "multipart without boundary",
        { contentType: "multipart/form-data", body: "--a\r\n\r\n", token: true },
      ],
      ["XML", { contentType: "application/xml", body: "<a>1</a>", token: true }],
      ["binary", { contentType: "application/octet-stream", body: Buffer.from([0, 255, 1, 254]) }],
      [
        "form without a CSRF token",
        {
          contentType: "application/x-www-form-urlencoded",
          body: new URLSearchParams(FIELDS.map((f) => [f, SCRIPT])).toString(),
        },
      ],
      [
        "form over the size cap",
        {
          contentType: "application/x-www-form-urlencoded",
          body: `text=${"x".repeat(1024 * 1024 + 10)}`,
          token: true,
        },
      ],
    ];
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const route of routes) {
      // The JSON API is sent them too, without a key (its JSON errors: api.test.ts).
      for (const cookie of [undefined, route.as ? sessions.get(route.as) : undefined]) {
        if (cookie === undefined && route.as === null && sent > 0 && route.path === "/staff/sign-out")
          continue;
        for (const [what, init] of notForms) {
          const a = await send(route.path, { ...init, cookie });
          sent++;
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          expectNoFault(route.path, what, a);
          // Public forms without a token (track, complaints, surveys) may answer 400 or 429 too.
          expect(a.status, `${what} → POST ${route.path}`).toBeGreaterThanOrEqual(400);
        }
      }
    }
    console.log(
      `not-a-form bodies: ${routes.length} POST routes (${routes.filter((r) => r.path.startsWith("/api/")).length} of the JSON API), ${notForms.length} bodies each, ${sent} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(countRows()).toEqual(before);
  }, 180_000);

  it("answers forms full of hostile values without a 5xx or a stack trace", async () => {
    const enc = (pairs: [string, string][]) => new URLSearchParams([...pairs, ["csrf", csrf]]).toString();
    const hostile: [string, string][] = [
      ["scripts in every field", enc(FIELDS.map((f) => [f, SCRIPT]))],
      ["control characters", enc(FIELDS.map((f) => [f, CONTROL]))],
      ["oversized fields", enc(FIELDS.slice(0, 4).map((f) => [f, "長".repeat(60_000)]))],
      ["duplicated fields", enc(FIELDS.flatMap((f) => [[f, "1"] as [string, string], [f, "2"]]))],
      [
        "wrong types",
        enc(
          FIELDS.map((f, i) => [
            f,
            ["-1", "1e309", "NaN", "[]", "{}", "true", "0x10", "9".repeat(40)][i % 8]!,
          ]),
        ),
      ],
      ["unknown fields", enc(Array.from({ length: 300 }, (_, i) => [`zz${i}`, "x"]))],
      ["broken percent-encoding", `intent=%ZZ&text=%&csrf=${csrf}`],
      ["empty", `csrf=${csrf}`],
      [
        "array-style names",
        enc([
          ["intent[]", "a"],
          ["text[0]", "b"],
          ["__proto__", "x"],
          ["constructor", "y"],
        ]),
      ],
    ];
    let sent = 0;
    for (const route of routes) {
      if (route.path.startsWith("/api/") || route.path === "/staff/sign-out") continue;
      for (const cookie of [undefined, route.as ? sessions.get(route.as) : undefined]) {
        for (const [what, body] of hostile) {
          const a = await send(route.path, {
            contentType: "application/x-www-form-urlencoded",
            body,
            cookie,
          });
          sent++;
          expectNoFault(route.path, what, a);
          // Whatever was stored is shown escaped, never as markup.
          expect(a.body).not.toContain("<script>alert(document.cookie)</script>");
        }
      }
    }
    console.log(
      `hostile forms: ${routes.filter((r) => !r.path.startsWith("/api/")).length - 1} form routes, ${hostile.length} bodies each, ${sent} requests`,
    );
  }, 240_000);
});
