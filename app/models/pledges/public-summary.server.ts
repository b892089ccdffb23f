import type { Db } from "../../../db/client";
import { lastCompleteMonths } from "../calendar/periods";
import { hkMonth } from "../calendar/time";
import type { Bilingual } from "./public.server";

/**
 * The government page at scale (issue 12): with the paper's 1,200 pledges, /pledges lists the
 * departments with their pledges' latest stored results, and each department's page (and the
 * open data) carries the pledges themselves. Read from the stored results only.
 */

/** Above this many published pledges, /pledges lists departments (each links to its own page). */
export const FULL_PAGE_PLEDGES = 60;

export interface DepartmentSummary extends Bilingual {
  code: string;
  pledges: number;
  /** the published pledges' stored results in the newest complete month */
  latest: { met: number; notMet: number; insufficient: number };
}

export interface PublicSummary {
  generatedAt: string;
  /** the newest complete month */
  month: string;
  pledges: number;
  departments: DepartmentSummary[];
  resultsComputedAt: string | null;
}

/** How many published pledges the active departments have (which /pledges page to show). */
export async function countPublishedPledges(db: Db): Promise<number> {
  const row = await db
    .selectFrom("pledges as p")
    .innerJoin("departments as d", "d.id", "p.department_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("p.status", "=", "published")
    .where("d.is_active", "=", 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Every active department with its number of published pledges and how their stored results
 * stood in the newest complete month (a pledge without a stored result that month counts as
 * "not enough data"): two GROUP BYs, whatever the number of pledges.
 */
export async function publicSummary(db: Db, now: Date): Promise<PublicSummary> {
  const month = lastCompleteMonths(hkMonth(now), 1)[0]!;
  const [depts, counts, results] = await Promise.all([
    db
      .selectFrom("departments")
      .select(["id", "code", "name_en", "name_zh"])
      .where("is_active", "=", 1)
      .orderBy("code")
      .execute(),
    db
      .selectFrom("pledges")
      .select((eb) => ["department_id", eb.fn.countAll<number>().as("n")])
      .where("status", "=", "published")
      .groupBy("department_id")
      .execute(),
    db
      .selectFrom("pledge_results as r")
      .innerJoin("pledges as p", "p.id", "r.pledge_id")
      .select((eb) => [
        "p.department_id",
        "r.status",
        eb.fn.countAll<number>().as("n"),
        eb.fn.min("r.computed_at").as("computed_at"),
      ])
      .where("r.month", "=", month)
      .where("p.status", "=", "published")
      .groupBy(["p.department_id", "r.status"])
      .execute(),
  ]);
  const countOf = new Map(counts.map((c) => [c.department_id, Number(c.n)]));
  const latestOf = new Map<number, { met: number; notMet: number }>();
  let computedAt: string | null = null;
  const active = new Set(depts.map((d) => d.id));
  for (const r of results) {
    const l = latestOf.get(r.department_id) ?? { met: 0, notMet: 0 };
    if (r.status === "met") l.met += Number(r.n);
    if (r.status === "not_met") l.notMet += Number(r.n);
    latestOf.set(r.department_id, l);
    const at = r.computed_at as string | null;
    if (active.has(r.department_id) && at && (computedAt === null || at < computedAt)) computedAt = at;
  }
  const departments = depts.map((d) => {
    const pledges = countOf.get(d.id) ?? 0;
    const l = latestOf.get(d.id) ?? { met: 0, notMet: 0 };
    return {
      code: d.code,
      en: d.name_en,
      zh: d.name_zh,
      pledges,
      latest: { met: l.met, notMet: l.notMet, insufficient: pledges - l.met - l.notMet },
    };
  });
  return {
    generatedAt: now.toISOString(),
    month,
    pledges: departments.reduce((a, d) => a + d.pledges, 0),
    departments,
    resultsComputedAt: computedAt,
  };
}
