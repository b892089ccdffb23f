import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptPii } from "~/utils/crypto.server";
import { createDb } from "../../db/client";
import { ANNEX_PLEDGES } from "../../db/seed-annex";
import { DEPARTMENTS } from "../../db/seed-data";
import { launchBrowser } from "../setup/browser";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";

/*
 * The public pages as a citizen sees them: a survey says which department and service it is about,
 * the home page's departments lead to their pledges, the pledge charts do not cut their axis, and
 * no internal code (a pledge's or a service's) shows in either language.
 */

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.cleanup();
  await server?.stop();
});

async function inLanguage(page: Page, lng: "en" | "zh-HK", path: string) {
  await page.goto(`${server.baseUrl}/locale?lng=${lng}&redirectTo=${encodeURIComponent(path)}`);
}

/** What a reader sees: the visible text and the page's title. */
async function visibleText(page: Page): Promise<string> {
  // innerText, not textContent: the rendered words only, not the scripts' data (where codes may be).
  // biome-ignore lint/performance/useDomNodeTextContent: what is seen is what is tested
  return page.evaluate(() => `${document.title}\n${document.body.innerText}`);
}

describe("seen as a citizen would", () => {
  it("a survey names the department and the service it is about, in English and Chinese", async () => {
    const page = await browser.newPage();
    try {
      await inLanguage(page, "en", "/s/immdcsat");
      const subject = page.locator("dl.survey-subject");
      await subject.waitFor();
      expect(await subject.textContent()).toMatch(
        /Department\s*Immigration Department\s*Service\s*All the department's services/,
      );
      await inLanguage(page, "zh-HK", "/s/immdcsat");
      await subject.waitFor();
      expect(await subject.textContent()).toMatch(/部門\s*入境事務處\s*服務\s*部門的所有服務/);
      await inLanguage(page, "en", "/");
    } finally {
      await page.close();
    }
  });

  it("the home page's departments link to their pledges", async () => {
    const page = await browser.newPage();
    try {
      for (const lng of ["en", "zh-HK"] as const) {
        await inLanguage(page, lng, "/");
        const links = await page
          .locator("ul.department-list a")
          .evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
        expect(links).toEqual(
          DEPARTMENTS.map((d) => [lng === "en" ? d.en : d.zh, `/pledges/${d.code}`]).sort((a, b) =>
            a[1]!.localeCompare(b[1]!),
          ),
        );
        await page
          .getByRole("link", { name: lng === "en" ? "Immigration Department" : "入境事務處" })
          .click();
        await page.waitForURL(`${server.baseUrl}/pledges/IMMD`);
        await page.locator("h1").waitFor();
      }
      await inLanguage(page, "en", "/");
    } finally {
      await page.close();
    }
  });

  it("every pledge chart's axis starts at 0%", async () => {
    const page = await browser.newPage();
    try {
      await inLanguage(page, "en", "/pledges");
      // Each chart is drawn twice, for a phone and for a wider screen (ADR 0020): read the wide one.
      const charts = await page
        .locator("article[data-pledge] .chart-wide svg[role=img]")
        .evaluateAll((svgs) =>
          svgs.map((svg) => [...svg.querySelectorAll(".chart-y-axis text")].map((t) => t.textContent)),
        );
      expect(charts).toHaveLength(ANNEX_PLEDGES.length);
      // The axis labels, bottom and top: 0% and 100% on every chart.
      for (const labels of charts) expect([labels[0], labels.at(-1)].sort()).toEqual(["0%", "100%"]);
      // A bar's height is its result's share of the whole axis: 99% is 99% of the way up.
      const bars = await page
        .locator("article[data-pledge] .chart-wide svg[role=img]")
        .first()
        .evaluate((svg) => {
          const tick = (v: string) =>
            Number(svg.querySelector(`.chart-y-axis text[data-value="${v}"]`)!.getAttribute("y"));
          const base = tick("0");
          const top = tick("100");
          return [...svg.querySelectorAll(".chart-bars rect")].map(
            (r) => Number(r.getAttribute("height")) / (base - top),
          );
        });
      expect(bars.length).toBeGreaterThan(0);
      for (const share of bars) expect(share).toBeGreaterThan(0.5);
    } finally {
      await page.close();
    }
  });

  it("no pledge or service code appears in the public pages, in either language", async () => {
    const page = await browser.newPage();
    const codes = [
      ...ANNEX_PLEDGES.map((p) => p.code),
      // (a code that is also the service's public name, as the 1823 hotline's, is no secret)
      ...DEPARTMENTS.flatMap((d) => d.services.filter((s) => !s.en.includes(s.code)).map((s) => s.code)),
    ];
    const pages = [
      "/",
      "/pledges",
      ...DEPARTMENTS.map((d) => `/pledges/${d.code}`),
      "/feedback",
      "/s/immdcsat",
      "/s/immdcsat/thanks",
      "/s/immdcase",
      "/complaints/new",
      "/track",
    ];
    // A demo citizen's case, replied to and appealed: what they see when they track it.
    const db = createDb(server.dbPath);
    const tracked = await db
      .selectFrom("cases as c")
      .innerJoin("appeals as a", "a.case_id", "c.id")
      .select(["c.reference", "c.contact_email_enc"])
      .where("a.decided_at", "is not", null)
      .where("c.contact_email_enc", "is not", null)
      .orderBy("c.id")
      .executeTakeFirstOrThrow()
      .finally(() => db.destroy());
    const email = decryptPii(TEST_PII_KEY, tracked.contact_email_enc)!;
    pages.push(`/complaints/submitted?ref=${tracked.reference}`);
    try {
      const found: string[] = [];
      const check = async (where: string) => {
        const text = await visibleText(page);
        for (const code of codes) if (text.includes(code)) found.push(`${where}: ${code}`);
      };
      for (const lng of ["en", "zh-HK"] as const) {
        for (const path of pages) {
          await inLanguage(page, lng, path);
          await page.locator("h1").first().waitFor();
          await check(`${lng} ${path}`);
        }
        await inLanguage(page, lng, "/track");
        await page.locator("input[name=reference]").fill(tracked.reference);
        await page.locator("input[name=contact]").fill(email);
        await page.locator("main form[method=post] button[type=submit]").click();
        await page.getByText(tracked.reference).first().waitFor();
        await check(`${lng} /track (a case)`);
      }
      expect(found).toEqual([]);
      await inLanguage(page, "en", "/");
    } finally {
      await page.close();
    }
  });
});
