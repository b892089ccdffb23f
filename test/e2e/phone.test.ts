import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCompleteMonths } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { createCase } from "~/models/cases/intake.server";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { createDb } from "../../db/client";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { LANGUAGES, launchBrowser, type TestBrowser } from "../setup/browser";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";

/*
 * Issue 15, "a product that fits a phone": at 375 × 812 CSS px, in English and Chinese, every
 * citizen page and the staff pages used at a counter or on the move (the feedback log, a case, a
 * monthly report) have no sideways scroll outside a scroll region, tap targets of at least
 * 44 × 44 px (WCAG 2.5.5), and pass axe. Each page's problems are collected and reported together,
 * naming the page and the element (tag, text, size), so one run shows everything to fix.
 */

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PHONE = { width: 375, height: 812 };
const TABLET = { width: 768, height: 1024 };
/** the smallest tap target, in CSS px (WCAG 2.5.5, Apple's and Android's guidelines) */
const TARGET = 44;

let server: RunningServer;
let reportId: number;
let caseId: number;
let caseReference: string;
const CASE_EMAIL = "phone.case@example.com";

beforeAll(async () => {
  server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
  const db = createDb(server.dbPath);
  try {
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const month = lastCompleteMonths(hkMonth(new Date()), 1)[0]!;
    reportId = (await generateDepartmentReport(db, immd.id, month)).id;
    const made = await createCase(db, TEST_PII_KEY, {
      departmentId: immd.id,
      serviceId: null,
      channel: "email",
      language: "en",
      whatHappened: "I waited three hours at the counter and nobody told me why.",
      desiredOutcome: "A sign that shows the waiting time.",
      contact: { email: CASE_EMAIL },
      consent: true,
      receivedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    });
    caseId = made.id;
    caseReference = made.reference;
  } finally {
    await db.destroy();
  }
});
afterAll(async () => {
  await server?.stop();
});

/**
 * What is wrong with the page shown, as lines naming the element: sideways overflow of the page
 * or of an element outside a scroll region, and visible links, buttons, form controls and
 * <summary> toggles smaller than 44 × 44 px (a radio or checkbox is measured by its <label>).
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ target }) => {
      const problems: string[] = [];
      const vw = document.documentElement.clientWidth;
      const describe = (el: Element, r: DOMRect) => {
        const text = (el.textContent || el.getAttribute("aria-label") || el.getAttribute("value") || "")
          .replace(/\s+/g, " ")
          .trim()
          .slice(0, 50);
        const name = el.getAttribute("name");
        const cls = el.getAttribute("class");
        return `<${el.tagName.toLowerCase()}${name ? ` name="${name}"` : ""}${cls ? ` class="${cls}"` : ""}> "${text}" ${Math.round(r.width)}×${Math.round(r.height)}`;
      };
      const scrolls = (el: Element) => /^(auto|scroll)$/.test(getComputedStyle(el).overflowX);
      /** visually hidden on purpose: the skip link off screen, .visually-hidden, the honeypot */
      const hiddenOnPurpose = (el: Element) => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const s = getComputedStyle(e);
          if (s.display === "none" || s.visibility === "hidden") return true;
          const r = e.getBoundingClientRect();
          if (r.right <= 0 || r.bottom <= 0) return true;
          if (r.width <= 1 && r.height <= 1 && s.overflow !== "visible") return true;
          // inside a closed <details> (its own <summary> stays visible)
          const ownSummary = el.tagName === "SUMMARY" && el.parentElement === e;
          if (e.tagName === "DETAILS" && !(e as HTMLDetailsElement).open && !ownSummary) return true;
        }
        return false;
      };

      if (document.documentElement.scrollWidth > vw) {
        problems.push(
          `the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${vw} px`,
        );
      }
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right <= vw + 0.5 || r.width === 0) continue;
        if (hiddenOnPurpose(el)) continue;
        let inScroller = false;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (scrolls(a)) inScroller = true;
        }
        if (inScroller) continue;
        // Name only the outermost element that sticks out.
        const parent = el.parentElement;
        if (parent && parent !== document.body && parent.getBoundingClientRect().right > vw + 0.5) continue;
        problems.push(`sticks out to ${Math.round(r.right)} px: ${describe(el, r)}`);
      }

      const controls = document.body.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, summary",
      );
      for (const el of controls) {
        if (hiddenOnPurpose(el)) continue;
        let measured: Element = el;
        if (el instanceof HTMLInputElement && (el.type === "radio" || el.type === "checkbox")) {
          const label = el.labels?.[0];
          if (!label) {
            problems.push(`a ${el.type} without a label: ${describe(el, el.getBoundingClientRect())}`);
            continue;
          }
          measured = label;
        }
        const r = measured.getBoundingClientRect();
        if (r.width + 0.5 < target || r.height + 0.5 < target) {
          problems.push(`tap target too small: ${describe(measured, r)}`);
        }
      }
      return problems;
    },
    { target: TARGET },
  );
}

