import crypto from "node:crypto";
import { type UploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { assertFormContentType, bodyReadError, withoutControlCharacters } from "../../utils/body.server";
import { badRequest } from "../../utils/http.server";
import { ATTACHMENT_LIMITS, E } from "./schema";

/*
 * Citizens' uploads: a bounded multipart parser and a file-type check from the file's own bytes.
 * The browser's file name and Content-Type are whatever the sender says, so neither decides what
 * a file is (OWASP File Upload Cheat Sheet, "File Signature Validation"; ASVS 12.2.1).
 */

/** A file type we accept, as recognised from its first bytes. */
export interface SniffedType {
  mime: "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "application/pdf";
  ext: "jpg" | "png" | "gif" | "webp" | "pdf";
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const GIF87 = ascii("GIF87a");
const GIF89 = ascii("GIF89a");
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");
const PDF = ascii("%PDF-");

/**
 * What a file is from its magic number: JPEG, PNG, GIF, WebP or PDF, or null for anything else
 * (including an empty file). Pure: the bytes in, the type out.
 */
export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, JPEG)) return { mime: "image/jpeg", ext: "jpg" };
  if (startsWith(bytes, PNG)) return { mime: "image/png", ext: "png" };
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return { mime: "image/gif", ext: "gif" };
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return { mime: "image/webp", ext: "webp" };
  if (startsWith(bytes, PDF)) return { mime: "application/pdf", ext: "pdf" };
  return null;
}

/** The types sniffFileType recognises: the only ones an attachment is ever served as. */
const SNIFFED_MIMES: ReadonlySet<string> = new Set<SniffedType["mime"]>([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "application/pdf",
]);

/**
 * The name an accepted upload is stored under: 32 random hex digits and the extension of its
 * sniffed type (`3f9c…e1.png`). Nothing of the citizen's file name reaches the filesystem.
 */
export function newStoredName(type: SniffedType): string {
  return `${crypto.randomBytes(16).toString("hex")}.${type.ext}`;
}

/**
 * Whether a stored name is one we make: a token of letters, digits, `_` or `-`, optionally with
 * one of our extensions. No separator and no other dot, so no `..`: anything else never reaches
 * the filesystem.
 */
export function isStoredName(name: string): boolean {
  return /^[A-Za-z0-9_-]+(?:\.(?:jpg|png|gif|webp|pdf))?$/.test(name);
}

/**
 * The Content-Type to serve a stored attachment with: its sniffed type when it is one we accept,
 * else application/octet-stream, so a stored value can never make a browser render HTML or script.
 */
export function servedContentType(mime: string): string {
  return SNIFFED_MIMES.has(mime) ? mime : "application/octet-stream";
}

/** A file part as received: its name as the browser gave it, and its bytes (at most the limit). */
export interface UploadedFile {
  name: string;
  size: number;
  bytes: Uint8Array;
}

export interface UploadLimits {
  /** the form field that carries files; file parts under other names are dropped */
  fileField: string;
  maxFiles: number;
  maxFileBytes: number;
  /** bytes per text field: generous for 5,000 characters of Chinese (3 bytes each in UTF-8) */
  maxTextBytes: number;
  /** parts in one request: a form has a dozen fields, not thousands */
  maxParts: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  fileField: "attachment",
  maxFiles: ATTACHMENT_LIMITS.count,
  maxFileBytes: ATTACHMENT_LIMITS.bytes,
  maxTextBytes: 32 * 1024,
  maxParts: 40,
};

export interface ParsedUpload {
  /** the text fields */
  form: FormData;
  /** the non-empty file parts, each within the size limit (at most maxFiles of them) */
  files: UploadedFile[];
  /** field → translation key, for limits broken while reading (a file too large, too many files) */
  errors: Record<string, string>;
}

class TooManyParts extends Error {}

/**
 * Reads a multipart form without ever holding more than the limits allow: a file part is kept
 * only while it is within maxFileBytes; past that its remaining bytes are read and dropped (the
 * web server's body limit bounds how many), so the form's text still comes back to the citizen
 * with "this file is too large" rather than a lost page. A text field past maxTextBytes gets
 * "too long". An empty file input (no file chosen: no name, no bytes) is ignored. A body that is
 * not multipart is read as an ordinary form (no files).
 */
export async function parseUploadForm(
  request: Request,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<ParsedUpload> {
  const files: UploadedFile[] = [];
  const errors: Record<string, string> = {};
  assertFormContentType(request);
  const type = request.headers.get("content-type") ?? "";
  if (!/^\s*multipart\/form-data/i.test(type)) {
    const form = await request.formData().catch((e) => {
      throw bodyReadError(e);
    });
    const text = new FormData();
    for (const [k, v] of form.entries()) if (typeof v === "string") text.append(k, v);
    return { form: withoutControlCharacters(text), files, errors };
  }

  let parts = 0;
  let fileParts = 0;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    parts++;
    if (parts > limits.maxParts) throw new TooManyParts();
    const isFile = typeof filename === "string";
    const max = isFile ? limits.maxFileBytes : limits.maxTextBytes;
    const chunks: Uint8Array[] = [];
    let size = 0;
    let over = false;
    // Drop files under other names without keeping a byte.
    const keep = !isFile || name === limits.fileField;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > max) over = true;
      if (keep && !over) chunks.push(chunk);
      else chunks.length = 0;
    }
    if (!isFile) {
      // An empty file input may arrive without a file name: it is not text either.
      if (name === limits.fileField) return undefined;
      if (over) {
        errors[name] ??= E.tooLong;
        return undefined;
      }
      return new TextDecoder().decode(concat(chunks, size));
    }
    if (!keep) return undefined;
    if (size === 0 && !filename) return undefined;
    fileParts++;
    if (fileParts > limits.maxFiles) {
      // More than allowed: counted, never kept. This error wins over "too large": either way the
      // citizen sends again, and "too many" is the one to fix first.
      errors[limits.fileField] = E.tooManyFiles;
      return undefined;
    }
    if (over) {
      errors[limits.fileField] ??= E.fileTooLarge;
      return undefined;
    }
    files.push({ name: filename ?? "", size, bytes: concat(chunks, size) });
    return undefined;
  };

  try {
    const form = withoutControlCharacters(await unstable_parseMultipartFormData(request, handler));
    return { form, files, errors };
  } catch (e) {
    if (e instanceof TooManyParts) throw badRequest();
    // A malformed body, or one past the cap: nothing of it is used.
    throw bodyReadError(e);
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
