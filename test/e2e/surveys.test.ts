import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { allowFailedResponse, expectNoAxeViolations, launchBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.cleanup();
  await server?.stop();
});

async function signIn(page: import("playwright-core").Page, username: string) {
  await page.goto(`${server.baseUrl}/staff/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.baseUrl}/staff`);
}

describe("surveys end to end", () => {
  it("an administrator builds a survey from the template, publishes it and downloads a QR code", async () => {
    const context = await launchBrowser();
    try {
      const page = await context.newPage();
      await signIn(page, "admin.immd");
      await page.goto(`${server.baseUrl}/staff/surveys`);
      await expectNoAxeViolations(page);
      await page.getByLabel("Start from").selectOption("csat5");
      await page.getByRole("button", { name: "Create survey" }).click();
      await page.waitForURL(/\/admin\/surveys\/\d+$/);
      await page.locator("h1", { hasText: "Customer satisfaction survey" }).waitFor();
      await expectNoAxeViolations(page);
      await page.getByRole("button", { name: "Publish" }).click();
      await page.getByText("The survey is published").waitFor();
      await expectNoAxeViolations(page);

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: /PNG/ }).first().click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^qr-[a-z0-9]+-[a-z0-9]+\.png$/);
      const file = await download.path();
      expect([...fs.readFileSync(file).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);

      await page.getByRole("link", { name: "Preview" }).click();
      await page.getByText("This is a preview").waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await context.cleanup();
    }
  });

  it("a citizen answers in Chinese with JavaScript on, checked as they go", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/locale?lng=zh-HK&redirectTo=/s/immdcsat`);
    await page.locator("h1", { hasText: "顧客滿意程度問卷調查" }).waitFor();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "提交答案" }).click();
    await page.getByText("請選擇一個答案。").first().waitFor();
    expect(page.url()).toBe(`${server.baseUrl}/s/immdcsat`);
    await expectNoAxeViolations(page);
    await page
      .getByRole("group", { name: /整體而言/ })
      .getByLabel("非常滿意")
      .check();
    await page.getByLabel(/你有其他意見或建議嗎/).fill("職員很有禮貌");
    await page.getByRole("button", { name: "提交答案" }).click();
    await page.locator("h1", { hasText: "多謝你" }).waitFor();
    await expectNoAxeViolations(page);
    await page.goto(`${server.baseUrl}/locale?lng=en&redirectTo=/`);
    await page.close();
  });

  it("a citizen answers in English with JavaScript off", async () => {
    allowFailedResponse(400, "/s/immdcsat", "the empty form is answered 400");
    const noJs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto(`${server.baseUrl}/s/immdcsat?p=immdcsatweb`);
      await page.getByRole("button", { name: "Send my answers" }).click();
      await page.getByText("There is a problem").waitFor();
      await page.getByRole("link", { name: /Overall, how satisfied/ }).waitFor();
      await page
        .getByRole("group", { name: /Overall, how satisfied/ })
        .getByLabel("Satisfied", { exact: true })
        .check();
      await page
        .getByRole("group", { name: /waiting time/ })
        .getByLabel("Dissatisfied", { exact: true })
        .check();
      await page.getByRole("button", { name: "Send my answers" }).click();
      await page.locator("h1", { hasText: "Thank you" }).waitFor();
    } finally {
      await noJs.cleanup();
    }
  });

  it("kiosk mode returns to a fresh form after the thank-you", async () => {
    const page = await browser.newPage();
    const kioskUrl = `${server.baseUrl}/s/immdcsat?p=immdcsatctr&kiosk=1`;
    await page.goto(kioskUrl);
    expect(await page.locator("form[method=post]").getAttribute("autocomplete")).toBe("off");
    await page
      .getByRole("group", { name: /Overall, how satisfied/ })
      .getByLabel("Very satisfied")
      .check();
    await page.getByRole("button", { name: "Send my answers" }).click();
    await page.getByText("A new form will open in 5 seconds").waitFor();
    await expectNoAxeViolations(page);
    await page.waitForURL(kioskUrl, { timeout: 10_000 });
    await page.getByRole("button", { name: "Send my answers" }).waitFor();
    expect(
      await page
        .getByRole("group", { name: /Overall, how satisfied/ })
        .getByLabel("Very satisfied")
        .isChecked(),
    ).toBe(false);
    await page.close();
  });

  it("counter staff key in a paper form with the keyboard only", async () => {
    const context = await launchBrowser();
    try {
      const page = await context.newPage();
      await signIn(page, "counter.immd");
      await page.goto(`${server.baseUrl}/staff/surveys`);
      await page
        .locator("tr", { hasText: "/s/immdcsat" })
        .getByRole("link", { name: "Key in paper forms" })
        .click();
      await page.locator("h1", { hasText: "Key in a paper form" }).waitFor();
      await expectNoAxeViolations(page);
      await page.locator("#field-point").focus();
      await page.keyboard.press("ArrowDown"); // Web → the first collection point
      await page.keyboard.press("Tab"); // language
      await page.keyboard.press("Tab"); // overall: first radio
      await page.keyboard.press("Space"); // 1
      for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown"); // → 4, Satisfied
      await page.keyboard.press("Enter");
      await page.getByText(/Paper response \d+ saved/).waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await context.cleanup();
    }
  });

  it("the results page shows every response above and the CSV export contains them", async () => {
    const context = await launchBrowser();
    try {
      const page = await context.newPage();
      await signIn(page, "manager.immd");
      await page.goto(`${server.baseUrl}/staff/surveys`);
      const row = page.locator("tr", { hasText: "/s/immdcsat" });
      await row.getByRole("link", { name: "Results" }).click();
      await page.locator("h1", { hasText: "Customer satisfaction survey" }).waitFor();
      // Chinese with JavaScript, English without, the kiosk and the paper form: four responses.
      const total = page.locator(".card", { hasText: "Responses" }).first().locator("p").first();
      expect((await total.textContent())?.trim()).toBe("4");
      await page.getByText("職員很有禮貌").first().waitFor();
      await expectNoAxeViolations(page);
      const csvHref = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
      const csv = await page.request.get(`${server.baseUrl}${csvHref}`);
      expect(csv.status()).toBe(200);
      const text = (await csv.text()).replace(/^\uFEFF/, "");
      const lines = text.trim().split(/\r?\n/);
      expect(lines).toHaveLength(5);
      expect(text).toContain("職員很有禮貌");
      // The kiosk link in the demo data is the counter's collection point.
      for (const channel of ["web", "counter", "paper"]) expect(text).toContain(`,${channel},`);
    } finally {
      await context.cleanup();
    }
  });
});
