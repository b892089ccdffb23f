import fs from "node:fs";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastCompleteMonths } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { listPledges } from "~/models/pledges/registry.server";
import { pledgeResults } from "~/models/pledges/results.server";
import { recordTransaction } from "~/models/pledges/transactions.server";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { saveGovernmentSummary } from "~/models/reports/government.server";
import { createDb, type Db } from "../../db/client";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { allowFailedResponse, expectNoAxeViolations, launchBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;
let reportId: number;
let month: string;
let unmetPledgeId: number;

/** The latest of the demo year's months in which one of IMMD's pledges missed its target. */
async function latestUnmetMonth(db: Db, departmentId: number, months: string[]) {
  const pledges = await listPledges(db, { departmentId, statuses: ["published"] });
  for (const m of [...months].reverse()) {
    for (const p of pledges) {
      const [r] = await pledgeResults(db, p, [m]);
      if (r?.status === "not_met") return { month: m, pledgeId: p.id };
    }
  }
  return null;
}

/**
 * The demo data has IMMD meet its one pledge (ID cards in 10 working days, 99%) every month, and
 * IMMD is the only department with a manager account. So unless the demo year has a missed month,
 * last month's ID-card figures get some late cards, recorded as a department administrator would.
 */
async function missLastMonth(db: Db, departmentId: number, month: string) {
  const pledge = (await listPledges(db, { departmentId, statuses: ["published"] })).find(
    (p) => p.code === "IMMD-ID-CARD",
  )!;
  const admin = await db
    .selectFrom("staff_users")
    .select("id")
    .where("username", "=", "admin.immd")
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 12; i++) {
    // Received on the 1st, issued on the 28th (Hong Kong time): well past 10 working days.
    const r = await recordTransaction(db, { id: admin.id }, departmentId, {
      transactionType: pledge.version.transaction_type!,
      externalRef: `E2E-LATE-${i}`,
      receivedAt: `${month}-01 09:00`,
      completedAt: `${month}-28 16:00`,
    });
    expect(r.ok).toBe(true);
  }
  const [result] = await pledgeResults(db, pledge, [month]);
  expect(result?.status).toBe("not_met");
  return pledge.id;
}

beforeAll(async () => {
  server = await startServer({}, { demoActivity: true });
  // Last month's report, generated on the server's own database as the monthly job would.
  const db = createDb(server.dbPath);
  try {
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const months = lastCompleteMonths(hkMonth(new Date()), 12);
    const found = await latestUnmetMonth(db, immd.id, months);
    month = found?.month ?? months.at(-1)!;
    unmetPledgeId = found?.pledgeId ?? (await missLastMonth(db, immd.id, month));
    reportId = (await generateDepartmentReport(db, immd.id, month)).id;
    await saveGovernmentSummary(db, month);
  } finally {
    await db.destroy();
  }
});
afterAll(async () => {
  await server?.stop();
});

async function signIn(page: Page, username: string) {
  await page.goto(`${server.baseUrl}/staff/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.baseUrl}/staff`);
}

/** The inbox row of the report: its month link and the reader's status. */
async function inboxRow(page: Page) {
  const row = page.locator("tbody tr", { has: page.locator(`a[href="/reports/${reportId}"]`) });
  await row.waitFor();
  return row;
}

