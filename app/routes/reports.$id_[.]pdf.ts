import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireReport } from "~/models/reports/access.server";
import { type PdfLang, reportPdf } from "~/models/reports/pdf.server";
import { PdfFontMissingError } from "~/models/reports/pdf-fonts.server";
import { REPORT_ROLES } from "~/models/reports/schema";
import { requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { tFor } from "~/utils/meta";

/**
 * A stored monthly report as a printable PDF in the reader's language. Same access as the XLSX
 * export: the department's managers and administrators, and the central reviewer; another
 * department's report is a 404 and an audit event. Not audited as an export, as the XLSX route.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  // The file name gives the path "reports/:id_.pdf": React Router names the parameter "id_".
  const report = await requireReport(context, user, params.id_ ?? params.id);
  const lang: PdfLang = (await getLocale(request)).startsWith("zh") ? "zh-HK" : "en";
  const t = tFor(lang);
  const r = report.data;

  let body: Buffer;
  try {
    body = await reportPdf(r, lang, t);
  } catch (e) {
    if (!(e instanceof PdfFontMissingError)) throw e;
    // The server lacks the CJK font (fonts-noto-cjk): say so plainly rather than fail with a 500.
    return new Response(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${t("reports.pdf.fontMissingTitle")}</title></head>` +
        `<body><h1>${t("reports.pdf.fontMissingTitle")}</h1><p>${t("reports.pdf.fontMissing")}</p>` +
        `<p><a href="/reports">${t("reports.view.back")}</a></p></body></html>`,
      {
        status: 503,
        headers: {
          "Content-Type": "text/html; charset=utf-8",
          "Cache-Control": "private, no-store",
          "X-Content-Type-Options": "nosniff",
        },
      },
    );
  }
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="report-${r.department.code}-${r.month}.pdf"`,
      "Content-Length": String(body.length),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
