import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { testPrefix } from "../setup/context";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { type RunningServer, startServer } from "../setup/server";
import { until, unusedPort } from "../setup/wait";

/**
 * Issue defect 2: a burst of parallel wrong passwords must not get more than five guesses, per
 * account and per address, with Redis up and with Redis down (then the count is kept in the
 * database, shared by every web process). Two real web processes on one database and one Redis
 * of this test's own (never the shared one), requests from different loopback addresses
 * (127.x.y.z all reach the server; the server sees the address the socket came from).
 */
describe.each(DB_KINDS)("sign-in throttle under a burst [%s]", (kind) => {
  let t: TestDb;
  let redisPort: number;
  let redisProcess: ChildProcess | undefined;
  let servers: RunningServer[] = [];
  let csrf = "";
  const counts: Record<string, Record<number, number>> = {};

  beforeAll(async () => {
    t = await freshDb(kind);
    redisPort = await unusedPort();
    redisProcess = spawn(
      "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    await until("Redis to answer", async () => {
      try {
        const pong = execFileSync("redis-cli", ["-p", String(redisPort), "ping"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        });
        return pong.trim() === "PONG";
      } catch {
        return false;
      }
    });
    // Two web processes on one database and one Redis, as in production; the same secret, so
    // they compute the same limiter keys.
    const env = {
      DATABASE_URL: t.processUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SESSION_SECRET: "throttle-test-secret-throttle-test-secret-0123",
      REDIS_PREFIX: testPrefix(),
    };
    servers = [await startServer(env), await startServer(env)];
    const page = await request(servers[0]!, "GET", "/staff/sign-in", "127.0.0.1");
    csrf = page.setCookie.match(/pledge_csrf=([^;]+)/)?.[1] ?? "";
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    if (redisProcess && redisProcess.exitCode === null) {
      const exited = new Promise((r) => redisProcess?.once("exit", r));
      redisProcess.kill("SIGKILL");
      await exited;
    }
    await t?.cleanup();
    console.log(`sign-in throttle [${kind}] answers by status:`, JSON.stringify(counts));
  });

  interface Answer {
    status: number;
    location: string;
    retryAfter: string;
    setCookie: string;
  }

  /** One request from a given local address, to one of the web processes. */
  function request(
    server: RunningServer,
    method: "GET" | "POST",
    pathname: string,
    from: string,
    fields?: Record<string, string>,
  ): Promise<Answer> {
    const port = Number(new URL(server.baseUrl).port);
    const origin = `http://127.0.0.1:${port}`;
    const body = fields ? new URLSearchParams({ csrf, ...fields }).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          localAddress: from,
          method,
          path: pathname,
          agent: false,
          headers: body
            ? {
                "Content-Type": "application/x-www-form-urlencoded",
                "Content-Length": Buffer.byteLength(body),
                Cookie: `pledge_csrf=${csrf}`,
                Origin: origin,
              }
            : {},
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              location: String(res.headers.location ?? ""),
              retryAfter: String(res.headers["retry-after"] ?? ""),
              setCookie: (res.headers["set-cookie"] ?? []).join("\n"),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  const signIn = (i: number, from: string, username: string, password: string) =>
    request(servers[i % servers.length]!, "POST", "/staff/sign-in", from, {
      username,
      password,
      redirectTo: "/staff",
    });

  /** Fires the fifty at once (alternating between the two web processes) and counts the answers. */
  async function burst(
    label: string,
    attempt: (i: number) => Promise<Answer>,
  ): Promise<Record<number, number>> {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(i)));
    const byStatus: Record<number, number> = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    counts[label] = byStatus;
    return byStatus;
  }

  async function expectThrottledBursts(phase: string, account: string, otherAccount: string, net: string) {
    // Fifty wrong passwords for one account, each from an address of its own: the account's limit.
    const byAccount = await burst(`${phase}: one account, 50 addresses`, (i) =>
      signIn(i, `${net}.1.${i + 1}`, account, `wrong-password-${i}`),
    );
    expect(byAccount[401] ?? 0).toBeGreaterThan(0);
    expect(byAccount[401] ?? 0).toBeLessThanOrEqual(5);
    expect((byAccount[401] ?? 0) + (byAccount[429] ?? 0)).toBe(50);

    // The right password, from yet another address, within the minute: still refused.
    const right = await signIn(0, `${net}.9.1`, account, DEMO_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.retryAfter).toBe("60");
    expect(right.setCookie).not.toContain("pledge_session=");

    // Someone else, from another address, signs in as usual.
    const other = await signIn(1, `${net}.9.2`, otherAccount, DEMO_PASSWORD);
    expect(other.status).toBe(302);
    expect(other.location).toBe("/staff");

    // Fifty guesses from one address, each at another user name: the address's limit.
    const byAddress = await burst(`${phase}: one address, 50 user names`, (i) =>
      signIn(i, `${net}.2.1`, `nobody${i}.${phase}`, "wrong-password"),
    );
    expect(byAddress[401] ?? 0).toBeGreaterThan(0);
    expect(byAddress[401] ?? 0).toBeLessThanOrEqual(5);
    expect((byAddress[401] ?? 0) + (byAddress[429] ?? 0)).toBe(50);
  }

  it("answers at most five of fifty parallel wrong passwords with 401 while Redis is up", async () => {
    await expectThrottledBursts("redis-up", "officer.immd", "manager.immd", "127.10");
  });

  it("still answers at most five with 401 after Redis stops (the count is kept in the database)", async () => {
    const exited = new Promise((r) => redisProcess?.once("exit", r));
    execFileSync("redis-cli", ["-p", String(redisPort), "shutdown", "nosave"], { stdio: "ignore" });
    await exited;
    await expectThrottledBursts("redis-down", "counter.immd", "admin.immd", "127.20");
  });
});
