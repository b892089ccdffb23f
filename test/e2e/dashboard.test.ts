import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { expectNoAxeViolations, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A signed-in browser, without JavaScript unless asked (axe-core needs it to run). */
async function signedIn(username: string, locale: string, javaScriptEnabled = false) {
  const b = await signedInBrowser(server.baseUrl, username, { locale, javaScriptEnabled });
  b.page.setDefaultTimeout(30_000);
  return b;
}

/** Opens a page with JavaScript on, waits for its heading, and runs axe-core on it. */
async function axeOn(username: string, locale: string, pathname: string, heading: string) {
  const b = await signedIn(username, locale, true);
  try {
    await b.page.goto(`${server.baseUrl}${pathname}`);
    await b.page.locator("h1", { hasText: heading }).waitFor();
    await expectNoAxeViolations(b.page);
  } finally {
    await b.context.close();
  }
}

describe("the department dashboard and the read-only pledge page", () => {
  it("a manager sees the department's dashboard; the central reviewer picks the department without JavaScript", async () => {
    const en = await signedIn("manager.immd", "en-GB");
    try {
      const { page } = en;
      await page.goto(`${server.baseUrl}/staff/dashboard`);
      await page.locator("h1", { hasText: "Dashboard: Immigration Department" }).waitFor();
      await page.getByRole("heading", { name: "Due in the next five working days" }).waitFor();
      await page.getByRole("heading", { name: "Open appeals" }).waitFor();
    } finally {
      await en.context.close();
    }
    await axeOn("manager.immd", "en-GB", "/staff/dashboard", "Dashboard: Immigration Department");

    const zh = await signedIn("reviewer", "zh-HK");
    try {
      const { page } = zh;
      await page.goto(`${server.baseUrl}/staff/dashboard`);
      await page.getByLabel("部門").selectOption("IMMD");
      await page.getByRole("button", { name: "顯示儀表板" }).click();
      await page.locator("h1", { hasText: "儀表板：入境事務處" }).waitFor();
      expect(page.url()).toContain("dept=IMMD");
    } finally {
      await zh.context.close();
    }
    await axeOn("reviewer", "zh-HK", "/staff/dashboard?dept=IMMD", "儀表板：入境事務處");
  }, 180_000);

  it("a manager and the central reviewer read a pledge's page; no form on it", async () => {
    // The server's database, SQLite or Postgres (E2E_DATABASE).
    const db = createDb(server.dbPath);
    const pledge = await db
      .selectFrom("pledges")
      .select("id")
      .where("code", "=", "IMMD-ID-CARD")
      .executeTakeFirstOrThrow()
      .finally(() => db.destroy());
    const b = await signedIn("manager.immd", "en-GB");
    try {
      await b.page.goto(`${server.baseUrl}/staff/pledges/${pledge.id}`);
      await b.page.locator("h1", { hasText: "IMMD-ID-CARD" }).waitFor();
      await b.page.getByRole("heading", { name: "Results", exact: true }).waitFor();
      expect(await b.page.locator("main form[method=post]").count()).toBe(0);
    } finally {
      await b.context.close();
    }
    await axeOn("reviewer", "zh-HK", `/staff/pledges/${pledge.id}`, "IMMD-ID-CARD");
  }, 180_000);
});
