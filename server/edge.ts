/**
 * The web process's edge, before and around Remix: the request body cap, the security headers
 * with a per-response CSP nonce, the client address behind proxies, and a last error handler
 * that never shows a stack. Express-specific, so it lives beside server.ts, not in app/.
 */
import crypto from "node:crypto";
import { Transform } from "node:stream";
import { type AppLoadContext, createReadableStreamFromReadable, type ServerBuild } from "@remix-run/node";
import type express from "express";
import { localeFromAcceptLanguage, matchLocale, resources } from "../app/i18n";
import { BodyTooLargeError } from "../app/utils/body.server";
import { LOCALE_COOKIE, readCookie } from "../app/utils/cookies.server";
import type { Env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";
import { createRouteSubsetHandler } from "../app/utils/route-subsets.server";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain error page for what is refused before or outside Remix, in the reader's language. */
export function plainErrorPage(req: express.Request, status: number): string {
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

function sendError(req: express.Request, res: express.Response, status: number, apiCode: string) {
  if (req.path.startsWith("/api/")) {
    res
      .status(status)
      .json({ error: { code: apiCode, message: resources.en.common.errors[status as 413]?.title } });
  } else res.status(status).type("html").send(plainErrorPage(req, status));
}

const LINGER_MS = 2000;

/**
 * After the answer has gone, what is left of a body no route read is read and dropped up to the
 * cap, so the connection can carry the client's next request. Past the cap (or for a body whose
 * declared length is over it) nothing more is read: the socket is half-closed and destroyed a
 * moment later. Not at once, and not through `Connection: close` (Node then closes as soon as the
 * answer is written): closing a socket with unread data resets it, and the client's kernel drops
 * our answer before the client reads it.
 */
function dropUnreadBody(req: express.Request, res: express.Response, limit: number) {
  if (req.complete) return;
  const close = () => {
    req.pause();
    req.socket.end();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  };
  res.once("finish", () => {
    req.unpipe();
    req.removeAllListeners("data");
    if (Number(req.headers["content-length"] ?? 0) > limit) return close();
    let dropped = 0;
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > limit) {
        req.removeAllListeners("data");
        close();
      }
    });
    req.resume();
  });
}

function remixHeaders(requestHeaders: express.Request["headers"]): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

/** Writes Remix's answer: its headers replace the edge's defaults of the same name (no doubles). */
async function sendRemixResponse(res: express.Response, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) {
    if (key.toLowerCase() === "set-cookie") continue;
    res.setHeader(key, value);
  }
  for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * The body into the response, waiting for "drain" when the socket's buffer is full.
 * @remix-run/node's writeReadableStreamToWritable ignores write()'s answer, so a long stream (a
 * 1,000,000-row CSV export) was pulled as fast as it could be made and piled up in memory.
 */
async function writeBody(body: ReadableStream<Uint8Array>, res: express.Response): Promise<void> {
  const reader = body.getReader();
  const flushable = res as express.Response & { flush?: () => void };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        res.end();
        return;
      }
      const more = res.write(value);
      if (typeof flushable.flush === "function") flushable.flush();
      if (!more) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
    }
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  }
}

/** 413 at once, without reading the body. */
function refuseTooLarge(req: express.Request, res: express.Response) {
  dropUnreadBody(req, res, 0);
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  sendError(req, res, 413, "body_too_large");
}

/**
 * Remix 2 refuses a form post whose Origin names another host than Host (or X-Forwarded-Host),
 * but answers that with an empty 500. A cross-site post is a client's doing, so it gets our 403
 * page here instead (the routes' own CSRF check still runs for everything that passes).
 */
function crossOriginPost(req: express.Request): boolean {
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(req.method) || req.path.startsWith("/api/")) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  let originHost: string | null;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return true;
  }
  const forwarded = String(req.headers["x-forwarded-host"] ?? "")
    .split(",")[0]
    ?.trim();
  const host = forwarded || req.headers.host;
  return !originHost || !host || originHost !== host;
}

export interface BodyLimitRule {
  path: RegExp;
  bytes: number;
  /** the larger cap only for a request with a validly signed staff session cookie */
  staffOnly?: boolean;
  /** with staffOnly: the larger cap only when that session is live and its user has one of these roles */
  roles?: readonly string[];
}

