import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import { denyAccess, requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { startResponseExport } from "~/models/surveys/exports.server";
import { getSurvey } from "~/models/surveys/lookup.server";
import { parseResultsFilter } from "~/models/surveys/results-filter.server";
import { getLocale } from "~/utils/i18n.server";
import { safeCell } from "~/utils/spreadsheet";

/**
 * Every response the filters hold, one row each, as CSV: UTF-8 with a byte-order mark so Excel
 * shows Chinese, CRLF line ends (RFC 4180). Streamed a page of rows at a time as the client reads.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = Number(params.id);
  const survey = Number.isSafeInteger(id)
    ? await getSurvey(context.db, id, seesAllDepartments(user) ? null : user.departmentId)
    : undefined;
  if (!survey) throw await denyAccess(context, user, "department", { type: "survey", id: params.id ?? "" });
  const filter = parseResultsFilter(new URL(request.url).searchParams);
  const out = await startResponseExport(context.db, user, survey, filter, await getLocale(request), "csv");

  const encoder = new TextEncoder();
  const csv = (rows: (string | number)[][], bom = false) =>
    encoder.encode(stringify(rows, { bom, record_delimiter: "windows" }));
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    // pull() runs only when the client has read what we sent: one page in memory at a time.
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(csv([out.header], true));
        return;
      }
      const page = await out.pages.next();
      if (page.done) controller.close();
      else controller.enqueue(csv(page.value.map((row) => row.map(safeCell))));
    },
    async cancel() {
      await out.pages.return();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="survey-${out.slug}-responses.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
