import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, redisScenario, startCluster, webKillScenario, workerKillScenario } from "./harness";
import { signIn } from "./load";

/**
 * Pledge scaled out as the README tells a government to run it: two web processes behind a
 * reverse proxy (nginx, or a node:http proxy where nginx is not installed), two workers, Redis
 * and Postgres. Runs when TEST_DATABASE_URL is set (`.ci/run` sets it).
 */
const PG = Boolean(process.env.TEST_DATABASE_URL);

describe.runIf(PG)("two web processes and two workers on Postgres, behind a proxy", () => {
  let c: Cluster;
  // A process the proxy could not reach answers 502 (a POST that reached a killed process is not
  // sent to the other: it might have been taken); a shed request 503. Neither is a "taken".
  const proxyStatuses = [502, 503];

  beforeAll(async () => {
    c = await startCluster({ kind: "postgres", webs: 2, workers: 2 });
  });
  afterAll(async () => {
    await c?.close();
  });

  it("shares sessions, CSRF tokens and the sign-in limit between the web processes", async () => {
    const [a, b] = c.webs as [(typeof c.webs)[0], (typeof c.webs)[0]];
    // Signed in on one process, the session is good on the other.
    const signed = await signIn(a.url, "counter.immd");
    expect(signed.status).toBe(302);
    const home = await fetch(`${b.url}/staff`, { headers: { Cookie: signed.session! }, redirect: "manual" });
    expect(home.status).toBe(200);
    const signedOut = await fetch(`${b.url}/staff`, { redirect: "manual" });
    expect(signedOut.status).toBe(302);
    // The CSRF token the first process set is accepted by the second; none is refused.
    const post = (csrf: string | null) =>
      fetch(`${b.url}/staff/feedback`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Cookie: `pledge_csrf=${signed.csrf}; ${signed.session}`,
          Origin: b.url,
        },
        body: new URLSearchParams({
          ...(csrf ? { csrf } : {}),
          kind: "suggestion",
          channel: "counter",
          summary: "Logged on the other web process",
          language: "en",
        }),
      });
    const refused = await post(null);
    expect(refused.status).toBe(403);
    const logged = await post(signed.csrf);
    expect(logged.status).toBe(302);
    expect(logged.headers.get("location")).toContain("saved=");

    // Five wrong passwords for one account, alternating between the processes (from an address
    // of their own): the sixth try is refused on either, the right password too.
    const attempt = (url: string, password: string) =>
      fetch(`${url}/staff/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Cookie: `pledge_csrf=${signed.csrf}`,
          Origin: url,
          "X-Forwarded-For": "203.0.113.50",
        },
        body: new URLSearchParams({
          csrf: signed.csrf,
          username: "manager.immd",
          password,
          redirectTo: "/staff",
        }),
      });
    for (let i = 0; i < 5; i++) {
      const r = await attempt(i % 2 ? b.url : a.url, "not-the-password");
      expect(r.status).not.toBe(302);
      expect(r.status).not.toBe(429);
    }
    expect((await attempt(a.url, "not-the-password")).status).toBe(429);
    expect((await attempt(b.url, "pledge-demo-2026")).status).toBe(429);
  });

  it("SIGKILL of a web process mid-load: every acknowledged submission stored once", async () => {
    expect(c.proxy?.kind).toMatch(/nginx|node:http/);
    await webKillScenario(c, proxyStatuses);
  });

  it("SIGKILL of a worker during the monthly fan-out: each report, digest and summary once", async () => {
    await workerKillScenario(c, proxyStatuses);
  });

  it("Redis restarted with its data, then emptied: nothing acknowledged lost, schedules and reports back", async () => {
    await redisScenario(c, proxyStatuses);
  });
});
