import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEW_QUESTIONS } from "~/models/reviews/questions";
import { buildReviewTable } from "~/models/reviews/table.server";
import { createDb } from "../../db/client";
import { allowFailedResponse, expectNoAxeViolations, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;
/** Where a long journey got to, in the output when it fails. */
const step = (what: string) => process.stderr.write(`reviews e2e: ${what}\n`);
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A signed-in browser; without JavaScript unless asked: every form here must work as plain HTML. */
const signedIn = (username: string, locale: string, javaScriptEnabled = false) =>
  signedInBrowser(server.baseUrl, username, { locale, javaScriptEnabled });

async function answerAll(page: Page, answer: "yes" | "no", share: string) {
  for (const q of REVIEW_QUESTIONS) {
    if (q.kind === "boolean") await page.locator(`input[name="q_${q.key}"][value="${answer}"]`).check();
  }
  await page.locator('input[name="q_all_services_pledged"][value="no"]').check();
  await page.locator('input[name="q_services_pledged_share"]').fill(share);
}

describe("the review of pledges, without JavaScript", () => {
  it("a round is opened, two departments return in English and Chinese, one is returned and resubmitted, and the table counts them", async () => {
    let roundUrl = "";
    const reviewer = await signedIn("reviewer", "en-GB");
    try {
      const { page } = reviewer;
      await page.getByRole("link", { name: "Review of pledges" }).click();
      await page.locator("h1", { hasText: "Review of pledges" }).waitFor();
      await page.getByLabel("Last month of the period").fill("2026-11");
      await page.getByLabel("Deadline for the returns").fill("2099-12-31");
      await page.getByRole("button", { name: "Open the round" }).click();
      await page.locator("h1", { hasText: "The review's table" }).waitFor();
      await page.getByText("December 2023 to November 2026").first().waitFor();
      roundUrl = page.url();
    } finally {
      await reviewer.context.cleanup();
    }
    const id = roundUrl.split("/").pop()!;
    step("round opened");

    // IMMD answers in English: yes to everything, 80% of direct services pledged, with a note.
    const immd = await signedIn("admin.immd", "en-GB");
    try {
      const { page } = immd;
      await page.getByRole("link", { name: "Review of pledges" }).click();
      await page.getByRole("link", { name: "December 2023 to November 2026" }).click();
      await page.locator("h1", { hasText: "Your department's review return" }).waitFor();
      // A share of 150% is refused, in English, and nothing is saved.
      allowFailedResponse(400, `/admin/reviews/${id}`, "a share of 150% is refused");
      await answerAll(page, "yes", "150");
      await page.getByRole("button", { name: "Submit the return" }).click();
      await page.getByText("Enter a share between 0 and 100%.").first().waitFor();
      await page.locator('input[name="q_services_pledged_share"]').fill("80");
      await page.getByLabel("Note").first().fill("Targets set from the counter services");
      await page.getByRole("button", { name: "Submit the return" }).click();
      await page.getByText("Return submitted.").waitFor();
      await page.getByText("This return is submitted and locked.").waitFor();
    } finally {
      await immd.context.cleanup();
    }

    step("IMMD submitted");
    // HKP answers in Chinese: no to everything but publishing results.
    const hkp = await signedIn("admin.hkp", "zh-HK");
    try {
      const { page } = hkp;
      await page.goto(`${server.baseUrl}/admin/reviews/${id}`);
      await page.locator("h1", { hasText: "貴部門的檢討申報" }).waitFor();
      await answerAll(page, "no", "40");
      await page.locator('input[name="q_publishes_results"][value="yes"]').check();
      await page.getByRole("button", { name: "提交申報" }).click();
      await page.getByText("申報已提交。").waitFor();
    } finally {
      await hkp.context.cleanup();
    }

    step("HKP submitted");
    // The bureau returns HKP's for correction, with a reason.
    const back = await signedIn("reviewer", "en-GB");
    try {
      const { page } = back;
      await page.goto(roundUrl);
      await page
        .getByLabel("Why HKP's return is returned for correction")
        .fill("Your liaison groups: please check");
      await page
        .locator('tr[data-code="HKP"]')
        .getByRole("button", { name: "Return for correction" })
        .click();
      await page.getByText("The return was sent back for correction.").waitFor();
      await expect(page.locator('tr[data-code="HKP"] td[data-cell="status"]').innerText()).resolves.toContain(
        "Returned for correction",
      );
    } finally {
      await back.context.cleanup();
    }

    step("HKP returned");
    // HKP sees the reason, corrects and resubmits, in Chinese.
    const again = await signedIn("admin.hkp", "zh-HK");
    try {
      const { page } = again;
      await page.goto(`${server.baseUrl}/admin/reviews/${id}`);
      await page.getByText("Your liaison groups: please check").waitFor();
      await page.getByText("已退回修正").first().waitFor();
      await page.locator('input[name="q_liaison_groups"][value="yes"]').check();
      await page.getByRole("button", { name: "提交申報" }).click();
      await page.getByText("申報已提交。").waitFor();
    } finally {
      await again.context.cleanup();
    }

    step("HKP resubmitted");
    // The table: declared counts from the two submitted returns, evidenced from the data.
    const db = createDb(server.dbPath);
    const expected = await buildReviewTable(db, Number(id));
    await db.destroy();
    const final = await signedIn("reviewer", "en-GB");
    try {
      const { page } = final;
      await page.goto(roundUrl);
      const cell = (key: string, which: string) =>
        page.locator(`tr[data-key="${key}"] td[data-cell="${which}"]`).innerText();
      expect(await cell("publishes_results", "declared")).toBe("2 of 2 (100%)");
      expect(await cell("liaison_groups", "declared")).toBe("2 of 2 (100%)");
      expect(await cell("benchmarked", "declared")).toBe("1 of 2 (50%)");
      expect(await cell("services_pledged_share", "declared")).toBe("60% on average (2 departments)");
      expect(await cell("benchmarked", "evidenced")).toBe("Not computed");
      for (const f of expected.figures) {
        if (f.evidencedYes === null || f.key === "services_pledged_share") continue;
        expect(await cell(f.key, "evidenced")).toMatch(
          new RegExp(`^${f.evidencedYes} of ${f.evidencedOf} \\(`),
        );
      }
      expect(expected.figures.find((f) => f.key === "publishes_results")).toMatchObject({
        declaredYes: 2,
        declaredOf: 2,
      });
      expect(await cell("publishes_results", "paper")).toBe("86%");
      await page.getByRole("link", { name: "Download XLSX" }).waitFor();
      await page.getByRole("link", { name: "Import returns from CSV" }).waitFor();
    } finally {
      await final.context.cleanup();
    }

    step("table checked");
    // axe-core on the pages (it needs JavaScript to run).
    const axeCentral = await signedIn("reviewer", "en-GB", true);
    try {
      await axeCentral.page.goto(`${server.baseUrl}/central/reviews`);
      await expectNoAxeViolations(axeCentral.page);
      await axeCentral.page.goto(roundUrl);
      await expectNoAxeViolations(axeCentral.page);
    } finally {
      await axeCentral.context.cleanup();
    }
    const axeAdmin = await signedIn("admin.hkp", "zh-HK", true);
    try {
      await axeAdmin.page.goto(`${server.baseUrl}/admin/reviews`);
      await expectNoAxeViolations(axeAdmin.page);
      await axeAdmin.page.goto(`${server.baseUrl}/admin/reviews/${id}`);
      await expectNoAxeViolations(axeAdmin.page);
    } finally {
      await axeAdmin.context.cleanup();
    }
  }, 240_000);
});
