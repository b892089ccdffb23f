import http from "node:http";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../setup/server";
import { until } from "../setup/wait";

/**
 * Issue 13, "Bad input": beyond capacity the web process sheds load with 503 + Retry-After (a
 * bounded queue per process) rather than answering everything late; a refused survey answer
 * comes back to the citizen; nothing acknowledged is lost (server/observe.ts, ADR 0015).
 */
const MAX_IN_FLIGHT = 4;
const SHED_QUEUE_MS = 2000;
const TOKEN = "metrics-token-for-tests-0123456789";
/** A survey of the template with a free-text question (q21): each answer carries its own marker. */
const SLUG = "immdcsat";

describe("load shedding", () => {
  let server: RunningServer;
  let versionId: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  beforeAll(async () => {
    server = await startServer({
      MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      SHED_QUEUE_MS: String(SHED_QUEUE_MS),
      METRICS_TOKEN: TOKEN,
      SURVEY_RATE_PER_ADDRESS: "1000000",
      SURVEY_RATE_PER_POINT: "1000000",
    });
    const page = await (await fetch(`${server.baseUrl}/s/${SLUG}`)).text();
    versionId = /name="versionId" value="(\d+)"/.exec(page)?.[1] ?? "";
    expect(page).toContain('name="q21"');
  }, 60_000);
  afterAll(async () => {
    agent.destroy();
    await server?.stop();
  });

  interface Answer {
    status: number;
    ms: number;
    headers: http.IncomingHttpHeaders;
    body: string;
  }
  const send = (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Answer> => {
    const url = new URL(server.baseUrl);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  };
  const answerBody = (marker: string) => new URLSearchParams({ versionId, q17: "4", q21: marker }).toString();
  const postAnswer = (marker: string) =>
    send("POST", `/s/${SLUG}`, { "Content-Type": "application/x-www-form-urlencoded" }, answerBody(marker));
  const metric = async (series: string) => {
    const text = await (
      await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).text();
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  /** Requests whose bodies never end: each holds a place (or waits for one) until destroyed. */
  const hold = (n: number) =>
    Array.from({ length: n }, () => {
      const url = new URL(server.baseUrl);
      const req = http.request({
        host: "127.0.0.1",
        port: url.port,
        method: "POST",
        path: `/s/${SLUG}`,
        agent: false,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      });
      req.on("error", () => undefined);
      req.write("q17=");
      return req;
    });

  it("at capacity with a full queue: 503 + Retry-After at once, in the reader's language, JSON for the API, the answers back", async () => {
    const held = hold(2 * MAX_IN_FLIGHT);
    try {
      await until("every place taken and the queue full", async () => {
        return (
          (await metric("pledge_http_requests_in_flight")) === MAX_IN_FLIGHT &&
          (await metric("pledge_http_requests_queued")) === MAX_IN_FLIGHT
        );
      });
      const page = await send("GET", "/", { "Accept-Language": "zh-HK" });
      expect(page.status).toBe(503);
      expect(Number(page.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(page.body).toContain("系統現時非常繁忙");
      expect(page.ms).toBeLessThan(SHED_QUEUE_MS);

      const api = await send("GET", "/api/v1/surveys");
      expect(api.status).toBe(503);
      expect(api.headers["retry-after"]).toBeTruthy();
      expect(JSON.parse(api.body)).toMatchObject({ error: { code: "overloaded" } });

      // The citizen's answers come back, with a button that sends them again.
      const refused = await postAnswer('shed-refused-<once> & "quoted"');
      expect(refused.status).toBe(503);
      expect(refused.headers["retry-after"]).toBeTruthy();
      expect(refused.body).toContain(`<form method="post" action="/s/${SLUG}">`);
      expect(refused.body).toContain('name="q21" value="shed-refused-&#60;once&#62; &#38; &#34;quoted&#34;"');
      expect(refused.body).toContain(`name="versionId" value="${versionId}"`);
      expect(refused.body).toContain("Send again");

      // Health and metrics are never shed.
      expect((await send("GET", "/healthz")).status).toBe(200);
      expect(await metric('pledge_http_requests_shed_total{route="/s/:slug"}')).toBeGreaterThanOrEqual(1);
    } finally {
      for (const r of held) r.destroy();
    }
    await until("the places free again", async () => (await metric("pledge_http_requests_in_flight")) === 0);

    // "Send again": the same fields, now accepted.
    const again = await postAnswer('shed-refused-<once> & "quoted"');
    expect(again.status).toBe(302);
  });

  it("at twice the capacity: no request waits past the limit, every acknowledged answer is stored once", async () => {
    const clients = 4 * MAX_IN_FLIGHT; // places + queue = 2 × MAX_IN_FLIGHT; twice that
    const until_ = Date.now() + 5000;
    const results: Array<{ marker: string; a: Answer }> = [];
    const run = async (c: number) => {
      for (let i = 0; Date.now() < until_; i++) {
        const marker = `shed-load-${c}-${i}`;
        results.push({ marker, a: await postAnswer(marker) });
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => run(c)));

    const acknowledged = results.filter((r) => r.a.status === 302);
    const refused = results.filter((r) => r.a.status === 503);
    const other = results.filter((r) => r.a.status !== 302 && r.a.status !== 503);
    expect(other.map((r) => r.a.status)).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.a.headers["retry-after"]).toBeTruthy();
      expect(r.a.body).toContain(`value="${r.marker}"`);
      // Refused at once or after at most SHED_QUEUE_MS in the queue (plus this busy machine's slack).
      expect(r.a.ms).toBeLessThan(SHED_QUEUE_MS + 1500);
    }

    const db = new Database(server.dbPath, { readonly: true });
    try {
      const stored = new Map(
        (
          db
            .prepare(
              "SELECT value_text AS v, count(*) AS n FROM survey_answers WHERE value_text LIKE 'shed-load-%' GROUP BY value_text",
            )
            .all() as Array<{ v: string; n: number }>
        ).map((r) => [r.v, r.n]),
      );
      for (const r of acknowledged) expect(stored.get(r.marker), r.marker).toBe(1);
      for (const r of refused) expect(stored.get(r.marker), r.marker).toBeUndefined();
    } finally {
      db.close();
    }
    console.log(
      `load shedding: ${results.length} answers from ${clients} clients in 5 s: ${acknowledged.length} stored, ${refused.length} refused (slowest refusal ${Math.round(Math.max(...refused.map((r) => r.a.ms)))} ms)`,
    );
  }, 60_000);
});
