/**
 * The JSON API's envelope: answers, problems, the body reader and the Idempotency-Key header.
 * Shared by every /api/v1 route; integrators read these messages, so they are in English.
 */

/** One thing wrong with a request, in English (integrators read it, not citizens). */
export interface ApiProblem {
  code: string;
  message: string;
  field?: string;
}

/** Status and JSON body of an API answer; routes turn it into a Response. */
export interface ApiResult {
  status: number;
  body: unknown;
}

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** `{ "error": { code, message, field? } }`, plus anything in `extra` (the list of errors). */
export function apiError(
  status: number,
  problem: ApiProblem,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return apiJson({ error: problem, ...extra }, status, headers);
}

export function methodNotAllowed(allow: string): Response {
  return apiError(
    405,
    { code: "method_not_allowed", message: `This address accepts ${allow} only.` },
    {},
    { Allow: allow },
  );
}

function tooLarge(limit: number): Response {
  return apiError(413, {
    code: "body_too_large",
    message: `The body is larger than ${limit / (1024 * 1024)} MB. Send fewer responses at a time.`,
  });
}

/**
 * The JSON body, read up to `limit` bytes: a declared Content-Length over it is refused before
 * reading, and a body that grows past it (chunked) is refused when it does. Throws 413 or 400.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
    return JSON.parse(text);
  } catch {
    throw apiError(400, { code: "invalid_json", message: "The body is not valid JSON in UTF-8." });
  }
}

const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_-]{8,100}$/;

/** The batch's Idempotency-Key header, or a thrown 400. */
export function requireIdempotencyKey(request: Request): string {
  const key = request.headers.get("idempotency-key");
  if (key && IDEMPOTENCY_KEY_RE.test(key)) return key;
  throw apiError(400, {
    code: key ? "invalid_idempotency_key" : "missing_idempotency_key",
    field: "Idempotency-Key",
    message:
      "Send an Idempotency-Key header of 8 to 100 letters, digits, hyphens or underscores, new for each batch.",
  });
}
