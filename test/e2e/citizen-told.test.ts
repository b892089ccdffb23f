import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowFailedResponse, expectNoAxeViolations, launchBrowser, signedInBrowser } from "../setup/browser";
import { TEST_REDIS_URL, testPrefix } from "../setup/context";
import { type RunningServer, startServer } from "../setup/server";
import { startSmtp, subjectOf, type TestSmtp } from "../setup/smtp";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

/*
 * Issue 14, done when #1 (second half): a citizen receives the clock-stop e-mail (smtp-server),
 * answers from /track with an attachment, and the officer sees the clock running again.
 */

// A 1×1 PNG: a real image, checked by its bytes on the server.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const EMAIL = "lee.mei.ling@example.com";
const NEEDED = "A photo of the queue ticket you were given, please.";

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

async function mailTo(address: string, subject: string): Promise<string | undefined> {
  const deadline = Date.now() + 90_000;
  const find = () => smtp.received.find((m) => m.to.includes(address) && subjectOf(m.raw) === subject);
  while (!find() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  return find()?.raw;
}

describe("the citizen is told the clock stopped, answers from /track, and the clock runs again", () => {
  it("clock-stop e-mail, an answer with an attachment, the officer sees it", async () => {
    const base = server.baseUrl;
    const citizen = await launchBrowser();
    const officer = await signedInBrowser(base, "officer.immd");
    try {
      // The citizen complains.
      const page = await citizen.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/complaints/new`);
      await page.locator("select[name=department]").selectOption({ label: "Immigration Department" });
      await page.locator("textarea[name=whatHappened]").fill("I waited three hours at the Wan Chai office.");
      await page.locator("input[name=email]").fill(EMAIL);
      await page.getByLabel(/I have read the personal information collection statement/).check();
      await page.getByRole("button", { name: "Send complaint" }).click();
      await page.locator("h1", { hasText: "Your complaint has been received" }).waitFor();
      const reference =
        /IMMD-\d{4}-\d{5}-[0-9A-Z]/.exec((await page.locator("main").textContent()) ?? "")?.[0] ?? "";
      expect(reference).not.toBe("");

      // The officer acknowledges and stops the clock, saying what is needed.
      const op: Page = officer.page;
      op.setDefaultTimeout(15_000);
      const move = async (name: string) => {
        await op.getByRole("button", { name, exact: true }).click();
        await op.waitForLoadState("networkidle");
      };
      await op.goto(`${base}/staff/cases?tab=open`);
      await op.getByRole("link", { name: reference }).click();
      await op.locator("h1", { hasText: reference }).waitFor();
      await move("Acknowledge");
      await op.getByLabel("Why the clock is stopped").fill(NEEDED);
      await move("Stop the clock");
      await op.getByRole("button", { name: "Restart the clock", exact: true }).waitFor();

      // The citizen receives the clock-stop e-mail, sent by the worker through the outbox.
      const raw = await mailTo(EMAIL, `We need more information about your complaint (${reference})`);
      expect(raw).toBeDefined();
      const body = decodedBody(raw!);
      expect(body).toContain(NEEDED);
      expect(body).toContain(`${base}/track`);
      expect(body).not.toContain("Wan Chai");

      // They answer from /track with a file.
      await page.goto(`${base}/track`);
      await page.locator("input[name=reference]").fill(reference);
      await page.locator("input[name=contact]").fill(EMAIL);
      await page.getByRole("button", { name: "Find my case" }).click();
      await page.locator("h2", { hasText: "Send us what we asked for" }).waitFor();
      await page.getByText(NEEDED).first().waitFor();
      await expectNoAxeViolations(page);
      await page.getByLabel("Your answer").fill("Here is the ticket: number A123.");
      await page
        .locator("input[name=attachment]")
        .setInputFiles({ name: "ticket.png", mimeType: "image/png", buffer: PNG });
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page
        .getByText("Thank you. We have your answer, and the time for our reply is running again.")
        .waitFor();
      await page.getByText("Here is the ticket: number A123.").waitFor();
      await page.getByText("Files: ticket.png").waitFor();
      await expectNoAxeViolations(page);

      // The officer sees the clock running again, the answer and its file.
      await op.reload();
      await op.getByText("The citizen answered").waitFor();
      await op.getByText("Here is the ticket: number A123.").waitFor();
      const history = op.locator("section[aria-labelledby=history-title]");
      expect(await history.getByRole("link", { name: "ticket.png" }).count()).toBe(1);
      expect(await op.getByRole("button", { name: "Restart the clock", exact: true }).count()).toBe(0);
      await op.getByRole("button", { name: "Stop the clock", exact: true }).waitFor();
      await expectNoAxeViolations(op);
      // And is told by e-mail.
      const told = await mailTo("officer.immd@pledge.example", `A citizen has answered on case ${reference}`);
      expect(told).toBeDefined();
    } finally {
      await officer.context.cleanup();
      await citizen.cleanup();
    }
  }, 180_000);

  it("works without JavaScript: a refused file keeps the text, then the answer restarts the clock", async () => {
    const base = server.baseUrl;
    const officer = await signedInBrowser(base, "officer.immd");
    const citizen = await launchBrowser({ javaScriptEnabled: false });
    try {
      const email = "no.script@example.com";
      const page = await citizen.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/complaints/new`);
      await page.locator("select[name=department]").selectOption({ label: "Immigration Department" });
      await page.locator("textarea[name=whatHappened]").fill("The counter closed early.");
      await page.locator("input[name=email]").fill(email);
      await page.getByLabel(/I have read the personal information collection statement/).check();
      await page.getByRole("button", { name: "Send complaint" }).click();
      await page.locator("h1", { hasText: "Your complaint has been received" }).waitFor();
      const reference =
        /IMMD-\d{4}-\d{5}-[0-9A-Z]/.exec((await page.locator("main").textContent()) ?? "")?.[0] ?? "";

      const op = officer.page;
      op.setDefaultTimeout(15_000);
      await op.goto(`${base}/staff/cases?tab=open`);
      await op.getByRole("link", { name: reference }).click();
      await op.getByRole("button", { name: "Acknowledge", exact: true }).click();
      await op.waitForLoadState("networkidle");
      await op.getByLabel("Why the clock is stopped").fill("The time you arrived, please.");
      await op.getByRole("button", { name: "Stop the clock", exact: true }).click();
      await op.getByRole("button", { name: "Restart the clock", exact: true }).waitFor();

      await page.goto(`${base}/track`);
      await page.locator("input[name=reference]").fill(reference);
      await page.locator("input[name=contact]").fill(email);
      await page.getByRole("button", { name: "Find my case" }).click();
      await page.getByLabel("Your answer").fill("I arrived at 4:15 pm.");
      // A "picture" that is really text: refused, with a clear message, and the text kept.
      allowFailedResponse(400, "/track", "the test sends a file that is not what its name says");
      await page
        .locator("input[name=attachment]")
        .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("not an image") });
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page.locator(".error-summary").waitFor();
      await page.getByText("Attach only photos (JPEG, PNG, GIF or WebP) or PDF documents.").first().waitFor();
      expect(await page.getByLabel("Your answer").inputValue()).toBe("I arrived at 4:15 pm.");
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page
        .getByText("Thank you. We have your answer, and the time for our reply is running again.")
        .waitFor();

      await op.reload();
      await op.getByText("I arrived at 4:15 pm.").waitFor();
      expect(await op.getByRole("button", { name: "Restart the clock", exact: true }).count()).toBe(0);
    } finally {
      await officer.context.cleanup();
      await citizen.cleanup();
    }
  }, 180_000);
});
