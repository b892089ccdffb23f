import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../setup/server";
import { unusedPort } from "../setup/wait";

describe("with Redis unreachable", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ REDIS_URL: `redis://127.0.0.1:${await unusedPort()}` });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("still serves pages, says how to start Redis, and /healthz shows the queue down", async () => {
    const home = await fetch(server.baseUrl);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Public services that keep their promises");
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "up", queue: "down" });
    expect(server.output()).toContain("redis-server --daemonize yes");
    expect(server.output()).toContain("apt-get install -y redis-server");
  });

  it("still lets staff sign in (the sign-in limiter counts in the database)", async () => {
    const page = await fetch(`${server.baseUrl}/staff/sign-in`);
    const csrf = (page.headers.get("set-cookie") ?? "").match(/pledge_csrf=([^;]+)/)?.[1] ?? "";
    const res = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}`,
        Origin: server.baseUrl,
      },
      body: new URLSearchParams({
        csrf,
        username: "manager.immd",
        password: "pledge-demo-2026",
        redirectTo: "/staff",
      }),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/staff");
  });
});