/** With E2E_SCREENSHOTS=<folder>: the top of the page and its pledges section, to look at. */
async function shoot(page: Page, name: string) {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${dir}/${name}-top.png` });
  await page.locator("section[aria-labelledby=pledges]").screenshot({ path: `${dir}/${name}-pledges.png` });
}

const zhMonth = () =>
  new Intl.DateTimeFormat("zh-HK", { year: "numeric", month: "long", timeZone: "UTC" }).format(
    new Date(`${month}-01T00:00:00Z`),
  );

describe("the monthly report, end to end, for a department's manager", () => {
  it("reads, acknowledges and acts on the report in Chinese, then downloads it", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, "manager.immd");

      // The inbox: the new report is unread.
      await page.goto(`${server.baseUrl}/reports`);
      await page.locator("h1", { hasText: "Monthly reports" }).waitFor();
      expect(await (await inboxRow(page)).locator("td").last().textContent()).toBe("Unread");
      await expectNoAxeViolations(page);

      // Switch to Traditional Chinese with the language button on the page.
      await page.getByRole("button", { name: "繁體中文" }).click();
      await page.locator("h1", { hasText: "每月報告" }).waitFor();
      expect(await (await inboxRow(page)).locator("td").last().textContent()).toBe("未讀");
      await expectNoAxeViolations(page);

      // Open it: Chinese headings and the department's Chinese name.
      await (await inboxRow(page)).getByRole("link", { name: zhMonth() }).click();
      await page.waitForURL(`${server.baseUrl}/reports/${reportId}`);
      await page.locator("h1", { hasText: `${zhMonth()}每月報告` }).waitFor();
      await page.getByText("入境事務處", { exact: true }).waitFor();
      for (const heading of ["目錄", "顧客滿意程度調查", "顧客意見", "投訴及上訴", "服務承諾", "重要意見"])
        await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      await page.getByRole("heading", { name: "未達標目標：原因及改善建議" }).waitFor();
      const card = page.locator(`#unmet-${unmetPledgeId}`);
      await card.getByText("待辦事項：沒有紀錄。請在下方記錄原因及改善建議。").waitFor();
      expect(await page.getByRole("link", { name: "下載 PDF 檔案" }).getAttribute("href")).toBe(
        `/reports/${reportId}.pdf`,
      );
      await expectNoAxeViolations(page);
      await shoot(page, "report-zh");

      // Acknowledge it.
      await page.getByRole("button", { name: "確認這份報告" }).click();
      await page.waitForURL(`${server.baseUrl}/reports/${reportId}?acknowledged=1`);
      await page.getByRole("status").filter({ hasText: "已確認報告。" }).waitFor();
      await page.getByText(/^你於.+確認了這份報告。$/).waitFor();
      expect(await page.getByRole("button", { name: "確認這份報告" }).count()).toBe(0);

      // Record why the target was missed: a missing proposal is refused, the reason typed is kept.
      allowFailedResponse(400, `/reports/${reportId}`, "the missing proposal is answered 400");
      const reason = card.getByLabel("原因");
      const proposal = card.getByLabel("改善建議");
      await reason.fill("兩個櫃位因翻新暫停服務，輪候及製證時間延長。");
      await card.getByRole("button", { name: /儲存原因及改善建議/ }).click();
      await card.getByText("請填寫此項。").waitFor();
      expect(await proposal.getAttribute("aria-invalid")).toBe("true");
      expect(await reason.inputValue()).toBe("兩個櫃位因翻新暫停服務，輪候及製證時間延長。");
      await proposal.fill("翻新期間增設星期六服務時段，並調派人手處理積壓申請。");
      await card.getByRole("button", { name: /儲存原因及改善建議/ }).click();
      await card.getByRole("status").filter({ hasText: "已儲存原因及改善建議。" }).waitFor();
      await card.locator("dd", { hasText: "翻新期間增設星期六服務時段，並調派人手處理積壓申請。" }).waitFor();
      await card.locator("dd", { hasText: "兩個櫃位因翻新暫停服務，輪候及製證時間延長。" }).waitFor();
      expect(await card.getByText(/待辦事項/).count()).toBe(0);
      await expectNoAxeViolations(page);
      await shoot(page, "report-zh-noted");

      // The inbox says acknowledged.
      await page.getByRole("link", { name: "所有報告" }).click();
      await page.locator("h1", { hasText: "每月報告" }).waitFor();
      expect(await (await inboxRow(page)).locator("td").last().textContent()).toBe("已確認");

      // The Excel download.
      await page.goto(`${server.baseUrl}/reports/${reportId}`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "下載 Excel 檔案" }).click(),
      ]);
      const bytes = fs.readFileSync((await download.path())!);
      expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
      const summary = wb.getWorksheet("Summary")!;
      const rows = new Map<string, unknown>();
      summary.eachRow((row) => {
        rows.set(String(row.getCell(1).value), row.getCell(2).value);
      });
      expect(rows.get("department")).toBe("IMMD");
      expect(rows.get("month")).toBe(month);
      expect(rows.get("department_name")).toBe("入境事務處");
    } finally {
      await browser.cleanup();
    }
  });

  it("works without JavaScript: the department administrator acknowledges and updates the proposal", async () => {
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await browser.newPage();
      await signIn(page, "admin.immd");
      await page.goto(`${server.baseUrl}/reports/${reportId}`);
      await page.getByRole("button", { name: "Acknowledge this report" }).click();
      await page.waitForURL(`${server.baseUrl}/reports/${reportId}?acknowledged=1`);
      await page.getByText("Report acknowledged.").waitFor();

      // The note recorded above is there; the form to update it opens from its summary.
      const card = page.locator(`#unmet-${unmetPledgeId}`);
      await card.locator("dd", { hasText: "翻新期間增設星期六服務時段" }).waitFor();
      await card.getByText("Update the reason and corrective proposal").click();
      const proposal = card.getByLabel("Corrective proposal");
      expect(await proposal.inputValue()).toBe("翻新期間增設星期六服務時段，並調派人手處理積壓申請。");
      await proposal.fill("");
      allowFailedResponse(400, `/reports/${reportId}`, "the emptied proposal is answered 400");
      await card.getByRole("button", { name: /Save reason and proposal/ }).click();
      // The page comes back from the server with the error and what was typed.
      await card.getByText("Enter this information.").waitFor();
      expect(await card.getByLabel("Reason").inputValue()).toBe(
        "兩個櫃位因翻新暫停服務，輪候及製證時間延長。",
      );
      await card.getByLabel("Corrective proposal").fill("Saturday sessions until the counters reopen.");
      await card.getByRole("button", { name: /Save reason and proposal/ }).click();
      await page.waitForURL(new RegExp(`/reports/${reportId}\\?noted=${unmetPledgeId}`));
      await card.getByText("Reason and corrective proposal saved.").waitFor();
      await card.locator("dd", { hasText: "Saturday sessions until the counters reopen." }).waitFor();
    } finally {
      await browser.cleanup();
    }
  });

  it("shows the central reviewer the government-wide summary, in both languages", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, "reviewer");
      await page.goto(`${server.baseUrl}/reports`);
      await page.getByRole("link", { name: "Government-wide summary" }).click();
      await page.locator("h1", { hasText: "Government-wide summary for" }).waitFor();
      const row = (label: string) =>
        page.locator("tr", { hasText: label }).locator("td").first().textContent();
      // Only IMMD's report was generated for the month in this test's database.
      expect(await row("Departments whose report was generated")).toBe("1 of 12 departments");
      expect(await row("Pledge targets met")).toMatch(/^\d+ of \d+ targets \(\d+(\.\d)?%\)$/);
      await expectNoAxeViolations(page);
      await page.getByRole("button", { name: "繁體中文" }).click();
      await page.locator("h1", { hasText: "政府各部門摘要" }).waitFor();
      expect(await row("已產生報告的部門")).toBe("12個部門中的1個");
      await expectNoAxeViolations(page);
    } finally {
      await browser.close();
    }
  });
});
