import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations, launchBrowser, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

// A 1×1 PNG: a real image, checked by its bytes on the server.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

let server: RunningServer;
let citizen: Awaited<ReturnType<typeof launchBrowser>>;
let reference = "";
const EMAIL = "chan.siu.ming@example.com";

beforeAll(async () => {
  server = await startServer();
  citizen = await launchBrowser({ locale: "zh-HK" });
});
afterAll(async () => {
  await citizen?.cleanup();
  await server?.stop();
});

const staffPage = (username: string) => signedInBrowser(server.baseUrl, username);

async function tabTo(page: Page, predicate: string, max = 15) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`never reached ${predicate}`);
}

describe("feedback, complaints and appeals end to end", () => {
  it("counter staff log five entries in a row with the keyboard", async () => {
    const { context, page } = await staffPage("counter.immd");
    try {
      await page.goto(`${server.baseUrl}/staff/feedback`);
      await expectNoAxeViolations(page);
      for (let i = 1; i <= 5; i++) {
        // The form opens with the kind of feedback focused: arrows choose, Tab moves on.
        expect(await page.evaluate("document.activeElement?.name")).toBe("kind");
        if (i % 2 === 0) await page.keyboard.press("ArrowRight"); // suggestion
        await tabTo(page, "document.activeElement?.id === 'field-summary'");
        await page.keyboard.type(`Entry ${i}: the queue ticket machine was out of paper`);
        await tabTo(page, "document.activeElement?.type === 'submit'");
        await page.keyboard.press("Enter");
        await page.getByText(`saved. Ready for the next.`).waitFor();
        // A function, not a string: a string predicate is eval'd in the page, which our CSP refuses.
        await page.waitForFunction(
          () => (document.activeElement as HTMLInputElement | null)?.name === "kind",
        );
      }
      const rows = page.locator("table tbody tr");
      expect(await rows.count()).toBe(5);
      expect(await page.getByText("Suggestion", { exact: true }).count()).toBeGreaterThanOrEqual(2);
      await expectNoAxeViolations(page);
    } finally {
      await context.cleanup();
    }
  });

  it("a citizen lodges a complaint with an attachment in Chinese and tracks it", async () => {
    const page = await citizen.newPage();
    await page.goto(`${server.baseUrl}/complaints/new`);
    await page.locator("h1", { hasText: "作出投訴" }).waitFor();
    await expectNoAxeViolations(page);
    await page.locator("select[name=department]").selectOption({ label: "入境事務處" });
    await page
      .locator("textarea[name=whatHappened]")
      .fill("十一月二十日在灣仔辦事處輪候了三小時，職員態度欠佳。");
    await page.locator("input[name=email]").fill(EMAIL);
    await page
      .locator("input[name=attachment]")
      .first()
      .setInputFiles({ name: "收據.png", mimeType: "image/png", buffer: PNG });
    await page.getByLabel(/本人已閱讀個人資料收集聲明/).check();
    await page.getByRole("button", { name: "提交投訴" }).click();
    await page.locator("h1", { hasText: "我們已收到你的投訴" }).waitFor();
    await expectNoAxeViolations(page);
    reference = /IMMD-\d{4}-\d{5}-[0-9A-Z]/.exec((await page.locator("main").textContent()) ?? "")?.[0] ?? "";
    expect(reference).not.toBe("");

    await page.goto(`${server.baseUrl}/track`);
    await page.locator("input[name=reference]").fill(reference);
    await page.locator("input[name=contact]").fill(EMAIL.toUpperCase());
    await page.getByRole("button", { name: "查詢個案" }).click();
    await page.getByText(reference).first().waitFor();
    await page.getByText("已收到").first().waitFor();
    await expectNoAxeViolations(page);
    await page.close();
  });

  it("an officer acknowledges, stops the clock, replies and closes the case", async () => {
    const { context, page } = await staffPage("officer.immd");
    try {
      await page.goto(`${server.baseUrl}/staff/cases?tab=open`);
      await expectNoAxeViolations(page);
      await page.getByRole("link", { name: reference }).click();
      await page.locator("h1", { hasText: reference }).waitFor();
      await expectNoAxeViolations(page);
      // The attachment is there, for staff of the department only.
      expect(await page.getByRole("link", { name: /收據\.png/ }).count()).toBe(1);
      const move = async (name: string) => {
        await page.getByRole("button", { name, exact: true }).click();
        await page.waitForLoadState("networkidle");
      };
      await move("Acknowledge");
      await page.getByLabel("Why the clock is stopped").fill("We have asked for a copy of the queue ticket.");
      await move("Stop the clock");
      await page.getByText("We have asked for a copy of the queue ticket.").first().waitFor();
      await move("Restart the clock");
      await page
        .getByLabel("Reply to the customer")
        .first()
        .fill("We are sorry for the wait. Extra staff now work at peak hours.");
      await move("Send the reply");
      await move("Close the case");
      await page.getByText("Closed").first().waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await context.cleanup();
    }
  });

  it("the citizen appeals; the original handler is refused and a second officer decides", async () => {
    const page = await citizen.newPage();
    await page.goto(`${server.baseUrl}/track`);
    await page.locator("input[name=reference]").fill(reference);
    await page.locator("input[name=contact]").fill(EMAIL);
    await page.getByRole("button", { name: "查詢個案" }).click();
    await page.getByText("Extra staff now work at peak hours.").waitFor();
    await page.getByLabel("你為何不滿意部門的回覆？").fill("回覆沒有解釋為何職員態度欠佳。");
    await page.getByRole("button", { name: "提出上訴" }).click();
    await page.getByText("你的上訴已經提出。").waitFor();
    await expectNoAxeViolations(page);
    await page.close();

    const original = await staffPage("officer.immd");
    try {
      await original.page.goto(`${server.baseUrl}/staff/cases?tab=closed`);
      await original.page.getByRole("link", { name: reference }).click();
      // The system refuses the original handler: no decision form, and the reason in words.
      await original.page.getByText("You handled this case, so another officer").first().waitFor();
      expect(await original.page.getByRole("button", { name: "Record the decision" }).count()).toBe(0);
    } finally {
      await original.context.cleanup();
    }

    const reviewer = await staffPage("manager.immd");
    try {
      await reviewer.page.goto(`${server.baseUrl}/staff/cases?tab=closed`);
      await reviewer.page.getByRole("link", { name: reference }).click();
      await reviewer.page.getByLabel("Appeal partly upheld").check();
      await reviewer.page
        .getByLabel("Reply to the customer")
        .last()
        .fill("We have spoken to the officer concerned and apologise.");
      await reviewer.page.getByRole("button", { name: "Record the decision" }).click();
      await reviewer.page.getByText(/Decided by Lee Ka Yan/).waitFor();
      await expectNoAxeViolations(reviewer.page);
    } finally {
      await reviewer.context.cleanup();
    }
  });
});
