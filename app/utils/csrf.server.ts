import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { CSRF_COOKIE, readCookie } from "./cookies.server";
import { logger } from "./logger.server";

export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function newCsrfToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function isWellFormedCsrfToken(value: string | undefined): value is string {
  return typeof value === "string" && TOKEN_RE.test(value);
}

/** The Set-Cookie header value for a new CSRF token (double-submit cookie, OWASP CSRF cheat sheet). */
export function csrfCookieHeader(token: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The origin this app is served from: APP_ORIGIN when set, else the request's own. */
export function expectedOrigin(request: Request, context: AppLoadContext): string {
  return context.env.APP_ORIGIN ?? new URL(request.url).origin;
}

function refuse(originOk: boolean, tokenOk: boolean): never {
  logger.warn({ originOk, tokenOk }, "CSRF check refused a request");
  throw new Response(JSON.stringify({ code: "csrf" }), {
    status: 403,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

function sentFromOurOrigin(request: Request, context: AppLoadContext): boolean {
  const expected = expectedOrigin(request, context);
  const origin = request.headers.get("origin");
  const referer = request.headers.get("referer");
  let from: string | null = null;
  if (origin && origin !== "null") from = origin;
  else if (referer) {
    try {
      from = new URL(referer).origin;
    } catch {
      from = null;
    }
  }
  return from === expected;
}

/**
 * The half of the CSRF check that needs no body: the request's Origin (or, failing that, Referer)
 * is ours. Routes that take large uploads call it before reading the body, then assertCsrf.
 */
export function assertSameOrigin(request: Request, context: AppLoadContext): void {
  if (!sentFromOurOrigin(request, context)) refuse(false, false);
}

/**
 * Refuses a state-changing request unless it comes from our own pages: its Origin (or, failing
 * that, Referer) must be ours, and the token in the form or header must match the CSRF cookie.
 * Throws 403; call it before reading or writing anything else.
 */
export function assertCsrf(request: Request, context: AppLoadContext, form?: FormData): void {
  const originOk = sentFromOurOrigin(request, context);
  const cookieToken = readCookie(request.headers.get("cookie"), CSRF_COOKIE);
  const field = form?.get(CSRF_FIELD);
  const sent = typeof field === "string" ? field : request.headers.get(CSRF_HEADER);
  const tokenOk =
    isWellFormedCsrfToken(cookieToken) &&
    typeof sent === "string" &&
    sent.length === cookieToken.length &&
    crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(cookieToken));
  if (!originOk || !tokenOk) refuse(originOk, tokenOk);
}
