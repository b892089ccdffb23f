/**
 * The web process: Express serving the Remix build. It never starts a BullMQ worker
 * (docs/decisions/0004-worker-is-its-own-process.md).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { MAX_FILE_BYTES } from "./app/models/imports/format";
import { lookupSession } from "./app/models/staff/sessions.server";
import { CSRF_COOKIE, readCookie, sessionCookie } from "./app/utils/cookies.server";
import { csrfCookieHeader, isWellFormedCsrfToken, newCsrfToken } from "./app/utils/csrf.server";
import { type Env, loadEnv } from "./app/utils/env.server";
import { logger } from "./app/utils/logger.server";
import { poolGauge } from "./app/utils/metrics.server";
import { pgPoolOf } from "./db/client";
import { type BodyLimitRule, lastErrorHandler, remixHandler, securityHeaders } from "./server/edge";
import { observe } from "./server/observe";
import { closeServices, createServices, type Services } from "./server/services";

/** Larger bodies only where they belong; a staff upload's cap only with a signed staff session. */
function bodyLimits(env: Env): BodyLimitRule[] {
  const atLeast = (n: number) => Math.max(env.BODY_LIMIT_BYTES, n);
  return [
    // Offline batches from counter tablets, a month of transactions (API keys, read by the routes).
    { path: /^\/api\/v1\/responses\/batch$/, bytes: atLeast(5 * 1024 * 1024) },
    { path: /^\/api\/v1\/transactions$/, bytes: atLeast(2 * 1024 * 1024) },
    // A complaint with three 5 MB attachments (public).
    { path: /^\/complaints\/new$/, bytes: atLeast(16 * 1024 * 1024) },
    // A CSV import: only a department administrator's browser may send 20 MB.
    { path: /^\/admin\/pledges\/\d+\/import$/, bytes: atLeast(20 * 1024 * 1024), staffOnly: true },
    // A government's registry import (a .zip or the CSV files): 1 GiB, only for a system administrator.
    {
      path: /^\/central\/imports\/?$/,
      bytes: atLeast(MAX_FILE_BYTES + 1024 * 1024),
      staffOnly: true,
      roles: ["system_admin"],
    },
  ];
}

export async function createApp(env: Env, services: Services, build: ServerBuild) {
  const app = express();
  app.disable("x-powered-by");
  // The client's address from X-Forwarded-For only through the proxies we were told of (README).
  app.set("trust proxy", env.TRUST_PROXY);
  // Request id, metrics and load shedding first: every answer is counted, even a refused one.
  app.use(
    observe({
      maxInFlight: env.MAX_IN_FLIGHT,
      shedQueueMs: env.SHED_QUEUE_MS,
      metricsToken: env.METRICS_TOKEN,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
    }),
  );
  app.use(securityHeaders(env));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h", index: false }));
  const rules = bodyLimits(env);
  app.all(
    "*",
    remixHandler({
      build,
      mode: env.NODE_ENV === "development" ? "development" : "production",
      async limitFor(req) {
        const rule = rules.find((r) => r.path.test(req.path));
        if (!rule) return { bytes: env.BODY_LIMIT_BYTES };
        if (!rule.staffOnly) return { bytes: rule.bytes };
        const token = await sessionCookie(env)
          .parse(req.headers.cookie ?? null)
          .catch(() => null);
        if (typeof token !== "string" || !token) return { bytes: env.BODY_LIMIT_BYTES, readFirst: true };
        if (rule.roles) {
          // Checked against the database before a byte of the body is read (the route checks again).
          const found = await lookupSession(services.db, token, env.SESSION_IDLE_MINUTES).catch(() => null);
          if (found?.status !== "valid" || !rule.roles.includes(found.user.role))
            return { bytes: env.BODY_LIMIT_BYTES, readFirst: true };
        }
        return { bytes: rule.bytes };
      },
      getLoadContext(req, res) {
        // Double-submit CSRF cookie: every browser gets a token before its first form.
        let csrfToken = readCookie(req.headers.cookie, CSRF_COOKIE);
        // The JSON API authenticates with keys, not cookies: it needs no CSRF token.
        if (!isWellFormedCsrfToken(csrfToken) && !req.path.startsWith("/api/")) {
          csrfToken = newCsrfToken();
          res.append("Set-Cookie", csrfCookieHeader(csrfToken, env.COOKIE_SECURE));
        }
        return {
          ...services,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
          csrfToken: csrfToken ?? "",
          cspNonce: String(res.locals.cspNonce ?? ""),
        };
      },
    }),
  );
  app.use(lastErrorHandler());
  return app;
}

async function main() {
  process.env.PLEDGE_PROCESS ??= "web";
  // Production unless said otherwise: Express and React read NODE_ENV, and in development Express
  // answers an error with its stack.
  process.env.NODE_ENV ??= "production";
  const env = loadEnv();
  const services = createServices(env);
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const pool = pgPoolOf(services.db);
  if (pool) poolGauge(pool);
  const app = await createApp(env, services, build);
  const server = app.listen(env.PORT, env.HOST, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : env.PORT;
    // Tests read this line to find the port when PORT=0.
    console.log(`Pledge web listening on http://localhost:${port}`);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "web shutting down");
    server.close(() => {
      closeServices(services).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
