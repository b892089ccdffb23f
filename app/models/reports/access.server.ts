import type { AppLoadContext } from "@remix-run/node";
import { denyAccess, type SessionUser } from "../staff/auth.server";
import { getReport } from "./inbox.server";

/**
 * A stored report the reader may see, from the id in the URL: the page and its XLSX and PDF
 * exports. Another department's report (or none) is a 404, as if it were not there, and an audit
 * event.
 */
export async function requireReport(context: AppLoadContext, user: SessionUser, raw: string | undefined) {
  const id = Number(raw);
  const report = Number.isSafeInteger(id) && id > 0 ? await getReport(context.db, id, user) : undefined;
  if (!report) throw await denyAccess(context, user, "department", { type: "report", id: raw ?? "" });
  return report;
}
