import { ORIGIN } from "./context";

export interface RequestOptions {
  cookie?: string;
  csrf?: string | null;
  origin?: string | null;
  headers?: Record<string, string>;
}

/** A real GET Request as a browser would send it. */
export function getRequest(pathname: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  return new Request(`${ORIGIN}${pathname}`, { method: "GET", headers });
}

/**
 * A real form POST as our pages send it: CSRF cookie and field, same Origin. Pass csrf: null
 * to leave the token out, origin: another site to forge a cross-site post.
 */
export function postForm(
  pathname: string,
  fields: Record<string, string>,
  options: RequestOptions & { csrfToken: string },
) {
  const headers = new Headers(options.headers);
  headers.set("Content-Type", "application/x-www-form-urlencoded");
  const cookies = [`pledge_csrf=${options.csrfToken}`];
  if (options.cookie) cookies.push(options.cookie);
  headers.set("Cookie", cookies.join("; "));
  if (options.origin !== null) headers.set("Origin", options.origin ?? ORIGIN);
  const body = new URLSearchParams(fields);
  if (options.csrf !== null) body.set("csrf", options.csrf ?? options.csrfToken);
  return new Request(`${ORIGIN}${pathname}`, { method: "POST", headers, body });
}

/** The `name=value` part of a Set-Cookie header, to send back. */
export function cookieFrom(response: Response, name: string): string {
  const all = response.headers.getSetCookie?.() ?? [response.headers.get("set-cookie") ?? ""];
  const found = all.find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`No ${name} cookie in response`);
  return found.split(";")[0]!;
}

/** Runs a loader or action and returns the Response it returned or threw. */
export async function settle(fn: () => Promise<unknown>): Promise<Response> {
  try {
    const r = await fn();
    if (r instanceof Response) return r;
    return new Response(JSON.stringify(r), { status: 200, headers: { "Content-Type": "application/json" } });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
