import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../setup/server";
import { until } from "../setup/wait";

/**
 * Every response carries X-Request-Id (the client's when well formed, else a new one) and every
 * log line written during the request carries it as `reqId`, also from the route code inside the
 * Remix build, which is a module graph of its own.
 */
describe("request ids", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ LOG_LEVEL: "info" });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("keeps a well-formed client id and replaces any other", async () => {
    const kept = await fetch(`${server.baseUrl}/`, { headers: { "X-Request-Id": "lb-7f3a.0001_abc" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-7f3a.0001_abc");
    for (const bad of ["short", "has space in it", "x".repeat(65), "<script>alert(1)</script>"]) {
      const r = await fetch(`${server.baseUrl}/`, { headers: { "X-Request-Id": bad } });
      expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    const a = (await fetch(`${server.baseUrl}/healthz`)).headers.get("x-request-id");
    const b = (await fetch(`${server.baseUrl}/healthz`)).headers.get("x-request-id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    // Static files and 404s too.
    expect((await fetch(`${server.baseUrl}/favicon.svg`)).headers.get("x-request-id")).toBeTruthy();
    expect((await fetch(`${server.baseUrl}/no/such`)).headers.get("x-request-id")).toBeTruthy();
  });

  it("puts the id on the log lines the route writes, and no answers or addresses", async () => {
    // A sign-in without a CSRF token: the route logs its refusal.
    const r = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Request-Id": "req-ids-test-0001" },
      body: "username=someone.secret&password=my-secret-password",
    });
    expect(r.status).toBe(403);
    expect(r.headers.get("x-request-id")).toBe("req-ids-test-0001");
    const line = await until(
      "the route's log line",
      async () =>
        server
          .output()
          .split("\n")
          .find((l) => l.includes('"reqId":"req-ids-test-0001"')),
      10_000,
    );
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry.reqId).toBe("req-ids-test-0001");
    expect(line).not.toContain("secret");
    expect(line).not.toContain("127.0.0.1");
  });
});