/** axe-core's findings (the rules test/setup/browser.ts runs), one line per rule with its elements. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource}\n;0`);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above
    const result = await (window as any).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map(
      (v: { id: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(" "))
          .join(", ")}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ""}`,
    );
  });
}

/** A phone-sized page in a browser whose language is `lng`. */
async function phonePage(browser: TestBrowser, lng: string): Promise<Page> {
  await browser.addCookies([
    { name: "pledge_lng", value: lng, url: server.baseUrl, httpOnly: true, sameSite: "Lax" },
  ]);
  const page = await browser.newPage();
  await page.setViewportSize(PHONE);
  return page;
}

/** Checks the page shown, adding its problems (and axe's) to `found` under its name. */
async function check(page: Page, name: string, found: string[]) {
  await page.locator("h1").first().waitFor();
  const where = `${name} (${new URL(page.url()).pathname})`;
  for (const p of await layoutProblems(page)) found.push(`${where}: ${p}`);
  for (const v of await axeViolations(page)) found.push(`${where}: axe ${v}`);
  // With E2E_SCREENSHOTS=<folder>: the page as the phone shows it, to look at.
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) {
    const lng = (await page.getAttribute("html", "lang")) ?? "";
    await page.screenshot({ path: `${dir}/${name.replace(/\W+/g, "-")}-${lng}.png`, fullPage: true });
  }
}

async function signIn(page: Page, username: string) {
  await page.goto(`${server.baseUrl}/staff/sign-in`);
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(DEMO_PASSWORD);
  await page.locator("main form[method=post] button[type=submit]").click();
  await page.waitForURL(`${server.baseUrl}/staff`);
}

describe("on a 375-pixel phone", () => {
  for (const lng of LANGUAGES) {
    it(`a citizen's pages fit, in ${lng}`, async () => {
      const browser = await launchBrowser();
      const found: string[] = [];
      try {
        const page = await phonePage(browser, lng);
        const go = async (path: string, name: string) => {
          await page.goto(`${server.baseUrl}${path}`);
          await check(page, name, found);
        };
        await go("/", "home");
        await go("/feedback", "give feedback");
        await go("/s/immdcsat", "survey");

        // A tap anywhere on an answer's row chooses it: near its right end, far from the text.
        const questions = page.locator("fieldset.question:has(input[type=radio])");
        for (let i = 0; i < (await questions.count()); i++) {
          const row = questions.nth(i).locator("label:has(input[type=radio])").first();
          await row.scrollIntoViewIfNeeded();
          const box = (await row.boundingBox())!;
          await page.mouse.click(box.x + box.width - 4, box.y + box.height / 2);
          expect(
            await row.locator("input").isChecked(),
            `answer row ${i + 1} chosen by a tap on its row`,
          ).toBe(true);
        }
        await page.locator("main form[method=post] button[type=submit]").click();
        await page.waitForURL(/\/s\/immdcsat\/thanks/);
        await check(page, "survey thanks", found);

        await go("/complaints/new", "complaint form");
        await page.locator("select[name=department]").selectOption({ index: 1 });
        await page.locator("textarea[name=whatHappened]").fill("The queue was two hours long.");
        await page.locator("input[name=email]").fill("citizen.phone@example.com");
        await page.locator("label:has(input[name=consent])").click();
        await page.locator("main form[method=post] button[type=submit]").click();
        await page.waitForURL(/\/complaints\/submitted/);
        await check(page, "complaint submitted", found);

        await go("/track", "tracking, empty");
        await page.locator("input[name=reference]").fill(caseReference);
        await page.locator("input[name=contact]").fill(CASE_EMAIL);
        await page.locator("main form[method=post] button[type=submit]").click();
        await page.getByText(caseReference).first().waitFor();
        await check(page, "tracking, a case", found);

        await go("/pledges", "pledges");
        await go("/pledges/IMMD", "a department's pledges");
        await go("/staff/sign-in", "staff sign-in");
        await go("/staff/forgot-password", "forgotten password");
      } finally {
        await browser.cleanup();
      }
      expect(found, `problems on a phone in ${lng}:\n${found.join("\n")}`).toEqual([]);
    });

    it(`the counter log, the case list, a case and a monthly report fit a phone and a tablet, in ${lng}`, async () => {
      const found: string[] = [];
      for (const [username, path, name] of [
        ["counter.immd", "/staff/feedback", "counter log"],
        ["officer.immd", "/staff/cases", "the case list"],
        ["officer.immd", `/staff/cases/${caseId}`, "a case"],
        ["manager.immd", `/reports/${reportId}`, "a monthly report"],
      ] as const) {
        const browser = await launchBrowser();
        try {
          const page = await phonePage(browser, lng);
          await signIn(page, username);
          await page.goto(`${server.baseUrl}${path}`);
          await check(page, name, found);
          // and on a tablet, upright and on its side
          for (const tablet of [TABLET, { width: TABLET.height, height: TABLET.width }]) {
            await page.setViewportSize(tablet);
            for (const p of await layoutProblems(page)) found.push(`${name} at ${tablet.width} px: ${p}`);
          }
        } finally {
          await browser.cleanup();
        }
      }
      expect(found, `problems on a phone in ${lng}:\n${found.join("\n")}`).toEqual([]);
    }, 120_000);
  }
});
