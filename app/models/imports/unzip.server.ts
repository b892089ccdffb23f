import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { IMPORT_FILES, type ImportProblem, MAX_FILE_BYTES } from "./format";

/*
 * A .zip of the import's files unpacked into a folder, refusing what could harm the server: an
 * entry whose name climbs out of the folder or is absolute (path traversal), more than the
 * import's six files, and a zip bomb — bytes are counted as they are inflated, and past
 * MAX_FILE_BYTES for one entry or MAX_ZIP_BYTES in all the unpacking stops.
 */

/** Uncompressed bytes a zip may hold in all (six files of at most 1 GiB each). */
export const MAX_ZIP_BYTES = 6 * MAX_FILE_BYTES;
const MAX_ENTRIES = 1000;

class ZipRefused extends Error {
  constructor(readonly problem: ImportProblem) {
    super(problem.key);
  }
}

const refuse = (file: string, key: string, values?: Record<string, string | number>) =>
  new ZipRefused({ file, line: null, column: null, key, values });

/** Whether an entry's name is safe: relative, no ".." segment, no backslash or drive letter. */
export function safeEntryName(name: string): boolean {
  if (!name || name.startsWith("/") || name.includes("\\") || /^[A-Za-z]:/.test(name)) return false;
  return !name.split("/").some((part) => part === "..");
}

/**
 * Unpacks the import's files from `zipPath` into `dest` (each by its base name, folders inside the
 * zip ignored; other files skipped). Returns the names unpacked, or the problem that refused it.
 */
export async function unzipImport(
  zipPath: string,
  dest: string,
  limits: { maxTotal?: number; maxEntry?: number } = {},
): Promise<{ ok: true; files: string[] } | { ok: false; problem: ImportProblem }> {
  const zipName = path.basename(zipPath);
  const maxTotal = limits.maxTotal ?? MAX_ZIP_BYTES;
  const maxEntry = limits.maxEntry ?? MAX_FILE_BYTES;
  fs.mkdirSync(dest, { recursive: true });
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings false: yauzl's own name check would end the whole read with a bare error; ours names it.
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipPath, { lazyEntries: true, autoClose: true, decodeStrings: false }, (err, z) =>
        err || !z ? reject(err) : resolve(z),
      ),
    );
  } catch {
    return { ok: false, problem: { file: zipName, line: null, column: null, key: "zipBroken" } };
  }
  const files: string[] = [];
  let total = 0;
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", () => resolve());
      zip.on("entry", (entry: yauzl.Entry) => {
        (async () => {
          entries++;
          if (entries > MAX_ENTRIES) throw refuse(zipName, "zipTooMany");
          const raw = entry.fileName as unknown as Buffer | string;
          const name = Buffer.isBuffer(raw) ? raw.toString("utf8") : raw;
          if (!safeEntryName(name)) throw refuse(zipName, "zipUnsafe", { value: name.slice(0, 200) });
          const base = name.split("/").pop() ?? "";
          if (name.endsWith("/") || !(IMPORT_FILES as readonly string[]).includes(base)) return;
          if (files.includes(base)) throw refuse(zipName, "zipDuplicate", { value: base });
          // The header's sizes may lie: the counting below is what holds.
          if (entry.uncompressedSize > maxEntry)
            throw refuse(base, "tooLarge", { size: gib(entry.uncompressedSize) });
          const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
            zip.openReadStream(entry, (err, s) => (err || !s ? rej(err) : res(s))),
          );
          let size = 0;
          const counter = new Transform({
            transform(chunk: Buffer, _e, done) {
              size += chunk.length;
              total += chunk.length;
              if (size > maxEntry) return done(refuse(base, "tooLarge", { size: `> ${gib(maxEntry)}` }));
              if (total > maxTotal) return done(refuse(zipName, "zipBomb", { size: gib(maxTotal) }));
              done(null, chunk);
            },
          });
          await pipeline(stream, counter, fs.createWriteStream(path.join(dest, base)));
          files.push(base);
        })().then(
          () => zip.readEntry(),
          (e) => {
            zip.close();
            reject(e);
          },
        );
      });
      zip.readEntry();
    });
  } catch (e) {
    if (e instanceof ZipRefused) return { ok: false, problem: e.problem };
    return { ok: false, problem: { file: zipName, line: null, column: null, key: "zipBroken" } };
  }
  return { ok: true, files };
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
