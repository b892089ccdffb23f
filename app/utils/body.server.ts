/*
 * The one body reader every form action uses (house habit 12): a body that is not a form gets
 * 415, one that cannot be read as the form it claims to be gets 400, one past the web server's
 * cap gets 413 — each a Response the route's ErrorBoundary shows in the reader's language —
 * so no hostile body reaches `request.formData()` unguarded.
 */

/** Raised by the web server's capped body stream when a body grows past its cap. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

function errorResponse(status: number, code: string): Response {
  return new Response(JSON.stringify({ code }), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/** What a failed body read becomes: 413 past the cap, 400 for anything else unreadable. */
export function bodyReadError(e: unknown): Response {
  if (e instanceof Response) return e;
  const cause = e instanceof Error ? (e.cause ?? e) : e;
  if (e instanceof BodyTooLargeError || cause instanceof BodyTooLargeError)
    return errorResponse(413, "bodyTooLarge");
  return errorResponse(400, "badBody");
}

/** Throws 415 unless the request says it carries a form (urlencoded, or multipart with a boundary). */
export function assertFormContentType(request: Request): void {
  const type = request.headers.get("content-type") ?? "";
  if (!FORM_TYPES.test(type)) throw errorResponse(415, "unsupportedType");
  if (/^\s*multipart\//i.test(type) && !/;\s*boundary=/i.test(type)) throw errorResponse(400, "badBody");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * The form with the control characters of its text values removed (tab, line feed and carriage
 * return are kept). They are invisible and mean nothing in what a person typed, and a NUL is
 * refused by Postgres in any text: left in, a citizen's complaint would be lost to a 500.
 */
export function withoutControlCharacters(form: FormData): FormData {
  const clean = new FormData();
  for (const [k, v] of form.entries()) clean.append(k, typeof v === "string" ? v.replace(CONTROL, "") : v);
  return clean;
}

/** The submitted form, or a thrown 400/413/415 Response; never a 500 for what a client sent. */
export async function readForm(request: Request): Promise<FormData> {
  assertFormContentType(request);
  try {
    return withoutControlCharacters(await request.formData());
  } catch (e) {
    throw bodyReadError(e);
  }
}

/**
 * The request with its body in pieces of at most 64 KB. Remix's multipart parser spreads every
 * CRLF-separated piece of a chunk into one function call, so a chunk holding a whole CSV file of
 * 100,000 CRLF lines overflows the stack. A socket delivers 64 KB chunks, but a body handed over
 * in one piece (by a proxy, an adapter or a test) would not.
 */
export function inPieces(request: Request, size = 64 * 1024): Request {
  const reader = request.body!.getReader();
  let pending = new Uint8Array(0);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (offset >= pending.length) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        pending = value;
        offset = 0;
      }
      const end = Math.min(offset + size, pending.length);
      controller.enqueue(pending.subarray(offset, end));
      offset = end;
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    duplex: "half",
  } as RequestInit);
}
