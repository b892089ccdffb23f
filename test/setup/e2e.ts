import { afterEach } from "vitest";
import { assertNoConsoleErrors } from "./browser";

// Every e2e test: the pages its browsers showed, and the same pages in English and Chinese, log
// no console error, no uncaught exception, and hydrate (test/setup/browser.ts).
afterEach(async () => {
  await assertNoConsoleErrors();
}, 120_000);
