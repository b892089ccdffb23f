import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { PledgeVersion } from "../../../db/schema";
import { monthsBetween, type Period, parsePeriod, shiftMonth } from "../calendar/periods";
import { hkDate, hkMonth } from "../calendar/time";
import { versionFor } from "./results.server";

/**
 * The government-wide overview for the central bureau (issue 12): the kinds of figure the 2009
 * review of performance pledges reported (shared/domain.md), for the three 12-month years ending
 * at a chosen month, from the STORED results only (pledges/stored-results.server.ts): one
 * aggregate query over pledge_results, no recounting per request. Deactivated departments are
 * left out. The definitions are in the brief's words on the page and in `definitions` below.
 */

export interface ShareFigure {
  count: number;
  total: number;
  /** count / total, 0–1; null when total is 0 */
  share: number | null;
}

export interface OverviewYear {
  /** first and last month of the 12 */
  from: string;
  to: string;
  /** pledges in force the whole year with something counted in it */
  withResult: number;
  /** of those, the ones whose achieved share reached the target in force at the year's end */
  met: number;
  /** met ÷ withResult, 0–1; null when no pledge has a result */
  share: number | null;
}

export interface Overview {
  /** the last month of the window (YYYY-MM) */
  end: string;
  /** the 36 months of the window, oldest first */
  months: string[];
  /** the three years, oldest first */
  years: OverviewYear[];
  /** the mean of the years' shares that are not null; null when none */
  mean: number | null;
  /** active departments */
  departments: number;
  /** pledges in force on at least one day of the window (the denominator of the shares) */
  pledges: number;
  shares: {
    external: ShareFigure;
    internal: ShareFigure;
    efficiency: ShareFigure;
    quality: ShareFigure;
    changed: ShareFigure;
    strengthened: ShareFigure;
    newService: ShareFigure;
    retired: ShareFigure;
  };
  /** the oldest computed_at of the stored results read: when the figures were brought up to date */
  resultsComputedAt: string | null;
  definitions: Record<"result" | "yearShare" | "mean" | "window" | "changed", string>;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The last complete Hong Kong month before `now`: the default end of the window. */
export function lastCompleteMonth(now: Date): string {
  return shiftMonth(hkMonth(now), 1);
}

/**
 * The end of the window from `?end=`: a month (YYYY-MM) no later than the last complete month;
 * the last complete month when absent or empty; null when it is not such a month.
 */
export function parseOverviewEnd(raw: string | null, now: Date): string | null {
  const last = lastCompleteMonth(now);
  if (raw === null || raw.trim() === "") return last;
  const m = MONTH.exec(raw.trim());
  if (!m || Number(m[1]) < 1900) return null;
  return m[0] <= last ? m[0] : null;
}

function share(count: number, total: number): ShareFigure {
  return { count, total, share: total > 0 ? count / total : null };
}

function lastDayOf(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

const DEFINITIONS: Overview["definitions"] = {
  result:
    "A pledge has a result for a year iff it was in force the whole year (first version effective on or before the year's first day; not retired, or retired after the year's last day, HK dates) and its stored monthly totals over the 12 months sum to more than 0. Achieved share = sum of compliant / sum of total over the 12 months, each month counted against the version in force that month. Met iff compliant x 100 >= target percent x total, the target being that of the version in force at the year's end.",
  yearShare: "met / withResult",
  mean: "mean of the years' shares that are not null",
  window:
    "shares are over the pledges in force on at least one day of the window (first version effective on or before its last day, not retired before its first day) of active departments; customer and category from the current version",
  changed:
    "strengthened: a 'strengthened' version effective in the window; new: first version 'new_service' effective in the window; retired: retired_at (HK date) in the window; changed: any of the three",
};

/** The overview for the 36 months ending at `end` (YYYY-MM), from the stored results. */
export async function governmentOverview(db: Db, end: string): Promise<Overview> {
  const start = shiftMonth(end, 35);
  const months = monthsBetween(start, end);
  const years = [0, 1, 2].map((i) => ({ from: months[i * 12]!, to: months[i * 12 + 11]! }));
  const windowFirst = `${start}-01`;
  const windowLast = lastDayOf(end);

  const [departments, pledges, versions, sums] = await Promise.all([
    db
      .selectFrom("departments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("is_active", "=", 1)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("pledges as p")
      .innerJoin("departments as d", "d.id", "p.department_id")
      .select(["p.id", "p.status", "p.retired_at", "p.current_version_id"])
      .where("d.is_active", "=", 1)
      .where("p.status", "in", ["published", "retired"])
      .execute(),
    db
      .selectFrom("pledge_versions")
      .select([
        "id",
        "pledge_id",
        "version_no",
        "effective_from",
        "change_reason",
        "customer",
        "category",
        "target_share",
      ])
      .execute(),
    // One pass over the window's stored rows: each pledge's totals per year.
    db
      .selectFrom("pledge_results")
      .select([
        "pledge_id",
        ...years.flatMap((y, i) => [
          sql<number>`sum(case when month >= ${y.from} and month <= ${y.to} then total else 0 end)`.as(
            `t${i}`,
          ),
          sql<number>`sum(case when month >= ${y.from} and month <= ${y.to} then compliant else 0 end)`.as(
            `c${i}`,
          ),
        ]),
        sql<string>`min(computed_at)`.as("computed_at"),
      ])
      .where("month", ">=", start)
      .where("month", "<=", end)
      .groupBy("pledge_id")
      .execute(),
  ]);

  type V = Pick<
    PledgeVersion,
    | "id"
    | "pledge_id"
    | "version_no"
    | "effective_from"
    | "change_reason"
    | "customer"
    | "category"
    | "target_share"
  >;
  const versionsOf = new Map<number, V[]>();
  const versionById = new Map<number, V>();
  for (const v of versions) {
    versionsOf.set(v.pledge_id, [...(versionsOf.get(v.pledge_id) ?? []), v]);
    versionById.set(v.id, v);
  }
  const sumsOf = new Map(
    sums.map((s) => [s.pledge_id, s as unknown as Record<string, number | string | null>]),
  );

  const yearFigures = years.map((y) => ({ ...y, withResult: 0, met: 0 }));
  const bounds = years.map((y) => ({
    first: `${y.from}-01`,
    last: lastDayOf(y.to),
    period: parsePeriod(y.to) as Period,
  }));
  let computedAt: string | null = null;
  const inWindow: { id: number; current: V | undefined; retiredOn: string | null; versions: V[] }[] = [];
  for (const p of pledges) {
    const vs = versionsOf.get(p.id) ?? [];
    if (vs.length === 0) continue;
    const firstFrom = vs.map((v) => v.effective_from).sort()[0]!;
    const retiredOn = p.retired_at ? hkDate(p.retired_at) : p.status === "retired" ? "0000-01-01" : null;
    // In force on at least one day of the window.
    if (firstFrom > windowLast || (retiredOn !== null && retiredOn <= windowFirst)) continue;
    inWindow.push({
      id: p.id,
      current: versionById.get(p.current_version_id ?? -1),
      retiredOn,
      versions: vs,
    });
    const s = sumsOf.get(p.id);
    if (!s) continue;
    if (s.computed_at && (computedAt === null || (s.computed_at as string) < computedAt))
      computedAt = s.computed_at as string;
    yearFigures.forEach((y, i) => {
      const { first: yearFirst, last: yearLast, period } = bounds[i]!;
      if (firstFrom > yearFirst || (retiredOn !== null && retiredOn <= yearLast)) return;
      const total = Number(s[`t${i}`] ?? 0);
      if (total <= 0) return;
      const compliant = Number(s[`c${i}`] ?? 0);
      const v = versionFor(vs as PledgeVersion[], period);
      y.withResult++;
      // Exact: compliant/total ≥ target% ⇔ compliant × 100 ≥ target × total.
      if (v && compliant * 100 >= Number(v.target_share) * total) y.met++;
    });
  }

  const yearsOut: OverviewYear[] = yearFigures.map((y) => ({
    ...y,
    share: y.withResult > 0 ? y.met / y.withResult : null,
  }));
  const shares = yearsOut.map((y) => y.share).filter((s): s is number => s !== null);
  const inRange = (date: string) => date >= windowFirst && date <= windowLast;
  const n = inWindow.length;
  const count = (f: (p: (typeof inWindow)[number]) => boolean) => inWindow.filter(f).length;
  const strengthened = (p: (typeof inWindow)[number]) =>
    p.versions.some((v) => v.change_reason === "strengthened" && inRange(v.effective_from));
  const newService = (p: (typeof inWindow)[number]) => {
    const first = [...p.versions].sort((a, b) => a.version_no - b.version_no)[0]!;
    return first.change_reason === "new_service" && inRange(first.effective_from);
  };
  const retired = (p: (typeof inWindow)[number]) => p.retiredOn !== null && inRange(p.retiredOn);

  return {
    end,
    months,
    years: yearsOut,
    mean: shares.length > 0 ? shares.reduce((a, b) => a + b, 0) / shares.length : null,
    departments: Number(departments.n),
    pledges: n,
    shares: {
      external: share(
        count((p) => p.current?.customer === "external"),
        n,
      ),
      internal: share(
        count((p) => p.current?.customer === "internal"),
        n,
      ),
      efficiency: share(
        count((p) => p.current?.category === "efficiency"),
        n,
      ),
      quality: share(
        count((p) => p.current?.category === "quality"),
        n,
      ),
      changed: share(
        count((p) => strengthened(p) || newService(p) || retired(p)),
        n,
      ),
      strengthened: share(count(strengthened), n),
      newService: share(count(newService), n),
      retired: share(count(retired), n),
    },
    resultsComputedAt: computedAt,
    definitions: DEFINITIONS,
  };
}
