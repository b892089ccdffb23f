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

/** A path on this site to go back to after sign-in; anything else becomes the fallback. */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/staff",
): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\"))
    return fallback;
  return to;
}
