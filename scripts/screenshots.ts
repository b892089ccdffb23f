/** `npm run screenshots`: the README's pictures of the home page, in each language, from a real Chromium. */
import fs from "node:fs";
import { launchBrowser } from "../test/setup/browser";
import setup from "../test/setup/global-setup";
import { startServer } from "../test/setup/server";

async function main() {
  await setup();
  const server = await startServer();
  fs.mkdirSync("docs/screenshots", { recursive: true });
  try {
    for (const locale of ["en", "zh-HK"]) {
      const browser = await launchBrowser({ locale });
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1100, height: 1000 });
      await page.goto(`${server.baseUrl}/locale?lng=${locale}&redirectTo=/`);
      await page.screenshot({ path: `docs/screenshots/home-${locale}.png`, fullPage: false });
      await browser.cleanup();
      console.log(`docs/screenshots/home-${locale}.png`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
