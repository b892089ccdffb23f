import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { allowFailedResponse, expectNoAxeViolations, launchBrowser, signedInBrowser } from "../setup/browser";
import { TEST_REDIS_URL, testPrefix } from "../setup/context";
import { type RunningServer, startServer } from "../setup/server";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

let server: RunningServer;
let smtp: TestSmtp;
let worker: WorkerProcess;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startServer({});
  worker = await spawnWorker({
    DATABASE_URL: server.dbPath,
    // The web's data directory: the same generated keys, so the worker can read the addresses.
    DATA_DIR: server.dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: testPrefix(),
    SMTP_URL: smtp.url,
    APP_ORIGIN: server.baseUrl,
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop("SIGKILL");
  await server?.stop();
  await smtp?.close();
});

/** The body of a received message as text: quoted-printable soft breaks and escapes undone. */
function decodedBody(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/(=[0-9A-F]{2})+/g, (seq) => Buffer.from(seq.replace(/=/g, ""), "hex").toString("utf8"));
}

async function mailTo(address: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 90_000;
  const mine = () => smtp.received.filter((m) => m.to.includes(address));
  while (mine().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  return mine().map((m) => m.raw);
}

describe("forgot password, end to end (issue 12, done when #3)", () => {
  it("a staff member asks for a link, sets a new password with it, signs in; the old password and the used link fail", async () => {
    const base = server.baseUrl;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/staff/sign-in`);
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.waitForURL(`${base}/staff/forgot-password`);
      await page.locator("h1", { hasText: "Forgot your password" }).waitFor();
      await expectNoAxeViolations(page);

      await page.getByLabel("Work e-mail address").fill("officer.immd@pledge.example");
      await page.getByRole("button", { name: "Send the link" }).click();
      await page.locator("h1", { hasText: "Check your e-mail" }).waitFor();
      await page.getByText("If an account has this address, we have sent a link to it.").waitFor();
      await expectNoAxeViolations(page);

      // The worker sends it from the outbox to the SMTP server.
      const [raw] = await mailTo("officer.immd@pledge.example", 1);
      expect(raw).toBeDefined();
      expect(subjectOf(raw!)).toBe("Set a new password for Pledge");
      const link = decodedBody(raw!).match(
        /http:\/\/localhost:\d+\/staff\/reset-password\/[A-Za-z0-9_-]{43}/,
      )?.[0];
      expect(link).toBeDefined();

      await page.goto(link!);
      await page.locator("h1", { hasText: "Set a new password" }).waitFor();
      await expectNoAxeViolations(page);
      await page.getByLabel("New password").fill("a long new passphrase");
      await page.getByRole("button", { name: "Set the password" }).click();
      await page.waitForURL(`${base}/staff/sign-in?reset=1`);
      await page.getByText("Your password has been set. Sign in with it.").waitFor();
      await expectNoAxeViolations(page);

      // The old password no longer works.
      allowFailedResponse(401, "/staff/sign-in", "the test signs in with the old password on purpose");
      await page.locator("input[name=username]").fill("officer.immd");
      await page.locator("input[name=password]").fill(DEMO_PASSWORD);
      await page.locator("main form[method=post] button[type=submit]").click();
      await page.locator(".error-summary").waitFor();
      expect(page.url()).toContain("/staff/sign-in");

      // The new one does.
      await page.locator("input[name=password]").fill("a long new passphrase");
      await page.locator("main form[method=post] button[type=submit]").click();
      await page.waitForURL(`${base}/staff`);

      // The link again: a clear page with a way to ask for a new one.
      const linkPath = new URL(link!).pathname;
      allowFailedResponse(410, linkPath, "the test opens the used link on purpose");
      await page.goto(link!);
      await page.locator("h1", { hasText: "This link cannot be used" }).waitFor();
      await page.getByText("This link has already been used.").waitFor();
      await page.getByRole("link", { name: "Ask for a new link" }).waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await browser.cleanup();
    }
  }, 180_000);

  it("works without JavaScript: the form answers the same for an unknown address", async () => {
    const base = server.baseUrl;
    const browser = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/staff/forgot-password`);
      await page.getByLabel("Work e-mail address").fill("nobody@pledge.example");
      await page.getByRole("button", { name: "Send the link" }).click();
      await page.locator("h1", { hasText: "Check your e-mail" }).waitFor();
    } finally {
      await browser.cleanup();
    }
  }, 60_000);

  it("the account, staff import and case settings pages pass axe and work", async () => {
    const base = server.baseUrl;
    const admin = await signedInBrowser(base, "admin.immd");
    try {
      const page = admin.page;
      page.setDefaultTimeout(15_000);
      await page.getByRole("link", { name: "My account" }).first().click();
      await page.waitForURL(`${base}/staff/account`);
      await expectNoAxeViolations(page);
      allowFailedResponse(400, "/staff/account", "the test gives a wrong current password on purpose");
      await page.getByLabel("Current password").first().fill("not my password");
      await page.getByLabel("New password").fill("another long password");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.locator(".error-summary", { hasText: "The current password is not correct." }).waitFor();
      await expectNoAxeViolations(page);

      await page.goto(`${base}/admin/staff`);
      await page.getByRole("link", { name: "Import staff from a CSV file" }).click();
      await page.waitForURL(`${base}/admin/staff/import`);
      await expectNoAxeViolations(page);
      allowFailedResponse(400, "/admin/staff/import", "the test imports a bad file on purpose");
      await page
        .getByLabel("Or paste the CSV here")
        .fill("username,name,email,role\nx,Short,short@immd.gov.hk,manager");
      await page.getByRole("button", { name: "Check and import" }).click();
      await page.getByText("Line 2, column username:").waitFor();
      await expectNoAxeViolations(page);
      await page
        .getByLabel("Or paste the CSV here")
        .fill(
          "username,name,email,role,language\nnew.counter,New Counter,new.counter@immd.gov.hk,counter_staff,en",
        );
      await page.getByRole("button", { name: "Check and import" }).click();
      await page.getByText("Accounts created: 1.").waitFor();

      await page.goto(`${base}/admin/case-settings`);
      await page.getByLabel("Survey", { exact: true }).selectOption({ label: "None: send no survey" });
      await page.getByRole("button", { name: "Save the survey choice" }).click();
      await page.getByText("The survey choice has been saved.").waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await admin.context.cleanup();
    }
  }, 120_000);
});
