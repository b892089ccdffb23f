import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { bodyReadError, inPieces } from "../../utils/body.server";
import { IMPORT_FILES, MAX_FILE_BYTES, UPLOAD_FIELD } from "./format";
import { importDir, importsRoot } from "./registry-imports.server";

/*
 * The upload of an import's files (one .zip, or the .csv files): each file part is streamed to
 * disk under DATA_DIR/imports/ as it arrives, never held in the web process's memory; a part over
 * MAX_FILE_BYTES ends the upload. Text fields (the CSRF token) are small and kept in memory.
 */

/** An accepted file name: one of the import's six, or a .zip. */
export function acceptedName(filename: string | undefined): string | null {
  const base = (filename ?? "").split(/[\\/]/).pop()?.trim().toLowerCase() ?? "";
  if ((IMPORT_FILES as readonly string[]).includes(base)) return base;
  if (/^[\p{L}\p{N} ._()-]{1,100}\.zip$/u.test(base)) return "upload.zip";
  return null;
}

export type ReceivedUpload =
  | { ok: true; form: FormData; incoming: string; files: { name: string; bytes: number }[] }
  | { ok: false; form: FormData | null; error: "tooLarge" | "noFile" | "oneZip" };

/** Streams a multipart upload's files into a new folder; the caller moves or discards it. */
export async function receiveImportUpload(request: Request, dataDir: string): Promise<ReceivedUpload> {
  const incoming = path.join(importsRoot(dataDir), `incoming-${crypto.randomBytes(8).toString("hex")}`);
  fs.mkdirSync(incoming, { recursive: true });
  const handler = unstable_composeUploadHandlers(
    unstable_createFileUploadHandler({
      directory: incoming,
      maxPartSize: MAX_FILE_BYTES,
      avoidFileConflicts: false,
      file: ({ filename }) => acceptedName(filename) ?? "ignored",
      filter: ({ name, filename }) => name === UPLOAD_FIELD && acceptedName(filename) !== null,
    }),
    // Text fields only: a file part that was not accepted above is dropped, not kept in memory.
    unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024, filter: ({ filename }) => !filename }),
  );
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request.body ? inPieces(request) : request, handler);
  } catch (e) {
    fs.rmSync(incoming, { recursive: true, force: true });
    if (e instanceof MaxPartSizeExceededError) return { ok: false, form: null, error: "tooLarge" };
    // A malformed body, or one past the web server's cap: 400 or 413, nothing of it kept.
    throw bodyReadError(e);
  }
  const files = fs
    .readdirSync(incoming)
    .map((name) => ({ name, bytes: fs.statSync(path.join(incoming, name)).size }));
  const nonEmpty = files.filter((f) => f.bytes > 0);
  if (nonEmpty.length === 0) {
    fs.rmSync(incoming, { recursive: true, force: true });
    return { ok: false, form, error: "noFile" };
  }
  if (nonEmpty.some((f) => f.name.endsWith(".zip")) && nonEmpty.length > 1) {
    fs.rmSync(incoming, { recursive: true, force: true });
    return { ok: false, form, error: "oneZip" };
  }
  return { ok: true, form, incoming, files: nonEmpty };
}

/** Gives the uploaded folder to its import (DATA_DIR/imports/<id>/). */
export function adoptUpload(dataDir: string, incoming: string, id: number): void {
  fs.renameSync(incoming, importDir(dataDir, id));
}

/** Removes an upload that will not be imported (a failed CSRF check). */
export function discardUpload(incoming: string): void {
  fs.rmSync(incoming, { recursive: true, force: true });
}
