import type { AppLoadContext } from "@remix-run/node";
import { badRequest } from "../../utils/http.server";
import { getLocale, getT } from "../../utils/i18n.server";
import { recordAudit } from "../audit/audit.server";
import { hkDate } from "../calendar/time";
import { csvResponse, xlsxResponse } from "../cases/export-stream.server";
import { listScope } from "../cases/list-scope.server";
import { requireUser } from "../staff/auth.server";
import type { Role } from "../staff/schema";
import { feedbackFilterParams, feedbackPages, parseFeedbackFilter } from "./entries.server";

const VIEWERS = [
  "counter_staff",
  "case_officer",
  "manager",
  "department_admin",
  "central_reviewer",
] as const satisfies readonly Role[];

/**
 * The feedback log's filters as a CSV or XLSX download (/staff/feedback/export.csv|xlsx),
 * streamed a page at a time and audited (filters, never the text). Entries hold no contact
 * details (those of a complaint that wanted a reply are on its case, encrypted).
 */
export async function feedbackExportResponse(
  request: Request,
  context: AppLoadContext,
  format: "csv" | "xlsx",
): Promise<Response> {
  const user = await requireUser(request, context, VIEWERS);
  const p = new URL(request.url).searchParams;
  const scope = await listScope(context, user, p.get("dept"));
  const parsed = parseFeedbackFilter(p);
  if (scope.kind !== "department" || !parsed.ok) throw badRequest("filter");
  const filter = parsed.filter;
  const shown = feedbackFilterParams(filter, scope.department.code);
  shown.delete("q");
  await recordAudit(context.db, {
    action: "feedback.export",
    actorUserId: user.id,
    departmentId: scope.department.id,
    entityType: "department",
    entityId: scope.department.id,
    detail: { format, filter: shown.toString(), textSearch: filter.q != null },
  });
  const zh = (await getLocale(request)).startsWith("zh");
  const t = await getT(request);
  const header = [
    t("caseLists.export.when"),
    t("caseLists.export.kind"),
    t("caseLists.export.channel"),
    t("caseLists.export.service"),
    t("caseLists.export.summary"),
    t("caseLists.export.important"),
    t("caseLists.export.loggedBy"),
    t("caseLists.export.case"),
  ];
  async function* pages() {
    for await (const page of feedbackPages(
      context.db,
      scope.kind === "department" ? scope.department.id : 0,
      filter,
      {
        cursorKey: context.env.SESSION_SECRET,
      },
    ))
      yield page.map((e) => [
        `${hkDate(e.logged_at)}`,
        t(`feedback.kinds.${e.kind}`),
        t(`feedback.channels.${e.channel}`),
        (zh ? e.service_zh : e.service_en) ?? "",
        e.summary,
        e.important ? "✓" : "",
        e.logged_by_name ?? "",
        e.case_reference ?? "",
      ]);
  }
  const name = `feedback-${scope.department.code.toLowerCase()}-${hkDate(new Date())}.${format}`;
  const out = { header, pages: pages() };
  return format === "csv" ? csvResponse(out, name) : xlsxResponse(out, name, "Feedback");
}
