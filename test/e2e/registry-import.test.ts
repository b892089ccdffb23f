import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations, signedInBrowser } from "../setup/browser";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { REGISTRY_FILES } from "../setup/registry-folder";
import { type RunningServer, startServer } from "../setup/server";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";
import { makeZip } from "../setup/zip";

let server: RunningServer;
let worker: WorkerProcess;
const prefix = testPrefix();

beforeAll(async () => {
  server = await startServer({ REDIS_PREFIX: prefix });
  worker = await spawnWorker({
    DATABASE_URL: server.dbPath,
    DATA_DIR: server.dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await server?.stop();
  const redis = new Redis(TEST_REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const names = Object.keys(REGISTRY_FILES) as (keyof typeof REGISTRY_FILES)[];
const text = (name: keyof typeof REGISTRY_FILES) => `${REGISTRY_FILES[name].join("\n")}\n`;

describe("registry import on /central/imports (issue 12)", () => {
  it("a system administrator uploads a zip; the worker loads it; the page follows it to the end", async () => {
    const base = server.baseUrl;
    const sys = await signedInBrowser(base, "sysadmin");
    try {
      const page = sys.page;
      page.setDefaultTimeout(30_000);
      await page.getByRole("link", { name: "Registry imports" }).click();
      await page.waitForURL(`${base}/central/imports`);
      await page.locator("h1", { hasText: "Registry imports" }).waitFor();
      await expectNoAxeViolations(page);
      const zip = makeZip(names.map((n) => ({ name: `gov/${n}`, data: text(n) })));
      await page
        .locator("#import-files")
        .setInputFiles({ name: "government.zip", mimeType: "application/zip", buffer: zip });
      await page.getByRole("button", { name: "Upload and import" }).click();
      await page.waitForURL(/\/central\/imports\/\d+$/);
      await page.locator('dd[data-status="done"]').waitFor();
      await expect(page.locator("dd", { hasText: /^18$/ }).count()).resolves.toBe(1);
      await expectNoAxeViolations(page);
      await page.goto(`${base}/locale?lng=zh-HK&redirectTo=/central/imports`);
      await page.locator("h1", { hasText: "登記冊匯入" }).waitFor();
      await expectNoAxeViolations(page);
      await page.goto(`${base}/pledges/TSTB`);
      // The imported pledge, by its statement (the public pages show no internal pledge code).
      await page.getByText("牌照於 5 個工作天內簽發。").first().waitFor();
    } finally {
      await sys.context.cleanup();
    }
  }, 90_000);

  it("without JavaScript: CSV files with a bad row are refused; the page refreshes itself and lists the problems", async () => {
    const base = server.baseUrl;
    const plain = await signedInBrowser(base, "sysadmin", { javaScriptEnabled: false });
    let url = "";
    try {
      const page = plain.page;
      page.setDefaultTimeout(30_000);
      await page.goto(`${base}/central/imports`);
      await page.locator("#import-files").setInputFiles([
        { name: "departments.csv", mimeType: "text/csv", buffer: Buffer.from(text("departments.csv")) },
        { name: "services.csv", mimeType: "text/csv", buffer: Buffer.from(text("services.csv")) },
        {
          name: "pledges.csv",
          mimeType: "text/csv",
          buffer: Buffer.from(text("pledges.csv").replace("TSTB-NEW,TSTB,", "TSTB-NEW,NOPE,")),
        },
      ]);
      await page.getByRole("button", { name: "Upload and import" }).click();
      await page.waitForURL(/\/central\/imports\/\d+$/);
      url = page.url();
      // Only the page's own refresh can bring the result: no script runs here.
      await page.locator('dd[data-status="refused"]').waitFor();
      const row = page.locator("tbody tr").first();
      await expect(row.textContent()).resolves.toMatch(/pledges\.csv\s*5\s*department_code.*NOPE/);
    } finally {
      await plain.context.cleanup();
    }
    // axe needs JavaScript: the same page in a browser that runs it.
    const js = await signedInBrowser(base, "sysadmin");
    try {
      await js.page.goto(url);
      await js.page.locator('dd[data-status="refused"]').waitFor();
      await expectNoAxeViolations(js.page);
    } finally {
      await js.context.cleanup();
    }
  }, 90_000);

  it("the web server takes a large upload only from a system administrator (checked before the body is read)", async () => {
    const base = server.baseUrl;
    const post = async (username: string) => {
      const b = await signedInBrowser(base, username);
      try {
        const cookies = await b.context.cookies();
        const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
        const csrf = cookies.find((c) => c.name === "pledge_csrf")!.value;
        const form = new FormData();
        form.set("csrf", csrf);
        // 3 MB: over the default 1 MB cap, far under the import's 1 GiB.
        form.append(
          "files",
          new Blob([`pledge_id,taken_at,value\n${"x".repeat(3 * 1024 * 1024)}\n`]),
          "readings.csv",
        );
        const res = await fetch(`${base}/central/imports?index`, {
          method: "POST",
          headers: { Cookie: cookie, Origin: base },
          body: form,
          redirect: "manual",
        });
        await res.arrayBuffer().catch(() => undefined);
        return res.status;
      } finally {
        await b.context.cleanup();
      }
    };
    expect(await post("admin.immd")).toBe(413);
    expect(await post("sysadmin")).toBe(302);
  }, 90_000);
});