/**
 * The Remix request handler (as @remix-run/express's, whose header and response helpers it uses),
 * with the body cap built into the body stream itself: past the cap the stream stops reading and
 * errors, so a route never sees more than the cap, chunked or not, and the client gets 413.
 */
export function remixHandler(options: {
  build: ServerBuild;
  mode: string;
  /**
   * The cap for this request; `readFirst` reads the body (within the cap) before any route runs,
   * for a staff upload route asked without a staff session: past the default cap it is a 413,
   * whatever the route would have said.
   */
  limitFor: (req: express.Request) => Promise<{ bytes: number; readFirst?: boolean }>;
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext;
}): express.RequestHandler {
  // Each request is matched against only the routes that can match it (ADR 0017).
  const handle = createRouteSubsetHandler(options.build, options.mode);
  return async (req, res, next) => {
    try {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const { bytes: limit, readFirst } = hasBody ? await options.limitFor(req) : { bytes: 0 };
      if (hasBody && Number(req.headers["content-length"] ?? 0) > limit) {
        refuseTooLarge(req, res);
        return;
      }
      if (crossOriginPost(req)) {
        dropUnreadBody(req, res, limit);
        sendError(req, res, 403, "csrf");
        return;
      }
      let tooLarge = false;
      const controller = new AbortController();
      const init: RequestInit & { duplex?: "half" } = {
        method: req.method,
        headers: remixHeaders(req.headers),
        signal: controller.signal,
      };
      if (hasBody) {
        let seen = 0;
        const capped = new Transform({
          transform(chunk: Buffer, _enc, done) {
            seen += chunk.length;
            if (seen > limit) {
              tooLarge = true;
              req.unpipe(capped);
              req.pause();
              done(new BodyTooLargeError(limit));
              return;
            }
            done(null, chunk);
          },
        });
        req.pipe(capped);
        if (readFirst) {
          const chunks: Buffer[] = [];
          const whole = await new Promise<Buffer | null>((resolve) => {
            capped.on("data", (c: Buffer) => chunks.push(c));
            capped.on("end", () => resolve(Buffer.concat(chunks)));
            capped.on("error", () => resolve(null));
          });
          if (!whole) {
            refuseTooLarge(req, res);
            return;
          }
          init.body = new Uint8Array(whole);
        } else {
          init.body = createReadableStreamFromReadable(capped);
          init.duplex = "half";
        }
      }
      let finished = false;
      res.on("finish", () => {
        finished = true;
      });
      res.on("close", () => {
        if (!finished) controller.abort();
      });
      // As @remix-run/express: req.hostname respects TRUST_PROXY; the port comes from the headers.
      const portOf = (h: string | undefined) => Number.parseInt(h?.split(":")[1] ?? "", 10);
      const port = [portOf(req.get("X-Forwarded-Host")), portOf(req.get("host"))].find(Number.isSafeInteger);
      const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
      const request = new Request(url.href, init);
      const response = await handle(request, options.getLoadContext(req, res));
      if (tooLarge && response.status !== 413) {
        await response.body?.cancel().catch(() => undefined);
        refuseTooLarge(req, res);
        return;
      }
      if (hasBody) dropUnreadBody(req, res, limit);
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/** A fresh nonce for this response's inline scripts (CSP Level 3, ASVS 3.4.3). */
export function newNonce(): string {
  return crypto.randomBytes(16).toString("base64");
}

/**
 * Security headers on every answer, pages and files alike (OWASP Secure Headers; ASVS 3.4):
 * a CSP whose scripts are our own files or carry this response's nonce, no framing, forms only
 * to ourselves; HSTS when cookies are Secure (we are served over HTTPS then).
 */
export function securityHeaders(env: Env): express.RequestHandler {
  return (_req, res, next) => {
    const nonce = newNonce();
    res.locals.cspNonce = nonce;
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        // React's style props are style attributes; no inline <style> or script comes from them.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ].join("; "),
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    if (env.COOKIE_SECURE) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

/**
 * The last handler: whatever went wrong outside Remix (a malformed URL, a throw in the load
 * context) gets the plain error page, never a stack trace or a file path.
 */
export function lastErrorHandler(): express.ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status =
      typeof err?.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500)
      logger.error({ err: err instanceof Error ? err.message : String(err) }, "request failed");
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    dropUnreadBody(req, res, 0);
    sendError(req, res, status, status === 500 ? "internal" : "bad_request");
  };
}
