/**
 * The web process at its edges, tried as an attacker would, over real sockets: chunked bodies
 * past the cap, malformed cookies, headers and URLs, forged proxy headers, hostile redirect
 * targets, and the security headers on every answer.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { type RunningServer, startServer } from "../setup/server";
import { sleep } from "../setup/wait";

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP request: whatever path, headers and body we like (fetch refuses some of them). */
function raw(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * A chunked POST (no Content-Length) of `total` bytes from a client that keeps sending after the
 * answer, as the attacker's did: resolves with the status it was answered.
 */
function chunkedFlood(baseUrl: string, path: string, total: number, cookie = ""): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let status = 0;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: "POST",
      path,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Transfer-Encoding": "chunked",
        Origin: baseUrl,
        ...(cookie ? { Cookie: cookie } : {}),
      },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on("end", () => resolve(status));
      res.on("error", () => resolve(status));
    });
    req.on("error", () => resolve(status));
    req.on("close", () => setTimeout(() => resolve(status), 50));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** No stack trace, no file path, nothing of the server's insides in what a stranger is shown. */
function expectNothingInside(answer: RawAnswer) {
  expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500);
  expect(answer.body).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/work\/|\.tsx?:\d+|URIError|TypeError/);
}

describe("the web process at its edges", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers five parallel 60 MB chunked bodies with 413 without reading them into memory", async () => {
    // Warm up: the first requests load the route modules.
    for (const p of ["/staff/sign-in", "/admin/pledges/1/import", "/"])
      await raw(server.baseUrl, { path: p });
    await sleep(300);
    const before = rssMb(server.pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(server.pid));
    }, 20);
    const sixty = 60 * 1024 * 1024;
    const signIn = await Promise.all(
      Array.from({ length: 5 }, () => chunkedFlood(server.baseUrl, "/staff/sign-in", sixty)),
    );
    const importPage = await Promise.all(
      Array.from({ length: 5 }, () => chunkedFlood(server.baseUrl, "/admin/pledges/1/import", sixty)),
    );
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(server.pid));
    console.log(
      `five parallel 60 MB chunked bodies ×2 routes: RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(1)} MB)`,
    );
    expect(signIn).toEqual([413, 413, 413, 413, 413]);
    expect(importPage).toEqual([413, 413, 413, 413, 413]);
    expect(peak - before).toBeLessThan(30);
    // The process still serves.
    expect((await raw(server.baseUrl, { path: "/" })).status).toBe(200);
  }, 120_000);

  it("ignores malformed cookies, headers and URLs: no 5xx, no stack trace, no path", async () => {
    const cookies = [
      "pledge_csrf=%",
      "pledge_session=%E0%A4%A",
      "pledge_lng=%ZZ",
      "pledge_csrf=%; pledge_session=%; pledge_lng=%",
      "=; ;;; pledge_csrf",
      `pledge_session=${"a".repeat(4000)}`,
    ];
    for (const cookie of cookies) {
      for (const path of ["/", "/staff", "/staff/sign-in", "/pledges"]) {
        expectNothingInside(await raw(server.baseUrl, { path, headers: { Cookie: cookie } }));
      }
      expectNothingInside(
        await raw(server.baseUrl, {
          method: "POST",
          path: "/staff/sign-in",
          headers: {
            Cookie: cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: server.baseUrl,
          },
          body: "username=a&password=b&csrf=x",
        }),
      );
    }
    const paths = [
      "/%",
      "/staff/%E0%A4%A",
      "/pledges/%",
      "/s/%c0%af",
      "/%00",
      "/track?x=%",
      "/staff/cases/%",
    ];
    for (const path of paths) expectNothingInside(await raw(server.baseUrl, { path }));
    const headers: Record<string, string>[] = [
      { "Accept-Language": ";;;q=abc,zh-HK;q=" },
      { "Accept-Language": "x".repeat(5000) },
      { Origin: "null" },
      { Referer: "::::" },
      { "X-Forwarded-For": "not-an-address, %%%" },
      { "Content-Type": "multipart/form-data" },
    ];
    for (const h of headers) {
      expectNothingInside(await raw(server.baseUrl, { path: "/", headers: h }));
      expectNothingInside(
        await raw(server.baseUrl, { method: "POST", path: "/track", headers: h, body: "reference=x" }),
      );
    }
  });

  it("sends the security headers on pages, errors and files", async () => {
    for (const path of ["/", "/staff/sign-in", "/no-such-page", "/favicon.ico", "/pledges.json"]) {
      const a = await raw(server.baseUrl, { path });
      const csp = String(a.headers["content-security-policy"] ?? "");
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(csp, path).toMatch(/form-action 'self'/);
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(a.headers["permissions-policy"], path).toMatch(/camera=\(\)/);
      expect(a.headers["cross-origin-opener-policy"], path).toBe("same-origin");
      expect(a.headers["x-content-type-options"], path).toBe("nosniff");
      expect(a.headers["x-powered-by"], path).toBeUndefined();
    }
    // A page's inline scripts carry this response's nonce, and the nonce differs per response.
    const one = await raw(server.baseUrl, { path: "/" });
    const two = await raw(server.baseUrl, { path: "/" });
    const nonceOf = (a: RawAnswer) =>
      /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(String(a.headers["content-security-policy"]))?.[1];
    expect(nonceOf(one)).toBeTruthy();
    expect(nonceOf(one)).not.toBe(nonceOf(two));
    const inline = [...one.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const m of inline) expect(m[1]).toContain(`nonce="${nonceOf(one)}"`);
  });

  it("gives a Secure session cookie the __Host- prefix, and sends HSTS with it", async () => {
    const page = await fetch(`${server.baseUrl}/staff/sign-in`);
    expect(page.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    const csrf = /pledge_csrf=([^;]+)/.exec(page.headers.get("set-cookie") ?? "")![1]!;
    const res = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      headers: {
        Origin: server.baseUrl,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}`,
      },
      body: new URLSearchParams({
        username: "officer.immd",
        password: DEMO_PASSWORD,
        csrf,
        redirectTo: "/staff",
      }),
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("pledge_session="))!;
    expect(cookie).toMatch(/^__Host-pledge_session=/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).not.toMatch(/Domain=/i);
    // The cookie works: the staff home opens with it.
    const home = await fetch(`${server.baseUrl}/staff`, {
      headers: { Cookie: cookie.split(";")[0]! },
      redirect: "manual",
    });
    expect(home.status).toBe(200);
  });

  it("never redirects off this site, whatever redirectTo says", async () => {
    const hostile = [
      "//evil.example",
      "/\t/evil.example",
      "/\\evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      "https://evil.example",
      "http:evil.example",
      "/%09/evil.example",
      "/%5Cevil.example",
      " //evil.example",
      "/\n/evil.example",
      "javascript:alert(1)",
      "/%2F%2Fevil.example",
      "///evil.example",
    ];
    for (const to of hostile) {
      const a = await raw(server.baseUrl, {
        path: `/locale?lng=zh-HK&redirectTo=${encodeURIComponent(to)}`,
      });
      expect(a.status, to).toBe(302);
      const location = String(a.headers.location);
      const resolved = new URL(location, server.baseUrl);
      expect(resolved.origin, `${JSON.stringify(to)} → ${location}`).toBe(server.baseUrl);
      expect(location, to).toMatch(/^\/(?![/\\\t\n])/);
      const signIn = await raw(server.baseUrl, {
        path: `/staff/sign-in?redirectTo=${encodeURIComponent(to)}`,
      });
      // The sign-in form carries where to go after signing in: only a path of this site.
      const main = signIn.body.slice(signIn.body.indexOf("<main"));
      const kept = /name="redirectTo" value="([^"]*)"/.exec(main)?.[1] ?? "";
      expect(kept, to).toMatch(/^\/(?![/\\\t\n])/);
      expect(new URL(kept.replaceAll("&amp;", "&"), server.baseUrl).origin, to).toBe(server.baseUrl);
    }
  });
});

describe("the client address behind a proxy", () => {
  async function trackUntilLimited(server: RunningServer, forwardedFor: string): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const a = await raw(server.baseUrl, {
        method: "POST",
        path: "/track",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": forwardedFor },
        body: "intent=track&reference=IMMD-2611-00001-A&contact=nobody%40example.com",
      });
      statuses.push(a.status);
    }
    return statuses;
  }

  it("with TRUST_PROXY=1, two clients behind one proxy have limits of their own", async () => {
    const server = await startServer({ TRUST_PROXY: "1" });
    try {
      const first = await trackUntilLimited(server, "203.0.113.7");
      expect(first.slice(0, 10)).not.toContain(429);
      expect(first[10]).toBe(429);
      const second = await raw(server.baseUrl, {
        method: "POST",
        path: "/track",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "198.51.100.9" },
        body: "intent=track&reference=IMMD-2611-00001-A&contact=nobody%40example.com",
      });
      expect(second.status).not.toBe(429);
    } finally {
      await server.stop();
    }
  });

  it("with TRUST_PROXY=0 (the default), a forged X-Forwarded-For changes nothing", async () => {
    const server = await startServer();
    try {
      const first = await trackUntilLimited(server, "203.0.113.7");
      expect(first[10]).toBe(429);
      const forged = await raw(server.baseUrl, {
        method: "POST",
        path: "/track",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "198.51.100.9" },
        body: "intent=track&reference=IMMD-2611-00001-A&contact=nobody%40example.com",
      });
      expect(forged.status).toBe(429);
    } finally {
      await server.stop();
    }
  });
});
