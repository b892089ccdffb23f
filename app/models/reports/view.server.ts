import type { Db } from "../../../db/client";
import { getReport, listReports, markRead, type ReportReader, recordsReading } from "./inbox.server";
import { withLinks } from "./links";
import { currentUnmetNotes } from "./pledge-section.server";
import { type DepartmentReport, REPORT_STATES, type ReportListRow, type ReportState } from "./schema";

/*
 * What the report pages show: the inbox (the reports a reader may see, by month and state), and a
 * report's page (the stored report with the reader's state, what the reader may do on it, and the
 * unmet-target notes as they are now).
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const stateOf = (r: Pick<ReportListRow, "readAt" | "acknowledgedAt">): ReportState =>
  r.acknowledgedAt ? "acknowledged" : r.readAt ? "read" : "unread";

/**
 * The report inbox: a department's reports for its managers, every department's for the central
 * reviewer (`central`), whose status is "read by management"; a department reader's is their own.
 * `searchParams`: `month` and `state` filter the list; the counts are of all the reader's reports.
 */
export async function reportInboxView(
  db: Db,
  user: ReportReader,
  central: boolean,
  searchParams: URLSearchParams,
) {
  const month = searchParams.get("month");
  const state = REPORT_STATES.find((s) => s === searchParams.get("state")) ?? null;
  const all = await listReports(db, user);
  const counts = { unread: 0, read: 0, acknowledged: 0 };
  for (const r of all) counts[stateOf(r)]++;
  const rows = all
    .map((r) => ({
      ...r,
      state: central
        ? stateOf({ readAt: r.managementReadAt, acknowledgedAt: r.managementAcknowledgedAt })
        : stateOf(r),
    }))
    .filter((r) => (month && MONTH.test(month) ? r.month === month : true))
    .filter((r) => (state ? r.state === state : true));
  return {
    months: [...new Set(all.map((r) => r.month))],
    month: month && MONTH.test(month) ? month : null,
    state,
    counts,
    rows,
  };
}

type StoredReport = ReportListRow & { data: DepartmentReport };

/**
 * The stored report with the unmet-target notes as they are now: the snapshot keeps the notes of
 * the day it was generated, but a note recorded since (here or on the pledge's page) shows at once.
 * The stored snapshot itself is left as it is.
 */
async function withCurrentNotes(db: Db, report: StoredReport): Promise<StoredReport> {
  const items = report.data.pledges.items;
  const notes = await currentUnmetNotes(
    db,
    report.departmentId,
    report.month,
    items.filter((p) => p.status === "not_met").map((p) => p.pledgeId),
  );
  if (notes.size === 0) return report;
  return {
    ...report,
    data: {
      ...report.data,
      pledges: {
        ...report.data.pledges,
        items: items.map((p) =>
          p.status === "not_met" ? { ...p, unmet: notes.get(p.pledgeId) ?? p.unmet } : p,
        ),
      },
    },
  };
}

/**
 * A report's page for a reader. Opening it marks it read for its department's manager or
 * administrator (the first time only; the "acknowledged" notice is then not shown).
 * `searchParams`: `acknowledged=1` after acknowledging, `noted=<pledge id>` after saving a note.
 */
export async function reportPageView(
  db: Db,
  user: ReportReader,
  stored: StoredReport,
  searchParams: URLSearchParams,
) {
  let report = stored;
  const records = recordsReading(user, report.departmentId);
  let acknowledgedNow = searchParams.get("acknowledged") === "1";
  if (records && !report.readAt) {
    await markRead(db, report.id, user.id);
    report = (await getReport(db, report.id, user))!;
    acknowledgedNow = false;
  }
  const noted = Number(searchParams.get("noted"));
  return {
    canAcknowledge: records,
    /** the department's managers and administrators record why a target was missed, here */
    canRecordNotes: records,
    acknowledgedNow,
    /** the pledge whose note was just saved */
    notedPledgeId: Number.isSafeInteger(noted) && noted > 0 ? noted : null,
    // A stored report's links as reports link now (precise lists, the managers' pledge page).
    report: await withCurrentNotes(db, { ...report, data: withLinks(report.data) }),
  };
}
