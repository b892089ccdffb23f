import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, type ConsoleMessage, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";

export const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A browser context from `launchBrowser`: every console error it logs is recorded (see below). */
export type TestBrowser = BrowserContext & {
  cleanup(): Promise<void>;
  /** whether its pages run JavaScript (and so must hydrate) */
  readonly javaScriptEnabled: boolean;
};

/** Debian's Chromium through playwright-core, headless, with the flags this network needs. */
export async function launchBrowser(
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<TestBrowser> {
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
  const close = context.close.bind(context);
  const browser: TestBrowser = Object.assign(context, {
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    /** Checks the pages it showed in both languages (see below) before it closes. */
    async close(closeOptions?: Parameters<BrowserContext["close"]>[0]) {
      if (open.delete(browser)) {
        await revisitInBothLanguages(browser).catch((e) => record("revisit", "", String(e)));
      }
      await close(closeOptions);
    },
    async cleanup() {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
  watch(browser);
  return browser;
}

// ---------------------------------------------------------------------------------------------
// Console errors. Every context made by launchBrowser records, for the test that is running:
// console messages of type "error" (React's minified hydration errors #418/#423/#425, failed
// resource loads), Content-Security-Policy violations whatever their level, uncaught exceptions
// (`pageerror`), and pages that never hydrate. It also notes the address and language of every
// page it shows, and before the test ends (`assertNoConsoleErrors`, run after each e2e test by
// test/setup/e2e.ts, or when the context closes) opens each again in the language(s) it was not
// shown in, English or Chinese, waits for hydration and records what they log too. A test that
// provokes an error on purpose says so with `allowFailedResponse` or `allowConsoleErrors`.

export const LANGUAGES = ["en", "zh-HK"] as const;
const LOCALE_COOKIE = "pledge_lng";

interface Problem {
  kind: "console" | "pageerror" | "hydration" | "revisit";
  page: string;
  text: string;
}

const problems: Problem[] = [];
const allowed: { pattern: RegExp; reason: string }[] = [];
const open = new Set<TestBrowser>();
/** per context: each page address it showed, with the languages it was shown in ("?" unknown) */
const visited = new WeakMap<TestBrowser, Map<string, Set<string>>>();
/** per context: the look-ups of a shown page's language still running */
const pending = new WeakMap<TestBrowser, Set<Promise<void>>>();
/** the pages opened again by revisitInBothLanguages, with the language each shows */
const revisiting = new WeakMap<Page, string>();

/**
 * A Content-Security-Policy violation, whatever its level: "Refused to load the script …" in older
 * Chromium, "Executing inline script violates the following Content Security Policy directive …"
 * in Chromium 156, "[Report Only] …" for a report-only policy.
 */
const CSP_MESSAGE = /^(\[Report Only\] )?Refused to |Content Security Policy/;

function record(kind: Problem["kind"], page: string, text: string) {
  problems.push({ kind, page, text });
}

function consoleText(msg: ConsoleMessage): string {
  // "Failed to load resource" does not say which resource: the location does.
  const where = msg.location()?.url;
  return where && !msg.text().includes(where) ? `${msg.text()} (${where})` : msg.text();
}

function watch(browser: TestBrowser) {
  open.add(browser);
  visited.set(browser, new Map());
  browser.on("console", (msg) => {
    if (msg.type() === "error" || CSP_MESSAGE.test(msg.text())) {
      record("console", pageLabel(msg.page()), consoleText(msg));
    }
  });
  browser.on("weberror", (e) => {
    const err = e.error();
    record("pageerror", pageLabel(e.page()), `${err.name}: ${err.message}`);
  });
  pending.set(browser, new Set());
  const note = (href: string, lng: string) => {
    const url = new URL(href);
    if (!url.protocol.startsWith("http")) return;
    url.hash = "";
    const seen = visited.get(browser)!;
    seen.set(url.href, (seen.get(url.href) ?? new Set()).add(lng));
  };
  const follow = (page: Page) =>
    page.on("framenavigated", (frame) => {
      if (frame !== page.mainFrame() || revisiting.has(page)) return;
      // The address and language are read together from the document, so they always match.
      const lookup = page
        .evaluate(() => [location.href, document.documentElement.lang] as const)
        .then(([href, lng]) => note(href, lng || "?"))
        .catch(() => note(frame.url(), "?"))
        .finally(() => pending.get(browser)?.delete(lookup));
      pending.get(browser)?.add(lookup);
    });
  browser.pages().forEach(follow);
  browser.on("page", follow);
}

function pageLabel(page: Page | null | undefined): string {
  if (!page) return "(no page)";
  const lng = revisiting.get(page);
  return lng ? `${page.url()} (opened again in ${lng})` : page.url();
}

/**
 * Lets the running test log console errors matching `pattern` (for one that provokes them on
 * purpose, e.g. a 404 page's "Failed to load resource"). Give the reason; the list empties after
 * each test.
 */
export function allowConsoleErrors(pattern: RegExp, reason: string): void {
  if (!reason.trim()) throw new Error("allowConsoleErrors needs a reason");
  allowed.push({ pattern, reason });
}

/**
 * Lets the running test get one kind of failed response: Chromium logs "Failed to load resource:
 * the server responded with a status of 400" for every 4xx/5xx answer, so a test that submits a
 * bad form or opens a missing page on purpose allows that status on that path (and no other).
 */
export function allowFailedResponse(status: number, path: string, reason: string): void {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  allowConsoleErrors(
    new RegExp(
      `^Failed to load resource: the server responded with a status of ${status} .*\\(https?://[^/]+${escaped}[?)]`,
    ),
    reason,
  );
}

/** Waits until React has hydrated the page (its <html> has a fiber), then one more task. */
export async function waitForHydration(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    () => Object.keys(document.documentElement).some((k) => k.startsWith("__reactFiber$")),
    null,
    { timeout },
  );
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
}

/**
 * Opens again, in a page of its own, each page this context showed since the last call in each
 * language it was not shown in (English, Chinese; chosen by the language cookie, put back
 * afterwards), waits for hydration, and so records the errors each logs in either language.
 */
async function revisitInBothLanguages(browser: TestBrowser): Promise<void> {
  await Promise.allSettled([...(pending.get(browser) ?? [])]);
  const seen = visited.get(browser) ?? new Map<string, Set<string>>();
  visited.set(browser, new Map());
  const urls = [...seen.keys()];
  if (urls.length === 0) return;
  const origins = [...new Set(urls.map((u) => new URL(u).origin))];
  const before = await browser.cookies(origins);
  const page = await browser.newPage();
  try {
    for (const lng of LANGUAGES) {
      revisiting.set(page, lng);
      await browser.addCookies(
        origins.map((url) => ({
          name: LOCALE_COOKIE,
          value: lng,
          url,
          httpOnly: true,
          sameSite: "Lax" as const,
        })),
      );
      for (const url of urls) {
        if (seen.get(url)?.has(lng)) continue; // the test showed it in this language already
        // Only pages that are pages now (not a redirect, a 404 or a download) are looked at.
        const head = await browser.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
        const type = head.headers()["content-type"] ?? "";
        await head.dispose();
        if (head.status() !== 200 || !type.startsWith("text/html")) continue;
        await page.goto(url);
        if (browser.javaScriptEnabled) {
          await waitForHydration(page).catch(() =>
            record("hydration", pageLabel(page), "the page did not hydrate within 10 s"),
          );
        }
      }
    }
  } finally {
    await page.close();
    await browser.clearCookies({ name: LOCALE_COOKIE });
    const language = before.filter((c) => c.name === LOCALE_COOKIE);
    if (language.length > 0) await browser.addCookies(language);
  }
}

/**
 * Fails, naming each page and what it logged, when a browser of this test logged a console
 * error, an uncaught exception or failed to hydrate, on the pages the test visited or on the
 * same pages opened again in the other language. Empties the record and the allowlist.
 */
export async function assertNoConsoleErrors(): Promise<void> {
  for (const browser of open) {
    await revisitInBothLanguages(browser).catch((e) => record("revisit", "", String(e)));
    // A round trip to each open page: console events sent before it have arrived.
    for (const page of browser.pages()) await page.evaluate("0").catch(() => {});
  }
  const found = problems.splice(0).filter((p) => !allowed.some((a) => a.pattern.test(p.text)));
  allowed.length = 0;
  if (found.length > 0) {
    const counted = new Map<string, number>();
    for (const p of found) {
      const line = `- ${p.kind} on ${p.page || "(opening pages again)"}: ${p.text.slice(0, 400)}`;
      counted.set(line, (counted.get(line) ?? 0) + 1);
    }
    const lines = [...counted].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
    const shown = lines.length > 40 ? [...lines.slice(0, 40), `… and ${lines.length - 40} more`] : lines;
    throw new Error(`The browser logged ${found.length} error(s):\n${shown.join("\n")}`);
  }
}

/** Runs axe-core (WCAG 2.1 A and AA, plus best practice) and fails with what it found. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  // Evaluated through the DevTools protocol, not as a <script> tag: our CSP (rightly) refuses
  // inline scripts without the response's nonce.
  await page.evaluate(`${axeSource}\n;0`);
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

/**
 * A new browser signed in as a demo account through the sign-in form (in either language, with or
 * without JavaScript), on the staff home.
 */
export async function signedInBrowser(
  baseUrl: string,
  username: string,
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<{ context: TestBrowser; page: Page }> {
  const context = await launchBrowser(options);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/staff/sign-in`);
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(DEMO_PASSWORD);
  await page.locator("main form[method=post] button[type=submit]").click();
  await page.waitForURL(`${baseUrl}/staff`);
  return { context, page };
}

/**
 * A citizen lodges a complaint to the Immigration Department through the public form, in English
 * with JavaScript on (optionally with one attachment), sees the confirmation, and gets its
 * reference.
 */
export async function lodgeComplaintInBrowser(
  baseUrl: string,
  complaint: {
    whatHappened: string;
    email: string;
    attachment?: { name: string; mimeType: string; buffer: Buffer };
  },
): Promise<string> {
  const citizen = await launchBrowser();
  try {
    const page = await citizen.newPage();
    await page.goto(`${baseUrl}/complaints/new`);
    await page.locator("select[name=department]").selectOption({ label: "Immigration Department" });
    await page.locator("textarea[name=whatHappened]").fill(complaint.whatHappened);
    await page.locator("input[name=email]").fill(complaint.email);
    if (complaint.attachment)
      await page.locator("input[name=attachment]").first().setInputFiles(complaint.attachment);
    await page.getByLabel(/I have read the personal information collection statement/).check();
    await page.getByRole("button", { name: "Send complaint" }).click();
    await page.locator("h1", { hasText: "Your complaint has been received" }).waitFor();
    const reference =
      /IMMD-\d{4}-\d{5}-[0-9A-Z]/.exec((await page.locator("main").textContent()) ?? "")?.[0] ?? "";
    expect(reference).not.toBe("");
    return reference;
  } finally {
    await citizen.cleanup();
  }
}
