import type { DepartmentReport } from "./schema";

/*
 * Where a report's figures link: to exactly the records behind them, as filtered lists in the URL
 * contract of issue 14 (the case list's and the feedback log's GET filters), always with the
 * department's code so the central reviewer (who must name the department) reads the same list,
 * read-only, as the department's managers. Pure: used when a report is built and again when a
 * stored report is shown, so a report stored before these links existed links the same way.
 */

type Params = Record<string, string | readonly string[]>;

function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of typeof v === "string" ? [v] : v) q.append(k, one);
  }
  return q.toString();
}

/** The case list of a department with filters (`received_month`, `closed_month`, `overdue`, …). */
export const caseListHref = (dept: string, params: Params = {}) =>
  `/staff/cases?${query({ dept, ...params })}`;

/** The feedback log of a department with filters (`month`, `fk`, `fc`, `fi`, …). */
export const feedbackListHref = (dept: string, params: Params = {}) =>
  `/staff/feedback?${query({ dept, ...params })}`;

/** A pledge's read-only page for managers and the central reviewer (not the administrators' page). */
export const pledgePageHref = (pledgeId: number) => `/staff/pledges/${pledgeId}`;

/** The complaints section's links for a department and month. */
export function complaintLinks(dept: string, month: string) {
  return {
    received: caseListHref(dept, { received_month: month }),
    closed: caseListHref(dept, { status: "closed", closed_month: month }),
    overdue: caseListHref(dept, { overdue: "1" }),
    closedWithinPledge: caseListHref(dept, { status: "closed", closed_month: month, within_pledge: "1" }),
    appealsLodged: caseListHref(dept, { appeal: "any", appeal_month: month }),
    appealsDecided: caseListHref(dept, { appeal: "decided", appeal_month: month }),
  };
}

/** Every href of a report, computed again from its figures (survey links are kept as stored). */
export function withLinks(report: DepartmentReport): DepartmentReport {
  const dept = report.department.code;
  const month = report.month;
  const c = complaintLinks(dept, month);
  const fb = (p: Params = {}) => feedbackListHref(dept, { month, ...p });
  const complaints = report.complaints;
  return {
    ...report,
    feedback: {
      ...report.feedback,
      total: { ...report.feedback.total, href: fb() },
      byKind: report.feedback.byKind.map((x) => ({ ...x, href: fb({ fk: x.kind }) })),
      byChannel: report.feedback.byChannel.map((x) => ({ ...x, href: fb({ fc: x.channel }) })),
      byKindAndChannel: report.feedback.byKindAndChannel.map((x) => ({
        ...x,
        href: fb({ fk: x.kind, fc: x.channel }),
      })),
      comments: report.feedback.comments.map((x) =>
        x.source === "feedback" && x.kind ? { ...x, href: fb({ fk: x.kind }) } : x,
      ),
    },
    complaints: {
      ...complaints,
      received: { ...complaints.received, href: c.received },
      closed: { ...complaints.closed, href: c.closed },
      overdue: { ...complaints.overdue, href: c.overdue },
      closedWithinPledge: { ...complaints.closedWithinPledge, href: c.closedWithinPledge },
      appeals: {
        ...complaints.appeals,
        lodged: { ...complaints.appeals.lodged, href: c.appealsLodged },
        decided: { ...complaints.appeals.decided, href: c.appealsDecided },
      },
    },
    pledges: {
      ...report.pledges,
      items: report.pledges.items.map((p) => ({ ...p, href: pledgePageHref(p.pledgeId) })),
    },
    importantFeedback: report.importantFeedback.map((x) => ({ ...x, href: fb({ fi: "1" }) })),
  };
}

/** Every href in a report (the test that opens them all, and anyone checking a report's links). */
export function reportHrefs(report: DepartmentReport): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "href" && typeof x === "string") out.push(x);
        else walk(x);
      }
    }
  };
  walk(report);
  return [...new Set(out)];
}
