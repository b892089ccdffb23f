import { EventEmitter } from "node:events";
import { PassThrough, type Writable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { safeCell } from "../../utils/spreadsheet";

/*
 * Streams a list export (a header and pages of rows) as CSV or XLSX: one page in memory at a
 * time, read only as the client takes what was sent. The same approach as the survey exports.
 */

export interface RowSource {
  header: string[];
  pages: AsyncGenerator<(string | number | null)[][]>;
}

const headers = (type: string, filename: string) => ({
  "Content-Type": type,
  "Content-Disposition": `attachment; filename="${filename}"`,
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
});

/** CSV: UTF-8 with a byte-order mark (so Excel shows Chinese), CRLF line ends (RFC 4180). */
export function csvResponse(out: RowSource, filename: string): Response {
  const encoder = new TextEncoder();
  const csv = (rows: (string | number | null)[][], bom = false) =>
    encoder.encode(stringify(rows, { bom, record_delimiter: "windows" }));
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(csv([out.header], true));
        return;
      }
      const page = await out.pages.next();
      if (page.done) controller.close();
      else controller.enqueue(csv(page.value.map((row) => row.map((c) => safeCell(c ?? "")))));
    },
    async cancel() {
      await out.pages.return(undefined);
    },
  });
  return new Response(body, { headers: headers("text/csv; charset=utf-8", filename) });
}

/** XLSX by exceljs's streaming writer: rows committed as read, no shared-strings table in memory. */
export function xlsxResponse(out: RowSource, filename: string, sheetName: string): Response {
  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName);
  void (async () => {
    try {
      sheet.addRow(out.header).commit();
      for await (const page of out.pages) {
        for (const row of page) sheet.addRow(row.map((c) => safeCell(c ?? ""))).commit();
        const zipInput = zipInputOf(sheet);
        if ((zipInput && !(await drained(zipInput, stream))) || !(await drained(backlogOf(stream), stream))) {
          await out.pages.return(undefined);
          return;
        }
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      stream.destroy(error as Error);
    }
  })();
  return new Response(createReadableStreamFromReadable(stream), {
    headers: headers("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename),
  });
}

interface Backlog {
  emitter: EventEmitter;
  full(): boolean;
}

const backlogOf = (stream: Writable): Backlog => ({ emitter: stream, full: () => stream.writableNeedDrain });

/** archiver's input for the sheet: exceljs ignores its backpressure, so we wait on it (see the survey export). */
function zipInputOf(sheet: ExcelJS.Worksheet): Backlog | undefined {
  const input = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
  const state = (input as { _writableState?: { needDrain?: unknown } } | undefined)?._writableState;
  if (!(input instanceof EventEmitter) || typeof state?.needDrain !== "boolean") return undefined;
  return { emitter: input, full: () => state.needDrain === true };
}

function drained(backlog: Backlog, output: Writable): Promise<boolean> {
  if (output.destroyed) return Promise.resolve(false);
  if (!backlog.full()) return new Promise((resolve) => setImmediate(() => resolve(true)));
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      backlog.emitter.off("drain", onDrain);
      output.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    backlog.emitter.once("drain", onDrain);
    output.once("close", onClose);
  });
}
