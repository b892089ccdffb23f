/**
 * The web process: Express serving the Remix build. It never starts a BullMQ worker
 * (docs/decisions/0004-worker-is-its-own-process.md).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { localeFromAcceptLanguage, matchLocale, resources } from "./app/i18n";
import { CSRF_COOKIE, LOCALE_COOKIE, readCookie } from "./app/utils/cookies.server";
import { csrfCookieHeader, isWellFormedCsrfToken, newCsrfToken } from "./app/utils/csrf.server";
import { type Env, loadEnv } from "./app/utils/env.server";
import { logger } from "./app/utils/logger.server";
import { closeServices, createServices, type Services } from "./app/utils/services.server";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain error page for what is refused before Remix runs (oversized bodies), in the reader's language. */
function plainErrorPage(req: express.Request, status: number): string {
  const locale =
    matchLocale(readCookie(req.headers.cookie, LOCALE_COOKIE)) ??
    localeFromAcceptLanguage(req.headers["accept-language"]) ??
    "en";
  const errors = resources[locale].common.errors as unknown as Record<
    string,
    { title: string; body: string }
  >;
  const e = errors[String(status)] ?? errors["500"]!;
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(e.title)}</title></head><body><main><h1>${escapeHtml(e.title)}</h1><p>${escapeHtml(e.body)}</p><p><a href="/">${escapeHtml(resources[locale].common.errors.backHome)}</a></p></main></body></html>`;
}

/**
 * Caps request bodies: a declared length over the cap gets 413 at once; a body that grows past it
 * gets 413 when it does. The rest of the body is read and dropped (up to a hard stop), so the
 * client can finish sending and read our answer instead of a reset connection.
 */
function bodyLimit(defaultLimit: number, overrides: [RegExp, number][]): express.RequestHandler {
  const refuse = (req: express.Request, res: express.Response, limit: number) => {
    const hardStop = Math.max(limit * 8, 64 * 1024 * 1024);
    let drained = 0;
    req.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > hardStop) req.destroy();
    });
    req.resume();
    if (res.headersSent) return;
    if (req.path.startsWith("/api/")) {
      res
        .status(413)
        .json({ error: { code: "body_too_large", message: `The request body is over ${limit} bytes.` } });
    } else res.status(413).type("html").send(plainErrorPage(req, 413));
  };
  return (req, res, next) => {
    const limit = overrides.find(([re]) => re.test(req.path))?.[1] ?? defaultLimit;
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      refuse(req, res, limit);
      return;
    }
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        req.off("data", count);
        refuse(req, res, limit);
      }
    };
    req.on("data", count);
    next();
  };
}

export async function createApp(env: Env, services: Services, build: ServerBuild) {
  const app = express();
  app.disable("x-powered-by");
  // Larger bodies only where they belong: offline batches from counter tablets, a complaint with
  // three 5 MB attachments, a month of transactions as CSV.
  const atLeast = (n: number) => Math.max(env.BODY_LIMIT_BYTES, n);
  app.use(
    bodyLimit(env.BODY_LIMIT_BYTES, [
      [/^\/api\/v1\/responses\/batch$/, atLeast(5 * 1024 * 1024)],
      [/^\/api\/v1\/transactions$/, atLeast(2 * 1024 * 1024)],
      [/^\/complaints\/new$/, atLeast(16 * 1024 * 1024)],
      [/^\/admin\/pledges\/\d+\/import$/, atLeast(20 * 1024 * 1024)],
    ]),
  );
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV === "development" ? "development" : "production",
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
          clientAddress: req.socket.remoteAddress ?? "unknown",
          csrfToken: csrfToken ?? "",
        };
      },
    }),
  );
  return app;
}

async function main() {
  process.env.PLEDGE_PROCESS ??= "web";
  const env = loadEnv();
  const services = createServices(env);
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
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
