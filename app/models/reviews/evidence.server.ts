import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { monthsBetween, shiftMonth } from "../calendar/periods";
import { hkMonth } from "../calendar/time";
import { hkMonthRange } from "../reports/months";
import { MANAGEMENT_ROLE } from "../reports/schema";
import type { ReviewQuestionKey } from "./questions";

/*
 * The evidence for a round's questions, computed from the product's own data for the round's
 * period (docs/decisions/0019-review-evidence.md). One grouped query per question for every
 * department at once, so the review's table of hundreds of departments stays fast.
 *
 * - publishes_results: the department has a published pledge, and each of its published pledges
 *   has a stored result (pledge_results) for every month of the period since it was published.
 * - surveys_annual_or_biennial: survey responses with no run of 24 consecutive months of the period
 *   without one (every two years at least; surveying every year satisfies it too).
 * - liaison_groups: a liaison group or user committee of the department met within the period.
 * - feedback_monthly: for EVERY month of the period, the department's monthly report was generated
 *   AND read by one of its managers (report_reads): the paper's 94% mechanism.
 * - feedback_ad_hoc: important feedback was escalated to management in the period (a notification
 *   of kind important_feedback, written when feedback is logged as important) and every such
 *   notification was read.
 * - all_services_pledged / services_pledged_share: among the department's active direct public
 *   services (is_public = 1), those with a published pledge; yes when none is without one.
 * - reviewed_every_two_years: each published pledge has a registry version taking effect within
 *   the 24 months ending with the period's last month.
 */

export type EvidenceKey =
  | "publishes_results"
  | "surveys_annual_or_biennial"
  | "liaison_groups"
  | "feedback_monthly"
  | "feedback_ad_hoc"
  | "all_services_pledged"
  | "services_pledged_share"
  | "reviewed_every_two_years";

export type DepartmentEvidence = Record<EvidenceKey, boolean | number | null>;

/** Months without a survey response that break "every two years". */
export const SURVEY_GAP_MONTHS = 24;
/** How far back from the period's end a pledge's last registry version may be. */
export const REVIEW_WITHIN_MONTHS = 24;

export interface EvidencePeriod {
  period_from: string;
  period_to: string;
}

