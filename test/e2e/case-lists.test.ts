import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectNoAxeViolations, lodgeComplaintInBrowser, signedInBrowser } from "../setup/browser";
import { type RunningServer, startServer } from "../setup/server";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe("finding cases and acting on many (issue 14)", () => {
  it("an officer finds a case by reference from the search box, filters the list and assigns three cases", async () => {
    const references: string[] = [];
    for (const what of ["passport counter queue", "visa office phone", "identity card photo"])
      references.push(
        await lodgeComplaintInBrowser(server.baseUrl, {
          whatHappened: `Complaint about the ${what}: I waited three hours.`,
          email: "citizen@example.com",
        }),
      );
    const { context, page } = await signedInBrowser(server.baseUrl, "officer.immd");
    try {
      // The search box in the header, the reference typed without its check character.
      const search = page.getByLabel("Case reference or words");
      await search.fill(references[1]!.slice(0, -2).toLowerCase());
      await search.press("Enter");
      await page.waitForURL(/\/staff\/cases\/\d+$/);
      expect(await page.locator("main").textContent()).toContain(references[1]);

      // A filtered list, its filters in the URL.
      await page.goto(`${server.baseUrl}/staff/cases`);
      await expectNoAxeViolations(page);
      // The filters are folded under the queue's tabs until opened.
      await page.getByText("Filter the list").click();
      await page.getByLabel("Received", { exact: true }).check();
      await page.locator("#filter-officer").selectOption("none");
      await page.getByRole("button", { name: "Show cases" }).click();
      await page.waitForURL(/status=received/);
      expect(page.url()).toContain("officer=none");
      for (const r of references) await page.getByLabel(`Select ${r}`).check();
      await page.locator("#bulk-officer").selectOption({ label: "Wong Siu Ming" });
      await page.getByRole("button", { name: "Assign the selected cases" }).click();
      await page.getByText("3 cases assigned.").waitFor();
      await expectNoAxeViolations(page);

      // The officer's own list now holds them.
      await page.goto(`${server.baseUrl}/staff/cases?tab=mine`);
      const text = (await page.locator("table").textContent()) ?? "";
      for (const r of references) expect(text).toContain(r);
    } finally {
      await context.cleanup();
    }
  });
});
