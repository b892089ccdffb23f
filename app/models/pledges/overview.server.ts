import type { Db } from "../../../db/client";
import type { Pledge, PledgeVersion } from "../../../db/schema";
import { lastCompleteMonths, monthsBetween, shiftMonth } from "../calendar/periods";
import { hkDate, hkMonth } from "../calendar/time";
import { pledgeResults, type ResultStatus } from "./results.server";

/**
 * The government-wide overview for the central bureau: the kinds of figure the 2009 review of
 * performance pledges reported (shared/domain.md, "The figures the paper reports"), worked out
 * from this system's data. Each figure's definition is on the page beside it.
 */

export interface ShareFigure {
  count: number;
  total: number;
  /** count / total, 0–1; null when total is 0 */
  share: number | null;
}

export interface TargetsMetFigure {
  /** a year (2026) */
  period: string;
  /** the current year: complete months only, January to the last complete month */
  toDate: boolean;
  met: number;
  judged: number;
  share: number | null;
}

export interface DepartmentOverview {
  code: string;
  en: string;
  zh: string;
  pledges: number;
  /** pledge × month results this year to date */
  ytd: { met: number; judged: number; share: number | null };
  /** the published pledges' results in the last complete month */
  latest: { met: number; notMet: number; insufficient: number };
}

export interface Overview {
  generatedAt: string;
  /** the last complete month */
  lastMonth: string;
  /** the last twelve complete months, oldest first */
  months: string[];
  currentYear: string;
  departments: number;
  pledges: number;
  external: ShareFigure;
  efficiency: ShareFigure;
  /** this year to date, then each of the three years before it, newest first */
  targetsMet: TargetsMetFigure[];
  publishing: ShareFigure;
  changed: {
    /** the first HK date of the three-year window */
    since: string;
    all: ShareFigure;
    strengthened: ShareFigure;
    newService: ShareFigure;
    retired: ShareFigure;
  };
  perDepartment: DepartmentOverview[];
}

function share(count: number, total: number): ShareFigure {
  return { count, total, share: total > 0 ? count / total : null };
}

/** The HK date three years before `today` (29 February becomes 1 March). */
function threeYearsBefore(today: string): string {
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y - 3, m - 1, d)).toISOString().slice(0, 10);
}

