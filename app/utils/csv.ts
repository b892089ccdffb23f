/*
 * CSV as RFC 4180 describes it, read without a library: `eachCsvRecord` walks a file one record at
 * a time (a 20 MB import need not be held twice), `parseCsv` keeps them all. Generic: imports
 * nothing of the app. A file that is not CSV at all throws CsvSyntaxError with a neutral problem
 * code that the caller words in its own language.
 *
 * Measured against csv-parse 7.0.3 (sync API, same options: BOM, blank lines skipped, line
 * numbers) on the 100,000-row transactions import of scripts/bench-import.ts, interleaved, median
 * of 5: parsing 0.3 s here against 3.8 s, the whole import 6.1 s against 11.1 s (a loaded
 * two-core machine). This parser stays; no dependency was added.
 */

/** One record of a CSV file and the physical line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** What makes a file not CSV: a quoted field never closed, or text after a closing quote. */
export type CsvProblem = "unterminatedQuote" | "textAfterQuote";

/** A file that is not CSV at all (an unclosed quote): nothing of it can be read. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: CsvProblem,
  ) {
    super(`CSV syntax error at line ${line}: ${problem}`);
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Physical line breaks inside a quoted field (CRLF, LF or a lone CR each count once). */
function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}

/**
 * Parses CSV as RFC 4180 describes it: fields separated by commas, records by CRLF (LF or a lone
 * CR too); a field in double quotes may hold commas, line breaks and doubled quotes (`""` → `"`).
 * A byte-order mark is dropped and blank lines are skipped. A quote inside an unquoted field is
 * kept as text (as spreadsheets read it). Throws CsvSyntaxError for an unclosed quoted field or
 * text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  eachCsvRecord(text, (fields, line) => {
    out.push({ line, fields });
    return true;
  });
  return out;
}

/**
 * parseCsv one record at a time, keeping none of them (a 20 MB file need not be held twice):
 * `onRecord` gets each record's fields and first line, and may return false to stop.
 */
export function eachCsvRecord(text: string, onRecord: (fields: string[], line: number) => boolean): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = "";
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) throw new CsvSyntaxError(startLine, "unterminatedQuote");
          value += text.slice(j, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        if (value.includes("\n") || value.includes("\r")) line += lineBreaks(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== LF && c !== CR) throw new CsvSyntaxError(line, "textAfterQuote");
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      i++;
      if (c === COMMA) continue;
      if (c === CR && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    if ((fields.length > 1 || fields[0] !== "") && onRecord(fields, startLine) === false) return;
  }
}

/** What is wrong with a CSV table as a whole or with its header, as a neutral code. */
export type CsvTableProblem =
  | CsvProblem
  | "unknownColumn"
  | "duplicateColumn"
  | "missingColumn"
  | "tooManyRows"
  | "empty"
  | "noRows";

/** One problem of a table: its line, its code, the column at fault and the message's values. */
export interface CsvTableIssue {
  line: number;
  problem: CsvTableProblem;
  column?: string;
  values?: Record<string, string | number>;
}

export interface CsvTableShape {
  /** every column the header must name, once each, in any order */
  columns: readonly string[];
  /** those of `columns` that may be left out */
  optional?: readonly string[];
  /** the most data rows read; one more is a `tooManyRows` problem and stops the reading */
  maxRows: number;
}

/**
 * The header row: every expected column once, in any order (`optional` ones may be left out).
 * Returns each expected column's index in the file (-1 when an optional one is absent), or null.
 */
function readHeader(
  fields: string[],
  expected: readonly string[],
  optional: readonly string[],
  onIssue: (issue: CsvTableIssue) => void,
): number[] | null {
  const index = new Map<string, number>();
  let ok = true;
  for (const [i, raw] of fields.entries()) {
    const name = raw.trim();
    if (!expected.includes(name)) {
      onIssue({ line: 1, problem: "unknownColumn", column: name, values: { column: name } });
      ok = false;
    } else if (index.has(name)) {
      onIssue({ line: 1, problem: "duplicateColumn", column: name, values: { column: name } });
      ok = false;
    } else index.set(name, i);
  }
  for (const name of expected) {
    if (!index.has(name) && !optional.includes(name)) {
      onIssue({ line: 1, problem: "missingColumn", column: name, values: { column: name } });
      ok = false;
    }
  }
  return ok ? expected.map((name) => index.get(name) ?? -1) : null;
}

/**
 * Reads a CSV table's data rows one at a time after checking its header: `onRow` gets each row's
 * fields, its line, the expected columns' indexes (in `shape.columns` order) and the header's
 * width. Problems of the file as a whole (empty, no rows, too many rows, not CSV at all) and of
 * its header go to `onIssue`; the rows' own checks are the caller's.
 */
export function eachCsvRow(
  text: string,
  shape: CsvTableShape,
  onIssue: (issue: CsvTableIssue) => void,
  onRow: (fields: string[], line: number, columns: number[], width: number) => void,
): void {
  let state: "start" | "rows" | "refused" = "start";
  let columns: number[] = [];
  let width = 0;
  let rows = 0;
  try {
    eachCsvRecord(text, (fields, line) => {
      if (state === "start") {
        const found = readHeader(fields, shape.columns, shape.optional ?? [], onIssue);
        if (!found) {
          state = "refused";
          return false;
        }
        state = "rows";
        columns = found;
        width = fields.length;
        return true;
      }
      if (++rows > shape.maxRows) {
        onIssue({ line, problem: "tooManyRows", values: { max: shape.maxRows } });
        return false;
      }
      onRow(fields, line, columns, width);
      return true;
    });
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    onIssue({ line: e.line, problem: e.problem });
    return;
  }
  if (state === "start") onIssue({ line: 1, problem: "empty" });
  else if (state === "rows" && rows === 0) onIssue({ line: 1, problem: "noRows" });
}
