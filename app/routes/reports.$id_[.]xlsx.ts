import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireReport } from "~/models/reports/access.server";
import { REPORT_ROLES } from "~/models/reports/schema";
import { reportWorkbook } from "~/models/reports/xlsx.server";
import { requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";

/**
 * A stored monthly report as an Excel workbook, one sheet per section (reports/xlsx.server.ts).
 * Not audited: the AuditAction list has no report export yet, and the report holds no personal data.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  // The file name gives the path "reports/:id_.xlsx": React Router names the parameter "id_".
  const report = await requireReport(context, user, params.id_ ?? params.id);
  const zh = (await getLocale(request)).startsWith("zh");
  const r = report.data;
  const body = await reportWorkbook(r, zh);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="report-${r.department.code}-${r.month}.xlsx"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
