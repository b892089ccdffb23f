import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "~/locales/en/common.json";
import zh from "~/locales/zh-HK/common.json";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { type RunningServer, startServer } from "../setup/server";

/**
 * A record that is not there (or not yours) is a 404 page that names what was not found, in the
 * reader's language: each route's ErrorBoundary (GeneralErrorBoundary with a 404 handler).
 */
describe("pages of a missing record", () => {
  let server: RunningServer;
  let csrf = "";
  const sessions = new Map<string, string>();

  beforeAll(async () => {
    server = await startServer();
    const first = await fetch(`${server.baseUrl}/staff/sign-in`);
    csrf = /pledge_csrf=([^;]+)/.exec(first.headers.get("set-cookie") ?? "")![1]!;
    for (const username of ["officer.immd", "manager.immd", "admin.immd"]) {
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
      const cookie = res.headers.getSetCookie().find((c) => /pledge_session=/.test(c))!;
      sessions.set(username, cookie.split(";")[0]!);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  type What = keyof typeof en.errors.notFound;
  const cases: { path: string; as: string | null; what: What }[] = [
    { path: "/staff/cases/999999", as: "officer.immd", what: "case" },
    { path: "/admin/pledges/999999", as: "admin.immd", what: "pledge" },
    { path: "/admin/pledges/999999/import", as: "admin.immd", what: "pledge" },
    { path: "/admin/surveys/999999", as: "admin.immd", what: "survey" },
    { path: "/staff/surveys/999999/results", as: "manager.immd", what: "survey" },
    { path: "/reports/999999", as: "manager.immd", what: "report" },
    { path: "/admin/staff/999999", as: "admin.immd", what: "staff" },
    { path: "/pledges/NOSUCH", as: null, what: "department" },
    { path: "/s/no-such-survey", as: null, what: "publicSurvey" },
  ];

  for (const { path, as, what } of cases) {
    it(`${path} says which ${what} was not found, in English and Chinese`, async () => {
      for (const [lang, strings] of [
        ["en", en],
        ["zh-HK", zh],
      ] as const) {
        const cookie = [`pledge_lng=${lang}`, as ? sessions.get(as) : null].filter(Boolean).join("; ");
        const res = await fetch(`${server.baseUrl}${path}`, { headers: { Cookie: cookie } });
        const html = await res.text();
        expect(res.status, `${path} in ${lang}`).toBe(404);
        expect(html, `${path} in ${lang}`).toContain(strings.errors.notFound[what]);
        expect(html).toContain(strings.errors["404"].title);
      }
    });
  }
});
