import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCompleteMonths } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { createDb } from "../../db/client";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { assertNoConsoleErrors, LANGUAGES, launchBrowser, waitForHydration } from "../setup/browser";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";

// The main pages, with the demo year's data behind them, in English and Chinese with JavaScript
// on: each hydrates and logs no console error (a time written "下午2:05" with a thin space by the
// server and a plain one by the browser made React redraw the Chinese feedback log, #418/#423).

let server: RunningServer;
let reportId: number;
let caseId: number;

beforeAll(async () => {
  server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
  const db = createDb(server.dbPath);
  try {
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    // Last month's report, generated on the server's own database as the monthly job would.
    const month = lastCompleteMonths(hkMonth(new Date()), 1)[0]!;
    reportId = (await generateDepartmentReport(db, immd.id, month)).id;
    // A case received and acknowledged in the afternoon (下午 in Chinese), with its history.
    const officer = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "officer.immd")
      .executeTakeFirstOrThrow();
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    caseId = (
      await createCase(db, TEST_PII_KEY, {
        departmentId: immd.id,
        serviceId: null,
        channel: "email",
        language: "zh-HK",
        whatHappened: "輪候時間太長",
        desiredOutcome: "增加人手",
        contact: { email: "chan@example.com" },
        consent: true,
        receivedAt: `${day}T06:05:00.000Z`,
      })
    ).id;
    const staff = { id: officer.id, departmentId: immd.id };
    await moveCase(db, staff, caseId, "acknowledge", {}, new Date(`${day}T07:30:00.000Z`));
  } finally {
    await db.destroy();
  }
});
afterAll(async () => {
  await server?.stop();
});

/** Opens a page in a language, waits until React has hydrated it, and returns its main heading. */
async function visit(page: Page, lng: string, path: string): Promise<string> {
  await page.goto(`${server.baseUrl}/locale?lng=${lng}&redirectTo=${encodeURIComponent(path)}`);
  expect(new URL(page.url()).pathname, `${path} in ${lng}`).toBe(path.split("?")[0]);
  expect(await page.getAttribute("html", "lang")).toBe(lng);
  await waitForHydration(page);
  return (await page.locator("h1").first().textContent()) ?? "";
}

describe("no console errors on the main pages, in both languages", () => {
  it("the public pages", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      for (const lng of LANGUAGES) {
        for (const path of [
          "/",
          "/feedback",
          "/s/immdcsat",
          "/complaints/new",
          "/track",
          "/pledges",
          "/pledges/IMMD",
        ]) {
          expect(await visit(page, lng, path), `${path} in ${lng}`).not.toBe("");
        }
      }
      await assertNoConsoleErrors();
    } finally {
      await browser.cleanup();
    }
  });

  it("the staff pages: home, feedback log, cases, a case, reports and a report", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.baseUrl}/staff/sign-in`);
      await page.getByLabel("Username").fill("manager.immd");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.baseUrl}/staff`);

      for (const lng of LANGUAGES) {
        for (const path of [
          "/staff",
          "/staff/feedback",
          "/staff/cases",
          `/staff/cases/${caseId}`,
          "/reports",
          `/reports/${reportId}`,
        ]) {
          expect(await visit(page, lng, path), `${path} in ${lng}`).not.toBe("");
          if (path === "/staff/feedback") {
            // The demo year's entries, with their times: the rows that failed to hydrate.
            expect(await page.locator("table tbody tr").count()).toBeGreaterThan(10);
          }
        }
      }
      await assertNoConsoleErrors();
    } finally {
      await browser.cleanup();
    }
  });

  it("the check itself: a console error, an uncaught exception and a Content-Security-Policy refusal", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setContent(
        `<script>console.error("logged on purpose"); setTimeout(() => { throw new Error("thrown on purpose"); });</script>`,
      );
      const csp = await browser.newPage();
      await csp.setContent(
        `<meta http-equiv="Content-Security-Policy" content="script-src 'none'"><script>document.title = "ran";</script>`,
      );
      await page.waitForTimeout(100);
      const check = assertNoConsoleErrors();
      await expect(check).rejects.toThrow(/console on about:blank: logged on purpose/);
      await expect(check).rejects.toThrow(/pageerror on about:blank: Error: thrown on purpose/);
      await expect(check).rejects.toThrow(
        /console on about:blank: .*violates the following Content Security Policy directive/,
      );
    } finally {
      await browser.cleanup();
    }
  });
});
