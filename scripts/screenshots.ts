/**
 * `npm run screenshots`: the README's pictures, from a real Chromium: the home page in each
 * language, and on a 375 × 812 phone (issue 15) the survey, the complaint form, a tracked case
 * and the public pledges, in each language (docs/screenshots/phone-<page>-<lang>.png).
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { createCase } from "../app/models/cases/intake.server";
import { createDb } from "../db/client";
import { launchBrowser } from "../test/setup/browser";
import setup, { TEST_PII_KEY } from "../test/setup/global-setup";
import { startServer } from "../test/setup/server";

const PHONE = { width: 375, height: 812 };
/** a long page is cut here: the top of it is what the README shows */
const MAX_HEIGHT = 2400;
const CASE_EMAIL = "chan.tai.man@example.com";

/** A case of the Immigration Department with a reference and an e-mail to look it up by. */
async function demoCase(dbPath: string): Promise<string> {
  const db = createDb(dbPath);
  try {
    const immd = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const made = await createCase(db, TEST_PII_KEY, {
      departmentId: immd.id,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "I waited three hours at the Wan Chai office and nobody told me why.",
      desiredOutcome: "A sign that shows the waiting time.",
      contact: { email: CASE_EMAIL },
      consent: true,
      receivedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    return made.reference;
  } finally {
    await db.destroy();
  }
}

async function phoneShot(page: Page, name: string) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const path = `docs/screenshots/${name}.png`;
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: 0, width: PHONE.width, height: Math.min(height, MAX_HEIGHT) },
  });
  console.log(path);
}

async function main() {
  await setup();
  const server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
  fs.mkdirSync("docs/screenshots", { recursive: true });
  try {
    const reference = await demoCase(server.dbPath);
    for (const locale of ["en", "zh-HK"]) {
      const browser = await launchBrowser({ locale });
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1100, height: 1000 });
      await page.goto(`${server.baseUrl}/locale?lng=${locale}&redirectTo=/`);
      await page.screenshot({ path: `docs/screenshots/home-${locale}.png`, fullPage: false });
      console.log(`docs/screenshots/home-${locale}.png`);

      await page.setViewportSize(PHONE);
      for (const [name, path] of [
        ["survey", "/s/immdcsat"],
        ["complaint", "/complaints/new"],
        ["pledges", "/pledges"],
        ["pledges-department", "/pledges/IMMD"],
      ] as const) {
        await page.goto(`${server.baseUrl}${path}`);
        await phoneShot(page, `phone-${name}-${locale}`);
      }
      await page.goto(`${server.baseUrl}/track`);
      await page.locator("input[name=reference]").fill(reference);
      await page.locator("input[name=contact]").fill(CASE_EMAIL);
      await page.locator("main form[method=post] button[type=submit]").click();
      await page.getByText(reference).first().waitFor();
      await phoneShot(page, `phone-tracking-${locale}`);
      await browser.cleanup();
    }
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
