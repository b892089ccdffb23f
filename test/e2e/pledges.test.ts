import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANNEX_PLEDGES } from "../../db/seed-annex";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { allowFailedResponse, expectNoAxeViolations, launchBrowser, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  // Twelve months of demo activity behind the annex pledges.
  server = await startServer({}, { demoActivity: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.cleanup();
  await server?.stop();
});

interface OpenData {
  periods: string[];
  pledges: { code: string; department: { code: string }; results: { period: string; status: string }[] }[];
}

/** Opens every "month by month" table, so axe checks them too. */
async function openDetails(page: Page) {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
}

/** Each pledge on the page with its latest result's status. */
async function pledgesOnPage(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("article[data-pledge]")].map((a) => [
        a.getAttribute("data-pledge"),
        a.getAttribute("data-latest-status"),
      ]),
    ),
  );
}

describe("public pledges end to end", () => {
  it("shows every annex pledge with its latest result, in English and Chinese, matching the open data", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.baseUrl}/pledges`);
      await page.locator("h1", { hasText: "Our performance pledges" }).waitFor();
      const shown = await pledgesOnPage(page);
      expect(Object.keys(shown).sort()).toEqual(ANNEX_PLEDGES.map((p) => p.code).sort());
      for (const p of ANNEX_PLEDGES) {
        const article = page.locator(`article[data-pledge="${p.code}"]`);
        await expect(article.getByText(/^Latest result, /).count()).resolves.toBe(1);
        const words = await article.locator(".latest-result").textContent();
        expect(words).toMatch(/Target met|Target not met|Not enough data/);
        // The demo counts something every month, so the latest result has a sample.
        expect(words).toMatch(/counted/);
        // Drawn twice, for a phone and for a wider screen; CSS shows one (issue 15).
        await expect(article.locator("svg[role=img] title").count()).resolves.toBe(2);
        // The table of the same months, named by a caption above its scrolling box (issue 15).
        await expect(article.locator("details .table-caption + .table-wrap table").count()).resolves.toBe(1);
      }
      await expectNoAxeViolations(page);
      await openDetails(page);
      await expectNoAxeViolations(page);

      // The open data says the same: the same pledges, the same latest results.
      const res = await fetch(`${server.baseUrl}/pledges.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("cache-control")).toBe("public, max-age=300");
      const data = (await res.json()) as OpenData;
      expect(data.pledges).toHaveLength(Object.keys(shown).length);
      const latestIndex = data.periods.length - 3; // the twelfth month, before the two years
      expect(Object.fromEntries(data.pledges.map((p) => [p.code, p.results[latestIndex]!.status]))).toEqual(
        shown,
      );
      const csv = await fetch(`${server.baseUrl}/pledges.csv`);
      expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      const lines = (await csv.text()).trim().split("\r\n");
      expect(lines).toHaveLength(1 + data.pledges.length * data.periods.length);

      await page.goto(`${server.baseUrl}/locale?lng=zh-HK&redirectTo=/pledges`);
      await page.locator("h1", { hasText: "我們的服務承諾" }).waitFor();
      expect(await pledgesOnPage(page)).toEqual(shown);
      await expect(page.getByText(/^最新成果：/).count()).resolves.toBe(ANNEX_PLEDGES.length);
      // In its department's section, closed until opened (issue 15: the page fits a phone).
      await page.getByText("香港身份證於 10 個工作天內簽發。").waitFor({ state: "attached" });
      await expectNoAxeViolations(page);
      await openDetails(page);
      await expectNoAxeViolations(page);
      await page.goto(`${server.baseUrl}/locale?lng=en&redirectTo=/pledges`);
    } finally {
      await page.close();
    }
  });

  it("gives each department a page of its own, with its own open data", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.baseUrl}/pledges`);
      // Each department's section is closed until its summary is clicked (issue 15).
      await page.locator('section[data-department="WSD"] > details > summary').click();
      await page.getByRole("link", { name: "Water Supplies Department: all pledges and results" }).click();
      await page.waitForURL(`${server.baseUrl}/pledges/WSD`);
      await page.locator("h1", { hasText: "Performance pledges: Water Supplies Department" }).waitFor();
      const shown = await pledgesOnPage(page);
      expect(Object.keys(shown).sort()).toEqual(["WSD-DRINKING-WATER", "WSD-SALT-WATER"]);
      await openDetails(page);
      await expectNoAxeViolations(page);

      const data = (await (await fetch(`${server.baseUrl}/pledges/WSD.json`)).json()) as OpenData;
      expect(data.pledges.map((p) => p.code).sort()).toEqual(Object.keys(shown).sort());
      const csv = await fetch(`${server.baseUrl}/pledges/wsd.csv`);
      expect(csv.status).toBe(200);
      expect((await csv.text()).trim().split("\r\n")).toHaveLength(1 + 2 * data.periods.length);

      const lower = await page.goto(`${server.baseUrl}/pledges/immd`);
      expect(lower?.status()).toBe(200);
      await page.locator("h1", { hasText: "Immigration Department" }).waitFor();
      allowFailedResponse(404, "/pledges/NOPE", "the test opens a department that does not exist");
      const unknown = await page.goto(`${server.baseUrl}/pledges/NOPE`);
      expect(unknown?.status()).toBe(404);
      // The route's own words for what was not found (its ErrorBoundary), not the general 404 text.
      await page.getByText("There is no department with this code.").waitFor();
      expect((await fetch(`${server.baseUrl}/pledges/NOPE.json`)).status).toBe(404);
    } finally {
      await page.close();
    }
  });

  it("gives the central reviewer the government-wide overview", async () => {
    const context = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/central/overview`);
      await page.waitForURL(/\/staff\/sign-in/);
      await page.getByLabel("Username").fill("reviewer");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.baseUrl}/central/overview`);
      await page.locator("h1", { hasText: "Performance pledges across the government" }).waitFor();
      const published = page.locator('tr[data-figure="pledges"] td').first();
      // Every annex pledge and the demo year's changes (a retired one, a new one) were in force in the window.
      expect(Number(await published.textContent())).toBeGreaterThanOrEqual(ANNEX_PLEDGES.length);
      expect(await page.locator('tr[data-figure="pledges"] td').nth(1).textContent()).toBe("about 1,200");
      await expect(
        page
          .getByRole("table", { name: "Pledges with a result for the year, and how many met their target" })
          .count(),
      ).resolves.toBe(1);
      await expect(page.getByTestId("figures-up-to-date").textContent()).resolves.toMatch(
        /^Figures brought up to date at/,
      );
      await expectNoAxeViolations(page);
      // Another review period, by the GET form.
      await page.getByLabel("Last month of the period").fill("2025-10");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/\/central\/overview\?end=2025-10$/);
      await expect(page.locator('tr[data-year="2025-10"] th').textContent()).resolves.toBe(
        "November 2024 – October 2025",
      );
    } finally {
      await context.cleanup();
    }
  });
});

describe("a pledge's admin pages end to end", () => {
  it("lets a department administrator record a transaction and be told why a CSV file was refused", async () => {
    const { context, page } = await signedInBrowser(server.baseUrl, "admin.immd");
    try {
      await page.goto(`${server.baseUrl}/admin/pledges`);
      await page.getByRole("link", { name: "IMMD-ID-CARD", exact: true }).click();
      await page.locator("h1", { hasText: "Pledge IMMD-ID-CARD" }).waitFor();
      const pledgeUrl = page.url();
      await page.getByRole("table", { name: "By month" }).waitFor();

      // One transaction through the form (its section is a component of the page).
      await page.getByLabel("Reference", { exact: true }).fill("E2E-0001");
      await page.getByLabel("Received").fill("2025-06-02T09:30");
      await page.getByRole("button", { name: "Record transaction" }).click();
      await page.getByText("The transaction has been recorded.").waitFor();

      // A file with a short row: refused, naming the line; nothing stored.
      await page.getByRole("link", { name: "Import a CSV file" }).click();
      await page.locator("h1", { hasText: "Import data for IMMD-ID-CARD" }).waitFor();
      await page.locator("dl code", { hasText: "external_ref" }).waitFor();
      const importPath = new URL(page.url()).pathname;
      allowFailedResponse(400, importPath, "the test sends a file with a bad row on purpose");
      await page
        .getByLabel("Or paste the CSV here")
        .fill("transaction_type,external_ref,received_at,completed_at\nID-CARD,E2E-0002,2025-06-02 10:00\n");
      await page.getByRole("button", { name: "Check and import" }).click();
      await page.getByText("This row has 3 values; the header has 4 columns.").waitFor();
      expect(await page.locator(".error-summary li").count()).toBe(1);

      // A pledge that is not there (or not the department's) is named as such.
      const missing = `${new URL(pledgeUrl).origin}/admin/pledges/999999`;
      allowFailedResponse(404, "/admin/pledges/999999", "the test opens a pledge that does not exist");
      expect((await page.goto(missing))?.status()).toBe(404);
      await page.getByText("There is no pledge with this number that you can manage.").waitFor();
    } finally {
      await context.cleanup();
    }
  });
});
