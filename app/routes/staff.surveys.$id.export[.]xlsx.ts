import { EventEmitter } from "node:events";
import { PassThrough, type Writable } from "node:stream";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { denyAccess, requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { startResponseExport } from "~/models/surveys/exports.server";
import { getSurvey } from "~/models/surveys/lookup.server";
import { parseResultsFilter } from "~/models/surveys/results-filter.server";
import { getLocale } from "~/utils/i18n.server";
import { safeCell } from "~/utils/spreadsheet";

/**
 * Every response the filters hold, one row each, as an Excel workbook written by exceljs's
 * streaming writer (https://github.com/exceljs/exceljs#streaming-xlsx-writer): rows are committed
 * as they are read and never held together, and no shared-strings table grows in memory.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = Number(params.id);
  const survey = Number.isSafeInteger(id)
    ? await getSurvey(context.db, id, seesAllDepartments(user) ? null : user.departmentId)
    : undefined;
  if (!survey) throw await denyAccess(context, user, "department", { type: "survey", id: params.id ?? "" });
  const filter = parseResultsFilter(new URL(request.url).searchParams);
  const out = await startResponseExport(context.db, user, survey, filter, await getLocale(request), "xlsx");

  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet("Responses");
  void (async () => {
    try {
      sheet.addRow(out.header).commit();
      for await (const page of out.pages) {
        for (const row of page) sheet.addRow(row.map(safeCell)).commit();
        // Wait while the zip or the client is behind, so rows never pile up in memory.
        const zipInput = zipInputOf(sheet);
        if ((zipInput && !(await drained(zipInput, stream))) || !(await drained(backlogOf(stream), stream))) {
          await out.pages.return();
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
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="survey-${out.slug}-responses.xlsx"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** A stream we may wait on: whether it is full, and the emitter of its "drain". */
interface Backlog {
  emitter: EventEmitter;
  full(): boolean;
}

const backlogOf = (stream: Writable): Backlog => ({ emitter: stream, full: () => stream.writableNeedDrain });

/**
 * The stream exceljs writes a sheet's XML into: archiver's input for the sheet (a readable-stream
 * 2 PassThrough). exceljs's own buffer (StreamBuf) ignores what write() answers, so backpressure
 * from the download stops there and a big sheet would gather in this stream's buffer; we wait on
 * it ourselves. Undefined if a later exceljs is built differently (then only the download is
 * waited on, and memory grows with the sheet).
 */
function zipInputOf(sheet: ExcelJS.Worksheet): Backlog | undefined {
  const input = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
  const state = (input as { _writableState?: { needDrain?: unknown } } | undefined)?._writableState;
  if (!(input instanceof EventEmitter) || typeof state?.needDrain !== "boolean") return undefined;
  return { emitter: input, full: () => state.needDrain === true };
}

/**
 * Resolves true once `backlog` has room again, false when the download (`output`) has gone away.
 * Always lets the event loop turn, so other requests go on while an export runs.
 */
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
