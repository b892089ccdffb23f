import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCompleteMonths } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { createDb } from "../../db/client";
import { expectNoAxeViolations, LANGUAGES, launchBrowser, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

/*
 * Issue 15: charts honest and legible on a phone, and "Our pledges" browsable there. At 375 px
 * every chart's text is drawn at 12 CSS px or more, percentage axes all start at 0%, the target
 * line is drawn over the bars in a colour that stands out from them, month labels never overlap,
 * and each chart is described by a table of its figures; /pledges is a few screens long.
 */

const PHONE = { width: 375, height: 812 };

let server: RunningServer;
let reportId: number;

beforeAll(async () => {
  server = await startServer({}, { demoActivity: true });
  // Last month's report for IMMD, as the monthly job would make it.
  const db = createDb(server.dbPath);
  try {
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const month = lastCompleteMonths(hkMonth(new Date()), 1).at(-1)!;
    reportId = (await generateDepartmentReport(db, immd.id, month)).id;
  } finally {
    await db.destroy();
  }
});
afterAll(async () => {
  await server?.stop();
});

interface ChartFacts {
  chart: string;
  /** the smallest text drawn, in CSS px */
  smallestText: number;
  /** the lowest value on each percentage axis */
  percentFloors: number[];
  /** month labels that run into the next one */
  overlaps: string[];
  /** the target line: after every bar in the drawing, and its stroke against the bars' fill */
  target: { afterBars: boolean; contrast: number } | null;
  /** what the image is described by: the table of its figures */
  describedByTable: boolean;
  named: boolean;
}

/** What can be measured of each chart shown on the page. */
async function chartFacts(page: Page): Promise<ChartFacts[]> {
  return page.evaluate(() => {
    const luminance = (colour: string) => {
      const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return (x! + 0.05) / (y! + 0.05);
    };
    // Shown: not in a closed <details>, not the other size's drawing (display: none).
    const visible = [...document.querySelectorAll<SVGSVGElement>("svg.chart")].filter((s) =>
      s.checkVisibility(),
    );
    return visible.map((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const texts = [...svg.querySelectorAll("text")];
      const smallestText = Math.min(
        ...texts.map((t) => Number.parseFloat(getComputedStyle(t).fontSize) * scale),
      );
      const percentAxes =
        svg.dataset.chart === "pledge-results"
          ? [svg.querySelector(".chart-y-axis")!]
          : [...svg.querySelectorAll(".chart-share-axis")];
      const percentFloors = percentAxes.map((axis) =>
        Math.min(
          ...[...axis.querySelectorAll("[data-value]")].map((t) => Number(t.getAttribute("data-value"))),
        ),
      );
      const labels = [...svg.querySelectorAll(".chart-x-axis text")].map((t) => ({
        text: t.textContent ?? "",
        r: t.getBoundingClientRect(),
      }));
      const overlaps = labels
        .slice(1)
        .filter((l, i) => l.r.left < labels[i]!.r.right)
        .map((l) => l.text);
      const line = svg.querySelector(".chart-target");
      const bars = [...svg.querySelectorAll(".chart-bar")];
      let target: ChartFacts["target"] = null;
      if (line) {
        const core = [...line.querySelectorAll("path")].at(-1)!;
        const met = bars.find((b) => !(b.getAttribute("fill") ?? "").startsWith("url")) ?? bars[0]!;
        target = {
          afterBars: bars.every((b) => b.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING),
          contrast: contrast(getComputedStyle(core).stroke, getComputedStyle(met).fill),
        };
      }
      const described = document.getElementById(svg.getAttribute("aria-describedby") ?? "");
      const table = described?.nextElementSibling?.querySelector("table");
      return {
        chart: svg.dataset.chart ?? "",
        smallestText,
        percentFloors,
        overlaps,
        target,
        describedByTable: !!table && table.getAttribute("aria-labelledby") === described?.id,
        named: svg.getAttribute("role") === "img" && !!svg.querySelector("title")?.textContent,
      };
    });
  });
}

/**
 * What does not fit a phone in the page's main part: sideways overflow, and links and toggles
 * (<summary>) shown smaller than 44 × 44 px (WCAG 2.5.5). The header, footer and form controls
 * are the whole product's (test/e2e/phone.test.ts).
 */
async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw) {
      problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    for (const el of document.querySelectorAll("main a[href], main summary")) {
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (r.width + 0.5 < 44 || r.height + 0.5 < 44) {
        problems.push(
          `${el.tagName} "${(el.textContent ?? "").trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
      }
    }
    return problems;
  });
}

function expectLegible(facts: ChartFacts[]) {
  expect(facts.length).toBeGreaterThan(0);
  for (const f of facts) {
    expect(f.smallestText, f.chart).toBeGreaterThanOrEqual(12);
    expect(f.overlaps, f.chart).toEqual([]);
    expect(f.describedByTable, f.chart).toBe(true);
    expect(f.named, f.chart).toBe(true);
    // Every percentage axis starts at 0%: charts of one kind share a floor.
    for (const floor of f.percentFloors) expect(floor, f.chart).toBe(0);
  }
}

describe("charts and public pledges on a phone", () => {
  for (const lng of LANGUAGES) {
    it(`/pledges is a few screens long, and its charts are legible, in ${lng}`, async () => {
      const browser = await launchBrowser();
      try {
        await browser.addCookies([{ name: "pledge_lng", value: lng, url: server.baseUrl }]);
        const page = await browser.newPage();
        await page.setViewportSize(PHONE);
        await page.goto(`${server.baseUrl}/pledges`);
        await page.locator("h1").waitFor();
        // Every department closed: a list of departments, not 12,600–18,600 px of charts.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        expect(height).toBeLessThan(4000);
        const summaries = page.locator("section[data-department] > details > summary");
        expect(await summaries.count()).toBeGreaterThan(5);
        for (const box of await summaries.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()))) {
          expect(box.height).toBeGreaterThanOrEqual(44);
        }
        await expectNoAxeViolations(page);
        expect(await phoneProblems(page)).toEqual([]);

        // Open one department by its summary (no JavaScript needed: it is a <details>).
        const wsd = page.locator('section[data-department="WSD"]');
        await wsd.locator("> details > summary").click();
        await wsd.locator("article[data-pledge]").first().waitFor();
        const facts = await chartFacts(page);
        expect(facts.map((f) => f.chart)).toEqual(["pledge-results", "pledge-results"]);
        expectLegible(facts);
        for (const f of facts) {
          expect(f.percentFloors).toEqual([0]);
          expect(f.target?.afterBars).toBe(true);
          expect(f.target!.contrast).toBeGreaterThanOrEqual(3);
        }
        await wsd.getByRole("link", { name: lng === "en" ? "Back to top" : "返回頁首" }).click();
        // Back at the page's title, at the top of the screen.
        await expect
          .poll(() =>
            page.evaluate(() => Math.round(document.querySelector("h1")!.getBoundingClientRect().top)),
          )
          .toBeLessThan(50);
        expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
        await expectNoAxeViolations(page);
        expect(await phoneProblems(page)).toEqual([]);

        // Its own page says the same, on the same axis.
        await page.goto(`${server.baseUrl}/pledges/IMMD`);
        await page.locator("h1").waitFor();
        const own = await chartFacts(page);
        expect(own.length).toBeGreaterThan(0);
        expectLegible(own);
        for (const f of own) expect(f.target?.afterBars).toBe(true);
        // On a wider screen, the wide drawing: every month named, still never overlapping.
        await page.setViewportSize({ width: 1100, height: 900 });
        const wide = await chartFacts(page);
        expectLegible(wide);
        expect(await page.locator("svg.chart:visible .chart-x-axis text").count()).toBe(12 * wide.length);
        await page.setViewportSize(PHONE);
        await page.evaluate(() => {
          for (const d of document.querySelectorAll("details")) d.open = true;
        });
        expect(await phoneProblems(page)).toEqual([]);
      } finally {
        await browser.cleanup();
      }
    });
  }

  it("the monthly report's charts are legible at 375 px and at 1100 px, in both languages", async () => {
    const { context, page } = await signedInBrowser(server.baseUrl, "manager.immd");
    try {
      for (const lng of LANGUAGES) {
        await context.addCookies([{ name: "pledge_lng", value: lng, url: server.baseUrl }]);
        for (const size of [PHONE, { width: 1100, height: 900 }]) {
          await page.setViewportSize(size);
          await page.goto(`${server.baseUrl}/reports/${reportId}`);
          await page.locator("h1").waitFor();
          const facts = await chartFacts(page);
          expect(facts.map((f) => f.chart)).toContain("trend");
          expectLegible(facts);
          // The trend charts' share axes all run from 0%.
          for (const f of facts.filter((x) => x.chart === "trend")) expect(f.percentFloors).toEqual([0]);
          // Each chart is drawn once for the screen: one image shown per table of figures.
          const shownPerFigure = await page.evaluate(() =>
            [...document.querySelectorAll("figure")].map(
              (fig) => [...fig.querySelectorAll("svg.chart")].filter((s) => s.checkVisibility()).length,
            ),
          );
          expect(new Set(shownPerFigure)).toEqual(new Set([1]));
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
            size.width,
          );
        }
        await expectNoAxeViolations(page);
      }
    } finally {
      await context.cleanup();
    }
  });
});
