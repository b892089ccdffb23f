import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importGovernment } from "~/models/imports/import.server";
import { recomputeStoredResults } from "~/models/pledges/stored-results.server";
import { createDb } from "../../db/client";
import { writeGovernment } from "../../db/demo-government";
import { expectNoAxeViolations, launchBrowser, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

/*
 * A whole government in the browser (issue 12): with more pledges than one page can show, the
 * public list becomes a list of departments; a department's page and the central overview read
 * the stored results. In both languages, with and without JavaScript, checked with axe.
 */

let server: RunningServer;
let dir: string;
/** the last complete Hong Kong month: the overview's default end */
let end: string;

beforeAll(async () => {
  server = await startServer({});
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-e2e-gov-"));
  const hk = new Date(Date.now() + 8 * 3600_000);
  end = new Date(Date.UTC(hk.getUTCFullYear(), hk.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await writeGovernment(dir, { departments: 10, pledges: 90, months: 36, end, rowsPerMonth: 3, seed: 3 });
  const db = createDb(server.dbPath);
  try {
    const loaded = await importGovernment(db, dir);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 3)));
    await recomputeStoredResults(db, { pledgeIds: loaded.changedPledgeIds });
  } finally {
    await db.destroy();
  }
});
afterAll(async () => {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a whole government in the browser", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`the public reads every department's results, then one department's (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const base = server.baseUrl;
      const browser = await launchBrowser({ javaScriptEnabled });
      // axe runs as a script in the page: with JavaScript off the same pages are checked for content only.
      const axe = (page: Page) => (javaScriptEnabled ? expectNoAxeViolations(page) : Promise.resolve());
      try {
        const page = await browser.newPage();
        page.setDefaultTimeout(15_000);
        await page.goto(`${base}/pledges`);
        const summary = page.getByTestId("pledges-summary");
        await summary.waitFor();
        // The imported departments are listed with their pledges' latest results.
        expect(await summary.locator("tbody tr").count()).toBeGreaterThanOrEqual(10);
        await page.getByTestId("figures-up-to-date").getByText("Figures brought up to date").waitFor();
        await axe(page);

        await summary.getByRole("link", { name: "Lands Bureau" }).click();
        await page.waitForURL(`${base}/pledges/G001`);
        await page.locator("h1", { hasText: "Lands Bureau" }).waitFor();
        expect(await page.locator("article").count()).toBeGreaterThan(0);
        await axe(page);

        await page.goto(`${base}/locale?lng=zh-HK&redirectTo=/pledges`);
        await page.getByTestId("pledges-summary").getByRole("link", { name: "地政局" }).waitFor();
        await page.getByTestId("figures-up-to-date").getByText("數字更新至").waitFor();
        await axe(page);
      } finally {
        await browser.cleanup();
      }
    });
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`the central reviewer reads the three years ending at a month of their choice (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const base = server.baseUrl;
      const { context, page } = await signedInBrowser(base, "reviewer", { javaScriptEnabled });
      const axe = (p: Page) => (javaScriptEnabled ? expectNoAxeViolations(p) : Promise.resolve());
      try {
        page.setDefaultTimeout(15_000);
        await page.goto(`${base}/central/overview`);
        // The first table, named by the caption above its scrolling region (issue 15).
        const years = page.locator(".table-wrap table").first();
        await years.waitFor();
        await axe(page);
        // The month form is an ordinary GET form, with or without JavaScript.
        const earlier = `${Number(end.slice(0, 4)) - 1}${end.slice(4)}`;
        await page.locator("input[type=month]").fill(earlier);
        await page.locator("main form button[type=submit]").click();
        await page.waitForURL(`${base}/central/overview?end=${earlier}`);
        const json = await page.request.get(`${base}/central/overview.json?end=${earlier}`);
        expect(json.status()).toBe(200);
        const o = (await json.json()) as { end: string; years: { to: string; withResult: number }[] };
        expect(o.end).toBe(earlier);
        expect(o.years.at(-1)!.to).toBe(earlier);
        // The government's activity starts 36 months before the default end: a year earlier, the
        // window's first year has no results, the other two have the imported pledges'.
        expect(o.years.map((y) => y.withResult > 40)).toEqual([false, true, true]);
        expect(o.years[0]!.withResult).toBe(0);
        await axe(page);
      } finally {
        await context.cleanup();
      }
    });
  }
});
