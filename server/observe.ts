/**
 * The first thing every request meets in the web process, in one middleware so that it costs
 * one closure and a few counters (ADR 0015, README "Metrics"):
 * - a request id: `X-Request-Id` on every response, `reqId` on every log line (request-context);
 * - Prometheus metrics: requests by method, route template and status, their duration, requests
 *   in flight and shed; `GET /metrics` for a caller with the METRICS_TOKEN;
 * - load shedding: at most MAX_IN_FLIGHT requests are handled at once; up to as many more wait
 *   at most SHED_QUEUE_MS for a place; the rest get 503 with Retry-After at once (a refused
 *   survey answer comes back to the citizen with a button to send it again). Health, metrics
 *   and static files are never shed.
 */
import { performance } from "node:perf_hooks";
import type express from "express";
import { localeFromAcceptLanguage, matchLocale, resources } from "../app/i18n";
import { LOCALE_COOKIE, readCookie } from "../app/utils/cookies.server";
import {
  client,
  metricsAuthorized,
  metricsText,
  registry,
  startDefaultMetrics,
} from "../app/utils/metrics.server";
import { requestContext, requestIdFrom } from "../app/utils/request-context.server";
import { plainErrorPage } from "./edge";

export interface ObserveOptions {
  /** requests handled at once (0: no limit) */
  maxInFlight: number;
  /** how long a request beyond maxInFlight may wait for a place before it gets 503 */
  shedQueueMs: number;
  /** how many may wait (default maxInFlight) */
  maxQueued?: number;
  metricsToken?: string;
  /** the body cap for reading a refused survey answer back */
  bodyLimitBytes: number;
}

// ---- Route templates: a bounded label from the path, without asking Remix's router ----

/** Literal path segments of our routes (app/routes/*); anything else in a path is a parameter. */
const LITERALS = new Set(
  (
    "v1 api responses batch surveys transactions admin api-keys audit case-settings outbox pledges " +
    "import queues services staff new preview central closure-days departments imports overview " +
    "complaints submitted feedback healthz locale reports government s thanks cases attachments " +
    "account confirm-email forgot-password reset-password sign-in sign-out export paper qr results " +
    "track metrics build"
  ).split(" "),
);
/** A parameter's name after the literal that precedes it. */
const PARAM_AFTER: Record<string, string> = {
  s: ":slug",
  pledges: ":dept",
  departments: ":code",
  attachments: ":attachmentId",
  qr: ":file",
  "confirm-email": ":token",
  "reset-password": ":token",
};
const EXTENSION = /\.(csv|json|pdf|xlsx)$/;
const FIRST = new Set([
  "",
  "s",
  "pledges",
  "complaints",
  "feedback",
  "track",
  "staff",
  "admin",
  "central",
  "reports",
  "api",
  "healthz",
  "locale",
  "metrics",
]);

/**
 * `/s/abc123` → `/s/:slug`, `/staff/cases/42` → `/staff/cases/:id`, `/pledges/HKP.json` →
 * `/pledges/:dept.json`, `/build/…` → `/build/*`; a path outside our routes → `other`.
 */
export function routeTemplate(path: string): string {
  if (path === "/") return "/";
  const parts = path.split("/");
  const first = parts[1] ?? "";
  if (first === "build") return "/build/*";
  if (!FIRST.has(first.replace(EXTENSION, ""))) return path === "/favicon.svg" ? "/favicon.svg" : "other";
  if (parts.length > 7) return "other";
  let out = "";
  let previous = "";
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === "" && i === parts.length - 1) break; // a trailing slash
    const ext = EXTENSION.exec(part)?.[0] ?? "";
    const bare = ext ? part.slice(0, -ext.length) : part;
    // /s/<slug> and /pledges/<dept> take any word; /admin/pledges/<id> is a number.
    const top = i === 2 && (previous === "s" || previous === "pledges");
    const literal = LITERALS.has(bare) && !top && previous !== "qr";
    const param = previous === "pledges" && !top ? ":id" : (PARAM_AFTER[previous] ?? ":id");
    out += `/${literal ? bare : param}${ext}`;
    previous = literal ? bare : "";
  }
  return out || "/";
}

// ---- Metrics ----

interface HttpMetrics {
  requests: client.Counter<"method" | "route" | "status">;
  duration: client.Histogram<"method" | "route" | "status">;
  inFlight: client.Gauge;
  queued: client.Gauge;
  shed: client.Counter<"route">;
}