/** The last day (YYYY-MM-DD) of a month. */
export function lastDay(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Runs of consecutive months without an entry; true when none reaches `gap`. */
function noGap(months: readonly string[], present: Set<string> | undefined, gap: number): boolean {
  if (!present || present.size === 0) return false;
  let run = 0;
  for (const m of months) {
    run = present.has(m) ? 0 : run + 1;
    if (run >= gap) return false;
  }
  return true;
}

const byDept = <T extends { department_id: number }>(rows: T[]) => {
  const out = new Map<number, T>();
  for (const r of rows) out.set(r.department_id, r);
  return out;
};

/** The evidence of every department in `departmentIds` for the round's period. */
export async function computeEvidence(
  db: Db,
  round: EvidencePeriod,
  departmentIds: readonly number[],
): Promise<Map<number, DepartmentEvidence>> {
  const from = round.period_from;
  const to = round.period_to;
  const months = monthsBetween(from, to);
  const startDate = `${from}-01`;
  const endDate = lastDay(to);
  const startIso = hkMonthRange(from).from;
  const endIso = hkMonthRange(to).to;
  const reviewFromDate = `${shiftMonth(to, REVIEW_WITHIN_MONTHS - 1)}-01`;

  const [pledges, resultMonths, surveyMonths, liaison, reports, adHoc, direct, pledgedServices, recent] =
    await Promise.all([
      db
        .selectFrom("pledges")
        .select(["id", "department_id", "published_at"])
        .where("status", "=", "published")
        .execute(),
      db
        .selectFrom("pledge_results as r")
        .innerJoin("pledges as p", "p.id", "r.pledge_id")
        .select(["r.pledge_id", (eb) => eb.fn.count<number>("r.month").distinct().as("n")])
        .where("p.status", "=", "published")
        .where("r.month", ">=", from)
        .where("r.month", "<=", to)
        .groupBy("r.pledge_id")
        .execute(),
      db
        .selectFrom("survey_responses")
        .select(["department_id", "month"])
        .where("month", ">=", from)
        .where("month", "<=", to)
        .groupBy(["department_id", "month"])
        .execute(),
      db
        .selectFrom("liaison_groups as g")
        .innerJoin("liaison_meetings as m", "m.group_id", "g.id")
        .select(["g.department_id", (eb) => eb.fn.count<number>("m.id").as("n")])
        .where("m.met_on", ">=", startDate)
        .where("m.met_on", "<=", endDate)
        .groupBy("g.department_id")
        .execute(),
      db
        .selectFrom("monthly_reports as m")
        .select(["m.department_id", (eb) => eb.fn.count<number>("m.month").distinct().as("n")])
        .where("m.month", ">=", from)
        .where("m.month", "<=", to)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom("report_reads as rr")
              .innerJoin("staff_users as u", "u.id", "rr.user_id")
              .select("rr.user_id")
              .whereRef("rr.report_id", "=", "m.id")
              .whereRef("u.department_id", "=", "m.department_id")
              .where("u.role", "=", MANAGEMENT_ROLE),
          ),
        )
        .groupBy("m.department_id")
        .execute(),
      db
        .selectFrom("notifications as n")
        .select((eb) => [
          "n.department_id",
          eb.fn.countAll<number>().as("total"),
          eb.fn
            .sum<number>(
              sql<number>`case when exists (select 1 from notification_reads r where r.notification_id = n.id) then 1 else 0 end`,
            )
            .as("read"),
        ])
        .where("n.kind", "=", "important_feedback")
        .where("n.created_at", ">=", startIso)
        .where("n.created_at", "<", endIso)
        .groupBy("n.department_id")
        .execute(),
      db
        .selectFrom("services")
        .select(["department_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("is_public", "=", 1)
        .where("is_active", "=", 1)
        .groupBy("department_id")
        .execute(),
      db
        .selectFrom("services as s")
        .select(["s.department_id", (eb) => eb.fn.count<number>("s.id").as("n")])
        .where("s.is_public", "=", 1)
        .where("s.is_active", "=", 1)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom("pledges as p")
              .select("p.id")
              .whereRef("p.service_id", "=", "s.id")
              .where("p.status", "=", "published"),
          ),
        )
        .groupBy("s.department_id")
        .execute(),
      db
        .selectFrom("pledge_versions as v")
        .innerJoin("pledges as p", "p.id", "v.pledge_id")
        .select("v.pledge_id")
        .where("p.status", "=", "published")
        .where("v.effective_from", ">=", reviewFromDate)
        .where("v.effective_from", "<=", endDate)
        .groupBy("v.pledge_id")
        .execute(),
    ]);

  const resultsOf = new Map(resultMonths.map((r) => [r.pledge_id, Number(r.n)]));
  const recentSet = new Set(recent.map((r) => r.pledge_id));
  // Per department: [pledges judged, pledges with every result, pledges, pledges reviewed]
  const pledgeStats = new Map<number, { judged: number; complete: number; all: number; reviewed: number }>();
  for (const p of pledges) {
    const s = pledgeStats.get(p.department_id) ?? { judged: 0, complete: 0, all: 0, reviewed: 0 };
    s.all += 1;
    if (recentSet.has(p.id)) s.reviewed += 1;
    const since = p.published_at ? hkMonth(p.published_at) : from;
    // biome-ignore lint/complexity/useMathMinMax: YYYY-MM strings, compared as text
    const first = since > from ? since : from;
    if (first <= to) {
      s.judged += 1;
      if ((resultsOf.get(p.id) ?? 0) >= monthsBetween(first, to).length) s.complete += 1;
    }
    pledgeStats.set(p.department_id, s);
  }
  const surveyed = new Map<number, Set<string>>();
  for (const r of surveyMonths) {
    const set = surveyed.get(r.department_id) ?? new Set<string>();
    set.add(r.month);
    surveyed.set(r.department_id, set);
  }
  const liaisonBy = byDept(liaison);
  const reportsBy = byDept(reports);
  const adHocBy = byDept(adHoc);
  const directBy = byDept(direct);
  const pledgedBy = byDept(pledgedServices);

  const out = new Map<number, DepartmentEvidence>();
  for (const id of departmentIds) {
    const ps = pledgeStats.get(id);
    const d = Number(directBy.get(id)?.n ?? 0);
    const pledged = Number(pledgedBy.get(id)?.n ?? 0);
    const esc = adHocBy.get(id);
    out.set(id, {
      publishes_results: !!ps && ps.judged > 0 && ps.complete === ps.judged,
      surveys_annual_or_biennial: noGap(months, surveyed.get(id), SURVEY_GAP_MONTHS),
      liaison_groups: Number(liaisonBy.get(id)?.n ?? 0) > 0,
      feedback_monthly: Number(reportsBy.get(id)?.n ?? 0) >= months.length,
      feedback_ad_hoc: !!esc && Number(esc.total) > 0 && Number(esc.read ?? 0) >= Number(esc.total),
      all_services_pledged: d > 0 && pledged >= d,
      services_pledged_share: d > 0 ? Math.round((1000 * pledged) / d) / 10 : null,
      reviewed_every_two_years: !!ps && ps.all > 0 && ps.reviewed === ps.all,
    });
  }
  return out;
}

export const EVIDENCE_KEYS: readonly ReviewQuestionKey[] = [
  "publishes_results",
  "surveys_annual_or_biennial",
  "liaison_groups",
  "feedback_monthly",
  "feedback_ad_hoc",
  "all_services_pledged",
  "services_pledged_share",
  "reviewed_every_two_years",
];
