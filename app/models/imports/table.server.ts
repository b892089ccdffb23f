import fs from "node:fs";
import path from "node:path";
import { EncodingError, eachCsvRecord, MalformedCsvError } from "./csv-stream.server";
import { type ImportFile, type ImportProblem, MAX_ERRORS, MAX_FILE_BYTES, REQUIRED_COLUMNS } from "./format";

/*
 * One file of the folder read as a table: its header checked against the format's columns, each
 * data row handed on as a getter by column name. Problems of the file as a whole (encoding, size,
 * a missing column, a broken CSV) are added to the list; the row checks are the caller's.
 */

/** Keeps the first MAX_ERRORS problems and counts them all. */
export class Problems {
  list: ImportProblem[] = [];
  count = 0;
  add(p: ImportProblem) {
    this.count++;
    if (this.list.length < MAX_ERRORS) this.list.push(p);
  }
}

export type Row = (column: string) => string;

/** The size of each file present in the folder; a file over MAX_FILE_BYTES is a problem. */
export function filesIn(dir: string, problems: Problems): Map<ImportFile, { path: string; bytes: number }> {
  const out = new Map<ImportFile, { path: string; bytes: number }>();
  for (const file of Object.keys(REQUIRED_COLUMNS) as ImportFile[]) {
    const p = path.join(dir, file);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    if (st.size > MAX_FILE_BYTES) {
      problems.add({
        file,
        line: null,
        column: null,
        key: "tooLarge",
        values: { size: `${(st.size / 1024 ** 3).toFixed(1)} GiB` },
      });
      continue;
    }
    out.set(file, { path: p, bytes: st.size });
  }
  return out;
}

/**
 * Reads a file's rows after its header. Returns false when the file as a whole is refused (its
 * problem added): the caller then knows its rows were not all seen.
 */
export async function eachRow(
  file: ImportFile,
  filePath: string,
  problems: Problems,
  onRow: (get: Row, line: number) => void | Promise<void>,
  onBytes?: (n: number) => void,
): Promise<boolean> {
  let index: Map<string, number> | null = null;
  let width = 0;
  let whole = true;
  try {
    await eachCsvRecord(
      filePath,
      (fields, line) => {
        if (!whole) return;
        if (!index) {
          index = new Map(fields.map((f, i) => [f.trim().toLowerCase(), i] as const));
          width = fields.length;
          for (const column of REQUIRED_COLUMNS[file]) {
            if (!index.has(column)) {
              problems.add({ file, line, column, key: "missingColumn", values: { column } });
              whole = false;
            }
          }
          return;
        }
        if (fields.length !== width) {
          problems.add({
            file,
            line,
            column: null,
            key: "fieldCount",
            values: { expected: width, found: fields.length },
          });
          return;
        }
        const ix = index;
        return onRow((column) => {
          const i = ix.get(column);
          return i === undefined ? "" : (fields[i] ?? "");
        }, line);
      },
      onBytes,
    );
  } catch (e) {
    if (e instanceof EncodingError) {
      problems.add({ file, line: e.line, column: null, key: "notUtf8", values: { line: e.line } });
      return false;
    }
    if (e instanceof MalformedCsvError) {
      problems.add({ file, line: e.line, column: null, key: "malformed", values: { code: e.code } });
      return false;
    }
    throw e;
  }
  if (!index) {
    problems.add({ file, line: 1, column: null, key: "noHeader" });
    return false;
  }
  return whole;
}
