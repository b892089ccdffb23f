import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../../db/client";
import { maskEmail, maskPhone } from "../../utils/crypto.server";
import { badRequest } from "../../utils/http.server";
import { getLocale, getT } from "../../utils/i18n.server";
import { recordAudit } from "../audit/audit.server";
import { hkDate } from "../calendar/time";
import { requireUser } from "../staff/auth.server";
import { csvResponse, xlsxResponse } from "./export-stream.server";
import { caseContact } from "./handling.server";
import {
  type CaseFilter,
  type CaseListRow,
  caseListPages,
  filterParams,
  parseCaseFilter,
} from "./list.server";
import { CASE_LIST_ROLES, listScope } from "./list-scope.server";

/*
 * A filtered case list as rows for a CSV or XLSX download, read a page at a time. Contact details
 * are masked unless the user may see them in full (a case handler of the department who asked for
 * them, as on the case page's "show" form); every export is audited (filters, never the text).
 */

/** Masked contact details for a list: decrypted on the server, never sent in full. */
export function maskedContact(
  piiKey: string,
  row: { contact_email_enc: string | null; contact_phone_enc: string | null },
): { email: string | null; phone: string | null } {
  try {
    const c = caseContact(piiKey, { contact_name_enc: null, ...row });
    return { email: maskEmail(c.email), phone: maskPhone(c.phone) };
  } catch {
    return { email: null, phone: null }; // an unreadable value must not take the whole list down
  }
}

function fullContact(
  piiKey: string,
  row: { contact_email_enc: string | null; contact_phone_enc: string | null },
) {
  try {
    const c = caseContact(piiKey, { contact_name_enc: null, ...row });
    return { email: c.email, phone: c.phone };
  } catch {
    return { email: null, phone: null };
  }
}

export interface CaseExport {
  header: string[];
  pages: AsyncGenerator<(string | null)[][]>;
}

/**
 * Starts an export of a department's filtered list: records the audit row, then yields pages of
 * cells in the order of `header`. `t` translates the column names and values.
 */
export async function startCaseExport(
  db: Db,
  input: {
    actor: { id: number; departmentId: number | null };
    departmentId: number;
    filter: CaseFilter;
    format: "csv" | "xlsx";
    fullContacts: boolean;
    piiKey: string;
    cursorKey: string;
    zh: boolean;
    t: (key: string) => string;
  },
): Promise<CaseExport> {
  const { t, zh, piiKey } = input;
  const params = filterParams(input.filter);
  params.delete("q"); // free text may carry a name: the audit says a text search was made, not what
  await recordAudit(db, {
    action: "case.export",
    actorUserId: input.actor.id,
    departmentId: input.departmentId,
    entityType: "department",
    entityId: input.departmentId,
    detail: {
      format: input.format,
      filter: params.toString(),
      textSearch: input.filter.q != null,
      contacts: input.fullContacts ? "full" : "masked",
    },
  });
  const header = [
    t("cases.fields.reference"),
    t("cases.fields.received"),
    t("cases.fields.service"),
    t("cases.fields.channel"),
    t("cases.fields.status"),
    t("cases.fields.assignedTo"),
    t("caseLists.export.ackDue"),
    t("caseLists.export.replyDue"),
    t("caseLists.export.closed"),
    t("caseLists.export.email"),
    t("caseLists.export.phone"),
  ];
  const cell = (r: CaseListRow) => {
    const contact = input.fullContacts ? fullContact(piiKey, r) : maskedContact(piiKey, r);
    return [
      r.reference,
      hkDate(r.received_at),
      (zh ? r.service_zh : r.service_en) ?? "",
      t(`cases.channels.${r.channel}`),
      t(`cases.status.${r.status}`),
      r.assigned_name ?? "",
      r.ack_due ?? "",
      r.reply_due ?? "",
      r.closed_at ? hkDate(r.closed_at) : "",
      contact.email ?? "",
      contact.phone ?? "",
    ];
  };
  async function* pages() {
    for await (const page of caseListPages(db, input.departmentId, input.filter, {
      cursorKey: input.cursorKey,
      pageSize: 1000,
    }))
      yield page.map(cell);
  }
  return { header, pages: pages() };
}

/**
 * The download of /staff/cases/export.csv|xlsx: the list page's filters and scope (the central
 * reviewer names a department and gets masked contacts), `contacts=full` only for a case handler
 * of the department, as on the case page. Bad filters: 400, nothing exported or audited.
 */
export async function caseExportResponse(
  request: Request,
  context: AppLoadContext,
  format: "csv" | "xlsx",
): Promise<Response> {
  const user = await requireUser(request, context, CASE_LIST_ROLES);
  const p = new URL(request.url).searchParams;
  const scope = await listScope(context, user, p.get("dept"));
  const parsed = parseCaseFilter(p, user);
  if (scope.kind !== "department" || !parsed.ok || parsed.filter.tab === "due-soon")
    throw badRequest("filter");
  const locale = await getLocale(request);
  const t = await getT(request);
  const out = await startCaseExport(context.db, {
    actor: user,
    departmentId: scope.department.id,
    filter: parsed.filter,
    format,
    fullContacts: p.get("contacts") === "full" && !scope.readOnly,
    piiKey: context.env.PII_KEY,
    cursorKey: context.env.SESSION_SECRET,
    zh: locale.startsWith("zh"),
    t: (key) => t(key),
  });
  const name = `cases-${scope.department.code.toLowerCase()}-${hkDate(new Date())}.${format}`;
  return format === "csv" ? csvResponse(out, name) : xlsxResponse(out, name, "Cases");
}
