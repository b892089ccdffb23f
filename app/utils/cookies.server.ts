import { createCookie } from "@remix-run/node";
import type { Env } from "./env.server";

export const SESSION_COOKIE = "pledge_session";

/**
 * The session cookie's name: with the `__Host-` prefix when it is Secure, so the browser takes it
 * only from this exact host over HTTPS, with Path=/ and no Domain (ASVS 3.3.3).
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}
export const CSRF_COOKIE = "pledge_csrf";
export const LOCALE_COOKIE = "pledge_lng";

/** The language choice: not secret, so a plain value; it is checked against our languages when read. */
export function localeCookieHeader(locale: string): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax; HttpOnly`;
}

const sessionCookies = new Map<string, ReturnType<typeof createCookie>>();

/** The signed session cookie: HttpOnly, SameSite=Lax, Secure outside development. */
export function sessionCookie(env: Env) {
  const key = `${env.SESSION_SECRET}|${env.COOKIE_SECURE}`;
  let cookie = sessionCookies.get(key);
  if (!cookie) {
    cookie = createCookie(sessionCookieName(env.COOKIE_SECURE), {
      path: "/",
      sameSite: "lax",
      httpOnly: true,
      secure: env.COOKIE_SECURE,
      secrets: [env.SESSION_SECRET],
      // The browser forgets it at the absolute timeout; the server enforces both timeouts anyway.
      maxAge: env.SESSION_ABSOLUTE_HOURS * 3600,
    });
    sessionCookies.set(key, cookie);
  }
  return cookie;
}

/** Reads one cookie's value from a Cookie header; a malformed one (`%`, bad UTF-8) counts as absent. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