let http: HttpMetrics | undefined;
function httpMetrics(): HttpMetrics {
  startDefaultMetrics();
  http ??= {
    requests: new client.Counter({
      name: "pledge_http_requests_total",
      help: "HTTP requests answered, by method, route template and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: "pledge_http_request_duration_seconds",
      help: "Time from a request's arrival to its answer's end, including any wait for a place",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new client.Gauge({
      name: "pledge_http_requests_in_flight",
      help: "Requests being handled now (not counting those waiting for a place)",
      registers: [registry],
    }),
    queued: new client.Gauge({
      name: "pledge_http_requests_queued",
      help: "Requests waiting for a place (MAX_IN_FLIGHT reached)",
      registers: [registry],
    }),
    shed: new client.Counter({
      name: "pledge_http_requests_shed_total",
      help: "Requests refused with 503 because the process was at capacity",
      labelNames: ["route"],
      registers: [registry],
    }),
  };
  return http;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Label children per (method, route, status): found once, then a map lookup per request. */
type Labels = "method" | "route" | "status";
const children = new Map<
  string,
  { count: client.Counter.Internal; time: client.Histogram.Internal<Labels> }
>();
function record(m: HttpMetrics, method: string, route: string, status: number, seconds: number) {
  const key = `${method} ${route} ${status}`;
  let c = children.get(key);
  if (!c) {
    const labels = { method: METHODS.has(method) ? method : "other", route, status: String(status) };
    c = { count: m.requests.labels(labels), time: m.duration.labels(labels) };
    children.set(key, c);
  }
  c.count.inc();
  c.time.observe(seconds);
}

// ---- Load shedding ----

function neverShed(path: string): boolean {
  return (
    path === "/healthz" ||
    path === "/metrics" ||
    path.startsWith("/build/") ||
    path === "/favicon.svg" ||
    path === "/robots.txt"
  );
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function localeOf(req: express.Request) {
  return (
    matchLocale(readCookie(req.headers.cookie, LOCALE_COOKIE)) ??
    localeFromAcceptLanguage(req.headers["accept-language"]) ??
    "en"
  );
}

/** The refused survey answer, as hidden fields of a form that sends it again to the same address. */
function sendAgainPage(req: express.Request, fields: URLSearchParams, path: string): string {
  const locale = localeOf(req);
  const e = resources[locale].common.errors["503"];
  const inputs = [...fields]
    .map(([k, v]) => `<input type="hidden" name="${escapeAttr(k)}" value="${escapeAttr(v)}">`)
    .join("");
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeAttr(e.title)}</title></head><body><main><h1>${escapeAttr(e.title)}</h1><p>${escapeAttr(e.answersKept)}</p><form method="post" action="${escapeAttr(path)}">${inputs}<button type="submit">${escapeAttr(e.sendAgain)}</button></form></main></body></html>`;
}

/** Reads a form body up to `limit` bytes; null past it or on error. */
function readBody(req: express.Request, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(null));
  });
}

const SURVEY_POST = /^\/s\/[^/]+\/?$/;

async function refuse(req: express.Request, res: express.Response, path: string, options: ObserveOptions) {
  res.setHeader("Retry-After", String(Math.max(1, Math.ceil(options.shedQueueMs / 1000))));
  res.setHeader("Cache-Control", "no-store");
  if (path.startsWith("/api/")) {
    res.status(503).json({ error: { code: "overloaded", message: resources.en.common.errors["503"].title } });
    return;
  }
  const type = String(req.headers["content-type"] ?? "");
  if (
    req.method === "POST" &&
    SURVEY_POST.test(path) &&
    type.startsWith("application/x-www-form-urlencoded")
  ) {
    const body = await readBody(req, options.bodyLimitBytes);
    if (body !== null && !res.headersSent) {
      res
        .status(503)
        .type("html")
        .send(sendAgainPage(req, new URLSearchParams(body), path));
      return;
    }
  }
  if (!res.headersSent) {
    // The connection may carry the client's next request: let Node drop an unread body.
    res.setHeader("Connection", req.complete ? "keep-alive" : "close");
    res.status(503).type("html").send(plainErrorPage(req, 503));
  }
}

/** The web process's first middleware (see the top of this file). */
export function observe(options: ObserveOptions): express.RequestHandler {
  const m = httpMetrics();
  const max = options.maxInFlight > 0 ? options.maxInFlight : Number.POSITIVE_INFINITY;
  const maxQueued = options.maxQueued ?? options.maxInFlight;
  let active = 0;
  const waiting: Array<{ admit: () => void; timer: NodeJS.Timeout }> = [];

  const release = () => {
    active -= 1;
    m.inFlight.dec();
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      m.queued.dec();
      next.admit();
    }
  };

  return (req, res, next) => {
    const started = performance.now();
    const reqId = requestIdFrom(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", reqId);
    const url = req.url;
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    let admitted = false;
    let shed = false;
    let entry: { admit: () => void; timer: NodeJS.Timeout } | undefined;
    res.once("close", () => {
      if (admitted) release();
      let status = res.statusCode;
      if (entry && !admitted && !shed) {
        // The client gave up while waiting for a place: its place in the queue is freed.
        const i = waiting.indexOf(entry);
        if (i >= 0) {
          waiting.splice(i, 1);
          clearTimeout(entry.timer);
          m.queued.dec();
        }
        status = 499;
      }
      const route = routeTemplate(path);
      if (shed) m.shed.labels(route).inc();
      record(m, req.method, route, status, (performance.now() - started) / 1000);
    });

    const run = () => requestContext.run({ reqId }, next);

    if (path === "/metrics" && req.method === "GET") {
      if (!metricsAuthorized(options.metricsToken, req.headers.authorization)) return run(); // the 404 page
      metricsText().then(
        ({ contentType, body }) => {
          res.setHeader("Cache-Control", "no-store");
          res.status(200).type(contentType).send(body);
        },
        (e: unknown) => next(e),
      );
      return;
    }
    if (active < max || neverShed(path)) {
      admitted = true;
      active += 1;
      m.inFlight.inc();
      return run();
    }
    const refuseNow = () => {
      shed = true;
      void requestContext.run({ reqId }, () => refuse(req, res, path, options)).catch(() => res.destroy());
    };
    if (waiting.length >= maxQueued || options.shedQueueMs <= 0) return refuseNow();
    const waiter = {
      admit: () => {
        // A place is ours from here (release() already freed it for us).
        active += 1;
        m.inFlight.inc();
        admitted = true;
        run();
      },
      timer: setTimeout(() => {
        const i = waiting.indexOf(waiter);
        if (i >= 0) waiting.splice(i, 1);
        m.queued.dec();
        refuseNow();
      }, options.shedQueueMs),
    };
    entry = waiter;
    waiting.push(waiter);
    m.queued.inc();
  };
}
