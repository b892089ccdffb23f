/** Errors as responses (epic-stack): thrown from loaders and actions, shown by ErrorBoundaries. */
function jsonError(status: number, code: string): Response {
  return new Response(JSON.stringify({ code }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

export const badRequest = (code = "badRequest") => jsonError(400, code);
export const unauthorized = (code = "unauthorized") => jsonError(401, code);
export const forbidden = (code = "forbidden") => jsonError(403, code);
export const notFound = (code = "notFound") => jsonError(404, code);

const HERE = "http://pledge.invalid";

/**
 * A path on this site to go back to after sign-in; anything else becomes the fallback. The value
 * is parsed as a browser would (which drops tabs and newlines and reads `\\` as `/`), and only a
 * path that stays on this origin is kept, re-serialised from the parse (ASVS 5.1.5).
 */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/staff",
): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.length > 2048) return fallback;
  // Control characters and backslashes have no place in a path of ours.
  for (const ch of to)
    if (ch === "\\" || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return fallback;
  let url: URL;
  try {
    url = new URL(to, HERE);
  } catch {
    return fallback;
  }
  if (url.origin !== HERE) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("//") ? fallback : path;
}
