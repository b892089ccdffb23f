import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { allowFailedResponse, expectNoAxeViolations, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({}, { demoActivity: true });
});
afterAll(async () => {
  await server?.stop();
});

describe("liaison groups and the review's CSV import in Chromium (issue 16)", () => {
  it("a department administrator records a group and a meeting; a manager reads them without JavaScript", async () => {
    const base = server.baseUrl;
    const admin = await signedInBrowser(base, "admin.immd");
    try {
      const page = admin.page;
      page.setDefaultTimeout(15_000);
      await page.getByRole("link", { name: "Liaison groups" }).click();
      await page.waitForURL(`${base}/admin/liaison`);
      // The demo's groups are listed.
      await page.getByRole("link", { name: "Identity Card and Passport Customer Liaison Group" }).waitFor();
      await expectNoAxeViolations(page);

      allowFailedResponse(400, "/admin/liaison", "the test leaves out the Chinese name on purpose");
      await page.locator("#field-nameEn").fill("Visa Applicants Liaison Group");
      await page.getByLabel("Hong Kong identity cards").check();
      await page.getByRole("button", { name: "Record the group" }).click();
      await page.locator(".error-summary", { hasText: "Enter the name in Chinese" }).waitFor();
      await expectNoAxeViolations(page);
      await page.locator("#field-nameZh").fill("簽證申請人顧客聯絡小組");
      await page.getByRole("button", { name: "Record the group" }).click();
      await page.waitForURL(/\/admin\/liaison\/\d+\?saved=created$/);
      await page.getByText("The group has been recorded.").waitFor();
      await page.getByRole("listitem").filter({ hasText: "Hong Kong identity cards" }).waitFor();

      await page.locator("#field-metOn").fill("2026-11-30");
      await page.locator("#field-summaryEn").fill("Members asked for online booking of visa interviews.");
      await page.locator("#field-summaryZh").fill("委員要求提供網上預約簽證面談。");
      await page.getByRole("button", { name: "Record the meeting" }).click();
      await page.getByText("The meeting has been recorded.").waitFor();
      await page.getByRole("cell", { name: "委員要求提供網上預約簽證面談。" }).waitFor();
      await expectNoAxeViolations(page);
      const groupUrl = page.url().split("?")[0]!;

      await page.goto(
        `${base}/locale?lng=zh-HK&redirectTo=${encodeURIComponent(new URL(groupUrl).pathname)}`,
      );
      await page.locator("h1", { hasText: "簽證申請人顧客聯絡小組" }).waitFor();
      await expectNoAxeViolations(page);

      const manager = await signedInBrowser(base, "manager.immd", { javaScriptEnabled: false });
      try {
        await manager.page.goto(`${base}/admin/liaison`);
        await manager.page.getByRole("link", { name: "Visa Applicants Liaison Group" }).click();
        await manager.page.getByRole("cell", { name: "30 Nov 2026" }).waitFor();
        expect(await manager.page.getByRole("button", { name: "Record the meeting" }).count()).toBe(0);
      } finally {
        await manager.context.cleanup();
      }
    } finally {
      await admin.context.cleanup();
    }
  });

  it("the central reviewer loads returns from a CSV file", async () => {
    // createDb: the server's database, SQLite file or Postgres (E2E_DATABASE=postgres).
    const db = createDb(server.dbPath);
    const round = await db
      .insertInto("review_rounds")
      .values({
        period_from: "2023-12",
        period_to: "2026-11",
        deadline: "2999-12-31",
        status: "open",
        created_at: "2026-12-01T00:00:00.000Z",
        created_by: null,
        published_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.destroy();
    const base = server.baseUrl;
    const reviewer = await signedInBrowser(base, "reviewer");
    try {
      const page = reviewer.page;
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/central/reviews/${round.id}/import`);
      await page.locator("h1", { hasText: "Load returns from a CSV file" }).waitFor();
      await expectNoAxeViolations(page);
      allowFailedResponse(
        400,
        `/central/reviews/${round.id}/import`,
        "the first file has an error on purpose",
      );
      await page.locator("#field-csv").fill("department_code,services_pledged_share\nIMMD,120\nHKP,50");
      await page.getByRole("button", { name: "Check and load" }).click();
      await page.getByText("Line 2, column services_pledged_share:").waitFor();
      await expectNoAxeViolations(page);
      await page.locator("#field-file").setInputFiles({
        name: "returns.csv",
        mimeType: "text/csv",
        buffer: Buffer.from(
          "department_code,publishes_results,services_pledged_share\nIMMD,yes,80\nHKP,no,50\n",
        ),
      });
      await page.getByRole("button", { name: "Check and load" }).click();
      await page.getByText("2 returns loaded and submitted.").waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await reviewer.context.cleanup();
    }
  });
});
