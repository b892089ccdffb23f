import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lodgeComplaintInBrowser, signedInBrowser } from "../setup/browser";
import { PNG } from "../setup/citizen";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const signedIn = (username: string) => signedInBrowser(server.baseUrl, username);

describe("a citizen's attachment reaches the case officer", () => {
  it("downloads the uploaded PNG from the case page: same bytes, a safe type, as a download", async () => {
    // The citizen lodges a complaint with a photo through the public form.
    const reference = await lodgeComplaintInBrowser(server.baseUrl, {
      whatHappened: "I queued for three hours at the Wan Chai office; here is my queue ticket.",
      email: "wong.mei@example.com",
      attachment: { name: "queue ticket.png", mimeType: "image/png", buffer: PNG },
    });

    // The case officer opens the case and follows the attachment's link.
    const officer = await signedIn("officer.immd");
    let href = "";
    try {
      const { page } = officer;
      await page.goto(`${server.baseUrl}/staff/cases?tab=open`);
      await page.getByRole("link", { name: reference }).click();
      await page.locator("h1", { hasText: reference }).waitFor();
      const link = page.getByRole("link", { name: "queue ticket.png" });
      href = (await link.getAttribute("href")) ?? "";
      expect(href).toMatch(/^\/staff\/cases\/\d+\/attachments\/\d+$/);

      // The address in the link, read with the officer's session: the headers a browser acts on.
      const res = await page.request.get(`${server.baseUrl}${href}`);
      expect(res.status()).toBe(200);
      const headers = res.headers();
      expect(headers["content-type"]).toBe("image/png");
      expect(headers["content-disposition"]).toMatch(/^attachment;/);
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(Buffer.from(await res.body()).equals(PNG)).toBe(true);

      // Clicking the link saves the file, named as the citizen named it.
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      expect(await download.failure()).toBeNull();
      expect(download.suggestedFilename()).toBe("queue ticket.png");
      const saved = await download.path();
      expect(fs.readFileSync(saved).equals(PNG)).toBe(true);

      // The complainant's contact details: masked until asked for with a button (a POST), never a link.
      expect(await page.locator('a[href*="contact=show"]').count()).toBe(0);
      expect(await page.getByText("wong.mei@example.com").count()).toBe(0);
      await page.getByRole("button", { name: "Show the full contact details" }).click();
      await page.getByText("wong.mei@example.com").waitFor();
      await page.getByText("Your viewing of these details has been recorded").waitFor();

      // A path that tries to leave the attachments folder finds nothing.
      const traversal = await page.request.get(`${server.baseUrl}${href}%2F..%2F..%2Fpii-key`);
      expect(traversal.status()).toBe(404);
    } finally {
      await officer.context.cleanup();
    }

    // Staff of another department get nothing, not even a hint that the case exists.
    const other = await signedIn("admin.hkp");
    try {
      const res = await other.page.request.get(`${server.baseUrl}${href}`);
      expect(res.status()).toBe(404);
      expect(res.headers()["content-type"]).not.toBe("image/png");
    } finally {
      await other.context.cleanup();
    }
  });
});