/** The UTC instant of a HK date's midnight, to compare with stored ISO timestamps. */
function hkMidnight(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

function lastDayOf(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The months of `months` a pledge was in force: from its first version's effective date to the day
 * it was retired (a month counts when the pledge was in force for any part of it).
 */
export function monthsInForce(
  pledge: Pick<Pledge, "retired_at">,
  versions: Pick<PledgeVersion, "effective_from">[],
  months: string[],
): string[] {
  if (versions.length === 0) return [];
  const from = versions.map((v) => v.effective_from).sort()[0]!;
  const to = pledge.retired_at ? hkDate(pledge.retired_at) : null;
  return months.filter((m) => lastDayOf(m) >= from && (to === null || `${m}-01` <= to));
}

/** Figures for the whole government at `now`. */
export async function governmentOverview(db: Db, now: Date): Promise<Overview> {
  const thisMonth = hkMonth(now);
  const lastMonth = shiftMonth(thisMonth, 1);
  const months = lastCompleteMonths(thisMonth, 12);
  const currentYear = thisMonth.slice(0, 4);
  const ytdMonths = thisMonth.endsWith("-01") ? [] : monthsBetween(`${currentYear}-01`, lastMonth);
  const pastYears = [1, 2, 3].map((n) => String(Number(currentYear) - n));
  const today = hkDate(now);
  const since = threeYearsBefore(today);
  const sinceInstant = hkMidnight(since);

  const departments = await db
    .selectFrom("departments")
    .select(["id", "code", "name_en", "name_zh"])
    .orderBy("code")
    .execute();

  // Pledges that were ever in force: published now, or published once and retired since.
  const pledges = await db
    .selectFrom("pledges")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb("status", "=", "published"),
        eb.and([eb("status", "=", "retired"), eb("published_at", "is not", null)]),
      ]),
    )
    .orderBy("id")
    .execute();
  const versions =
    pledges.length === 0
      ? []
      : await db
          .selectFrom("pledge_versions")
          .selectAll()
          .where(
            "pledge_id",
            "in",
            pledges.map((p) => p.id),
          )
          .execute();
  const versionsOf = new Map<number, PledgeVersion[]>();
  for (const v of versions) versionsOf.set(v.pledge_id, [...(versionsOf.get(v.pledge_id) ?? []), v]);
  const versionById = new Map(versions.map((v) => [v.id, v]));
  const published = pledges.filter((p) => p.status === "published");

  // What the published pledges are: their current versions.
  const current = published.map((p) => versionById.get(p.current_version_id!)).filter((v) => v);
  const external = current.filter((v) => v!.customer === "external").length;
  const efficiency = current.filter((v) => v!.category === "efficiency").length;

  // Every pledge judged month by month, for the months it was in force.
  const wanted = [
    ...new Set([...months, ...ytdMonths, ...pastYears.flatMap((y) => monthsBetween(`${y}-01`, `${y}-12`))]),
  ].sort();
  const statuses = new Map<number, Map<string, ResultStatus>>();
  await Promise.all(
    pledges.map(async (p) => {
      const inForce = monthsInForce(p, versionsOf.get(p.id) ?? [], wanted);
      const results = inForce.length ? await pledgeResults(db, p, inForce) : [];
      statuses.set(p.id, new Map(results.map((r) => [r.period, r.status])));
    }),
  );
  const tally = (ids: Pledge[], monthList: string[]) => {
    let met = 0;
    let judged = 0;
    for (const p of ids)
      for (const m of monthList) {
        const s = statuses.get(p.id)?.get(m);
        if (s === "met") met++;
        if (s === "met" || s === "not_met") judged++;
      }
    return { met, judged, share: judged > 0 ? met / judged : null };
  };
  const targetsMet: TargetsMetFigure[] = [
    { period: currentYear, toDate: true, ...tally(pledges, ytdMonths) },
    ...pastYears.map((y) => ({
      period: y,
      toDate: false,
      ...tally(pledges, monthsBetween(`${y}-01`, `${y}-12`)),
    })),
  ];

  // Departments publishing results: a published pledge judged at least once in the last 12 months.
  const judgedRecently = (p: Pledge) =>
    months.some((m) => {
      const s = statuses.get(p.id)?.get(m);
      return s === "met" || s === "not_met";
    });
  const publishingDepartments = new Set(published.filter(judgedRecently).map((p) => p.department_id));

  // Changed in three years, over the pledges in force at any time in them.
  const inWindow = pledges.filter(
    (p) => p.status === "published" || (p.retired_at !== null && p.retired_at >= sinceInstant),
  );
  const windowIds = new Set(inWindow.map((p) => p.id));
  const changedBy = async (reason: "strengthened" | "new_service") => {
    const rows = await db
      .selectFrom("pledge_versions")
      .select("pledge_id")
      .distinct()
      .where("change_reason", "=", reason)
      .where("effective_from", ">=", since)
      .where("effective_from", "<=", today)
      .execute();
    return new Set(rows.map((r) => r.pledge_id).filter((id) => windowIds.has(id)));
  };
  const strengthened = await changedBy("strengthened");
  const newService = await changedBy("new_service");
  const retired = new Set(inWindow.filter((p) => p.status === "retired").map((p) => p.id));
  const changed = new Set([...strengthened, ...newService, ...retired]);

  const perDepartment: DepartmentOverview[] = departments.map((d) => {
    const mine = pledges.filter((p) => p.department_id === d.id);
    const minePublished = mine.filter((p) => p.status === "published");
    const latest = { met: 0, notMet: 0, insufficient: 0 };
    for (const p of minePublished) {
      const s = statuses.get(p.id)?.get(lastMonth) ?? "insufficient";
      if (s === "met") latest.met++;
      else if (s === "not_met") latest.notMet++;
      else latest.insufficient++;
    }
    return {
      code: d.code,
      en: d.name_en,
      zh: d.name_zh,
      pledges: minePublished.length,
      ytd: tally(mine, ytdMonths),
      latest,
    };
  });

  return {
    generatedAt: now.toISOString(),
    lastMonth,
    months,
    currentYear,
    departments: departments.length,
    pledges: published.length,
    external: share(external, current.length),
    efficiency: share(efficiency, current.length),
    targetsMet,
    publishing: share(publishingDepartments.size, departments.length),
    changed: {
      since,
      all: share(changed.size, inWindow.length),
      strengthened: share(strengthened.size, inWindow.length),
      newService: share(newService.size, inWindow.length),
      retired: share(retired.size, inWindow.length),
    },
    perDepartment,
  };
}
