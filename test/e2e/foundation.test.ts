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

describe("home page and language", () => {
  it("serves the home page with demo data in English, then in Chinese from the switch; axe-clean in both", async () => {
    const page = await browser.newPage();
    await page.goto(server.baseUrl);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await expect(page.locator("h1").textContent()).resolves.toBe("Public services that keep their promises");
    await expect(page.getByText("Immigration Department").count()).resolves.toBe(1);
    for (const link of ["Give feedback", "Make a complaint", "Track a case", "Our pledges"]) {
      await expect(page.getByRole("link", { name: link }).first().isVisible()).resolves.toBe(true);
    }
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "繁體中文" }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.waitForSelector('html[lang="zh-HK"]');
    await expect(page.locator("h1").textContent()).resolves.toBe("信守承諾的公共服務");
    await expect(page.getByText("入境事務處").count()).resolves.toBe(1);
    await expectNoAxeViolations(page);

    // The choice is kept in a cookie: the next page is Chinese too.
    await page.goto(`${server.baseUrl}/staff/sign-in`);
    await expect(page.locator("h1").textContent()).resolves.toBe("職員登入");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForSelector('html[lang="en"]');
    await expect(page.locator("h1").textContent()).resolves.toBe("Staff sign-in");
    await expectNoAxeViolations(page);
    await page.close();
  });

  it("follows Accept-Language when no language was chosen", async () => {
    const zhBrowser = await launchBrowser({ locale: "zh-HK" });
    try {
      const page = await zhBrowser.newPage();
      await page.goto(server.baseUrl);
      expect(await page.getAttribute("html", "lang")).toBe("zh-HK");
      await expect(page.locator("h1").textContent()).resolves.toBe("信守承諾的公共服務");
    } finally {
      await zhBrowser.cleanup();
    }
  });

  it("leads a citizen from the home page to the complaint form", async () => {
    const page = await browser.newPage();
    await page.goto(server.baseUrl);
    await page.getByRole("link", { name: "Make a complaint" }).first().click();
    await page.waitForURL(`${server.baseUrl}/complaints/new`);
    await page.locator("form[enctype='multipart/form-data']").waitFor();
    await expectNoAxeViolations(page);
    await page.close();
  });

  it("answers an unknown address with a 404 page in the reader's language", async () => {
    allowFailedResponse(404, "/no/such/page", "the test opens a page that does not exist");
    const page = await browser.newPage();
    const res = await page.goto(`${server.baseUrl}/no/such/page`);
    expect(res?.status()).toBe(404);
    await expect(page.locator("h1").textContent()).resolves.toBe("Page not found");
    await expectNoAxeViolations(page);
    await page.close();
  });
});

describe("staff sign-in in the browser", () => {
  it("shows the errors of an empty form, linked to the fields, in Chinese", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/locale?lng=zh-HK&redirectTo=/staff/sign-in`);
    await page.getByRole("button", { name: "登入" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    await expect(summary.getByRole("link", { name: /用戶名稱/ }).getAttribute("href")).resolves.toBe(
      "#field-username",
    );
    await expectNoAxeViolations(page);
    await page.goto(`${server.baseUrl}/locale?lng=en&redirectTo=/`);
    await page.close();
  });

  it("signs in and out with JavaScript on; a wrong password gets the generic message", async () => {
    allowFailedResponse(401, "/staff/sign-in", "the wrong password is answered 401");
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/staff/sign-in`);
    await page.getByLabel("Username").fill("manager.immd");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("The username or password is not right.").first().waitFor();

    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/staff`);
    await page.locator("h1", { hasText: "Welcome, Lee Ka Yan" }).waitFor();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/\?signedOut=1$/);
    await page.goto(`${server.baseUrl}/staff`);
    await page.waitForURL(/\/staff\/sign-in\?/);
    await page.close();
  });

  it("signs in with JavaScript disabled", async () => {
    allowFailedResponse(400, "/staff/sign-in", "the empty form is answered 400");
    const noJs = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto(`${server.baseUrl}/staff/sign-in`);
      // Empty submit: the server answers with the error summary.
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("There is a problem").waitFor();
      await page.getByLabel("Username").fill("admin.immd");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.baseUrl}/staff`);
      await expect(page.locator("h1").textContent()).resolves.toBe("Welcome, Cheung Wai Kit");
      // An administrator adds a counter officer, still without JavaScript.
      await page.getByRole("link", { name: "Staff accounts" }).first().click();
      await page.getByRole("link", { name: "Add a staff account" }).click();
      await page.getByLabel("Username").fill("counter2.immd");
      await page.getByLabel("Full name").fill("Ng Ka Ho");
      await page.getByLabel("Role").selectOption("counter_staff");
      await page.getByLabel("First password").fill("counter two passphrase");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText("The account has been created.").waitFor();
      await expect(page.getByRole("link", { name: "counter2.immd" }).count()).resolves.toBe(1);
    } finally {
      await noJs.cleanup();
    }
  });

  it("the administration pages are axe-clean", async () => {
    const own = await launchBrowser();
    const page = await own.newPage();
    await page.goto(`${server.baseUrl}/staff/sign-in`);
    await page.getByLabel("Username").fill("sysadmin");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/staff`);
    for (const p of ["/admin/staff", "/admin/staff/new", "/admin/audit"]) {
      await page.goto(`${server.baseUrl}${p}`);
      await expectNoAxeViolations(page);
    }
    await page.getByRole("link", { name: "Staff accounts" }).first().click();
    await page.getByRole("link", { name: "officer.immd" }).click();
    await page.locator("h1", { hasText: "Staff account: officer.immd" }).waitFor();
    await expectNoAxeViolations(page);
    await own.cleanup();
  });
});

describe("limits", () => {
  it("refuses an oversized body with 413 and a page in the reader's language", async () => {
    const res = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: "pledge_lng=zh-HK" },
      body: `username=${"a".repeat(2 * 1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("你傳送的內容太大");
  });
});
