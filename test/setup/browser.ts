import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Debian's Chromium through playwright-core, headless, with the flags this network needs. */
export async function launchBrowser(
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<BrowserContext & { cleanup(): Promise<void> }> {
  if (!fs.existsSync(CHROME_PATH)) {
    throw new Error(`Chromium not found at ${CHROME_PATH}: install it with \`apt-get install -y chromium\``);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-chrome-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROME_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: options.locale ?? "en-GB",
    viewport: { width: 1100, height: 900 },
  });
  return Object.assign(context, {
    async cleanup() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Runs axe-core (WCAG 2.1 A and AA, plus best practice) and fails with what it found. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above
    const result = await (window as any).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v: { id: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
  expect(violations, `axe-core on ${page.url()}`).toEqual([]);
}
