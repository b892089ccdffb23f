import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hkDate } from "~/models/calendar/time";
import { isWorkingDay } from "~/models/calendar/working-days";
import {
  allowFailedResponse,
  expectNoAxeViolations,
  lodgeComplaintInBrowser,
  signedInBrowser,
} from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;

/** The first working day after today (HK): inside the acknowledgement window of a case received today. */
function nextWorkingDay(): string {
  let at = Date.parse(`${hkDate(new Date())}T00:00:00Z`);
  for (;;) {
    at += 86_400_000;
    const date = new Date(at).toISOString().slice(0, 10);
    if (isWorkingDay(date)) return date;
  }
}
const day = nextWorkingDay();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A signed-in browser; without JavaScript unless asked: every form here must work as plain HTML. */
const signedIn = (username: string, locale: string, javaScriptEnabled = false) =>
  signedInBrowser(server.baseUrl, username, { locale, javaScriptEnabled });

describe("territory-wide closure days, without JavaScript", () => {
  it("the central bureau enters a day in English and removes it in Chinese; a case's due date follows", async () => {
    // A complaint lodged today: acknowledgement due in 5 working days (the default pledge).
    const reference = await lodgeComplaintInBrowser(server.baseUrl, {
      whatHappened: "The office was closed without notice.",
      email: "ho.ka.wai@example.com",
    });

    const en = await signedIn("reviewer", "en-GB");
    try {
      const { page } = en;
      await page.getByRole("link", { name: "Territory-wide closure days" }).click();
      await page.locator("h1", { hasText: "Territory-wide closure days" }).waitFor();
      await page.getByLabel("Date").fill(day);
      await page.getByLabel("Reason (English)").fill("Typhoon signal No. 8");
      await page.getByLabel("Reason (Chinese)").fill("八號烈風或暴風信號");
      await page.getByRole("button", { name: "Add closure day" }).click();
      await page
        .getByText(/Closure day added for every department\. The due dates of \d+ open cases? moved/)
        .waitFor();
      await page.getByText(`${day} — Typhoon signal No. 8`).waitFor();
      // The same day again is refused, with the reason.
      allowFailedResponse(400, "/central/closure-days", "the same closure day twice is answered 400");
      await page.getByLabel("Date").fill(day);
      await page.getByLabel("Reason (English)").fill("Typhoon signal No. 8");
      await page.getByLabel("Reason (Chinese)").fill("八號烈風或暴風信號");
      await page.getByRole("button", { name: "Add closure day" }).click();
      await page.getByText("This date is already a closure day.").first().waitFor();
    } finally {
      await en.context.cleanup();
    }

    // The page passes axe-core (which needs JavaScript to run), with the day listed.
    const axe = await signedIn("reviewer", "en-GB", true);
    try {
      await axe.page.goto(`${server.baseUrl}/central/closure-days`);
      await axe.page.getByText(`${day} — Typhoon signal No. 8`).waitFor();
      await expectNoAxeViolations(axe.page);
    } finally {
      await axe.context.cleanup();
    }

    // A department's administrator sees it, marked territory-wide, with no way to remove it.
    const dept = await signedIn("admin.immd", "en-GB");
    try {
      await dept.page.goto(`${server.baseUrl}/admin/case-settings`);
      await dept.page.getByText(`${day} — Typhoon signal No. 8`).waitFor();
      await dept.page.getByText("Territory-wide", { exact: true }).waitFor();
      expect(await dept.page.getByRole("button", { name: /Remove/ }).count()).toBe(0);
    } finally {
      await dept.context.cleanup();
    }

    const zh = await signedIn("sysadmin", "zh-HK");
    try {
      const { page } = zh;
      await page.goto(`${server.baseUrl}/central/closure-days`);
      await page.locator("h1", { hasText: "全港停止辦公日" }).waitFor();
      await page.getByText(`${day} — 八號烈風或暴風信號`).waitFor();
      await page.getByRole("button", { name: `移除${day}的停止辦公日` }).click();
      await page.getByText(/已移除停止辦公日。\d+宗未完結個案的限期已還原。/).waitFor();
      expect(await page.getByText(`${day} — 八號烈風或暴風信號`).count()).toBe(0);
    } finally {
      await zh.context.cleanup();
    }

    // The case's history shows both moves, with the due dates (staff only).
    const officer = await signedIn("officer.immd", "en-GB", true);
    try {
      const { page } = officer;
      await page.goto(`${server.baseUrl}/staff/cases?tab=open`);
      await page.getByRole("link", { name: reference }).click();
      await page.locator("h1", { hasText: reference }).waitFor();
      await page.getByText(`Due dates moved: ${day} became a closure day`).waitFor();
      await page.getByText(`Due dates moved back: ${day} is no longer a closure day`).waitFor();
      expect(await page.getByText(/Acknowledgement due: \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}/).count()).toBe(
        2,
      );
      await expectNoAxeViolations(page);
    } finally {
      await officer.context.cleanup();
    }
  });
});
