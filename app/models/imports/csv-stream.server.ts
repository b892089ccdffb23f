import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";

/*
 * Reading one CSV file of the registry import as a stream: bytes are checked as UTF-8 chunk by
 * chunk (a fatal TextDecoder; a Big5 or UTF-16 file is refused with the line of its first bad
 * byte), then parsed by csv-parse record by record. Never more than a chunk and a record in memory.
 */

const CHUNK = 1024 * 1024;

/** A file that is not UTF-8: the line (1-based) of its first bad byte. */
export class EncodingError extends Error {
  constructor(readonly line: number) {
    super(`not UTF-8 at line ${line}`);
  }
}

/** A file csv-parse cannot read (an unclosed quote): its line and csv-parse's code. */
export class MalformedCsvError extends Error {
  constructor(
    readonly line: number | null,
    readonly code: string,
  ) {
    super(`malformed CSV at line ${line}: ${code}`);
  }
}

function newlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) n++;
  return n;
}

/** The offset of the first byte in `bytes` that does not continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array, carried: Uint8Array): number {
  const all = new Uint8Array(carried.length + bytes.length);
  all.set(carried);
  all.set(bytes, carried.length);
  let i = 0;
  while (i < all.length) {
    const b = all[i]!;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return Math.max(0, i - carried.length);
    for (let k = 1; k <= need; k++) {
      const c = all[i + k];
      if (c === undefined) return bytes.length; // cut at the chunk's end: not (yet) wrong
      if ((c & 0xc0) !== 0x80) return Math.max(0, i - carried.length);
    }
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Calls `onRecord` with each record's fields and line (1-based; the header is line 1). Throws
 * EncodingError or MalformedCsvError; `onBytes` hears of every chunk read.
 */
export async function eachCsvRecord(
  filePath: string,
  onRecord: (fields: string[], line: number) => void | Promise<void>,
  onBytes: (n: number) => void = () => undefined,
): Promise<void> {
  async function* utf8Text() {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let lines = 1;
    let carried: Uint8Array = new Uint8Array(0);
    for await (const chunk of fs.createReadStream(filePath, { highWaterMark: CHUNK })) {
      const bytes = chunk as Buffer;
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch {
        throw new EncodingError(lines + newlines(bytes, firstInvalidUtf8(bytes, carried)));
      }
      // UTF-16 without its byte-order mark is valid UTF-8 full of NUL bytes: not a text file either.
      const nul = text.indexOf("\u0000");
      if (nul >= 0) throw new EncodingError(lines + newlines(bytes, bytes.indexOf(0)));
      lines += newlines(bytes, bytes.length);
      // The bytes of a character cut at the chunk's end, to find a bad byte's line in the next one.
      let tail = bytes.length;
      while (tail > 0 && tail > bytes.length - 4 && (bytes[tail - 1]! & 0xc0) === 0x80) tail--;
      carried = tail > 0 && bytes[tail - 1]! >= 0xc0 ? bytes.subarray(tail - 1) : new Uint8Array(0);
      onBytes(bytes.length);
      if (text) yield text;
    }
    try {
      const rest = decoder.decode();
      if (rest) yield rest;
    } catch {
      throw new EncodingError(lines);
    }
  }
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true });
  const source = Readable.from(utf8Text());
  const done = pipeline(source, parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const pending = onRecord(record, info.lines);
      if (pending) await pending;
    }
    await done;
  } catch (e) {
    await done.catch(() => undefined);
    if (e instanceof EncodingError) throw e;
    const err = e as { code?: string; lines?: number };
    if (typeof err.code === "string" && err.code.startsWith("CSV_"))
      throw new MalformedCsvError(err.lines ?? null, err.code);
    throw e;
  }
}
