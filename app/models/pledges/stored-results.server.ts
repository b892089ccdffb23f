import { type Insertable, sql } from "kysely";
import type { Db } from "../../../db/client";
import type { Pledge, PledgeResultTable, PledgeVersion, StoredPledgeResult } from "../../../db/schema";
import { monthsBetween, type Period, parsePeriod } from "../calendar/periods";
import { hkDate, hkMonth } from "../calendar/time";
import { countByMonth, judge, type PledgeResult, versionFor } from "./results.server";

/**
 * Pledge results stored per pledge × month (issue 12), so that public pages, open data and the
 * overview read them instead of recounting every transaction on every request. Each month is
 * judged against the version in force that month. Writes that change a pledge's figures add a
 * stale mark in their own transaction (markResultsStale); the worker's results.refresh
 * (refreshStaleResults) recomputes just those every 20 s, and results.nightly everything.
 */

/** Statuses whose pledges have results: drafts and approved pledges were never in force. */
const IN_FORCE_STATUSES = ["published", "retired"] as const;

/** Rows per multi-row insert: 8 columns each, well under SQLite's and Postgres' parameter limits. */
const INSERT_CHUNK = 500;
/** Pledges written per transaction: short write locks while web requests write too (ADR 0010). */
const PLEDGES_PER_COMMIT = 200;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The months a pledge was in force on at least one day, up to `lastMonth`: from its first
 * version's effective date to the day before it was retired (a pledge retired on 1 April has no
 * April result; one retired on 15 April has).
 */
export function inForceMonths(
  pledge: Pick<Pledge, "retired_at">,
  versions: Pick<PledgeVersion, "effective_from">[],
  lastMonth: string,
): string[] {
  if (versions.length === 0) return [];
  const from = versions.map((v) => v.effective_from).sort()[0]!;
  const first = from.slice(0, 7);
  if (first > lastMonth) return [];
  const retired = pledge.retired_at ? hkDate(pledge.retired_at) : null;
  return monthsBetween(first, lastMonth).filter((m) => retired === null || `${m}-01` < retired);
}

const periodOf = (month: string) => parsePeriod(month) as Period;

/** Counts and judges one pledge's months, each against the version in force that month. */
async function computePledge(
  db: Db,
  pledge: Pledge,
  versions: PledgeVersion[],
  months: string[],
  computedAt: string,
): Promise<Insertable<PledgeResultTable>[]> {
  const byVersion = new Map<number, { version: PledgeVersion; months: string[] }>();
  const versionOf = new Map<string, PledgeVersion>();
  for (const m of months) {
    const v = versionFor(versions, periodOf(m));
    if (!v) continue;
    versionOf.set(m, v);
    const entry = byVersion.get(v.id) ?? { version: v, months: [] };
    entry.months.push(m);
    byVersion.set(v.id, entry);
  }
  const counts = new Map<number, Map<string, { total: number; ok: number }>>();
  for (const [id, { version, months: ms }] of byVersion)
    counts.set(id, await countByMonth(db, pledge, version, ms));
  const rows: Insertable<PledgeResultTable>[] = [];
  for (const m of months) {
    const v = versionOf.get(m);
    if (!v) continue;
    const c = counts.get(v.id)?.get(m) ?? { total: 0, ok: 0 };
    const r = judge(m, v, c.total, c.ok);
    rows.push({
      pledge_id: pledge.id,
      month: m,
      version_id: v.id,
      total: c.total,
      compliant: c.ok,
      target_share: v.target_share,
      status: r.status,
      computed_at: computedAt,
    });
  }
  return rows;
}

/**
 * Recompute and store pledge × month results for these pledges (all when omitted) and months
 * (every month from the pledge's first effective month to the current HK month when omitted).
 * Rows of months a pledge is no longer in force in (or of a pledge back in draft) are deleted.
 */
export async function recomputeStoredResults(
  db: Db,
  opts?: { pledgeIds?: number[]; months?: string[]; now?: Date },
): Promise<{ pledges: number; rows: number }> {
  const now = opts?.now ?? new Date();
  const computedAt = now.toISOString();
  const lastMonth = hkMonth(now);
  const only = opts?.months ? new Set(opts.months) : null;
  if (opts?.pledgeIds && opts.pledgeIds.length === 0) return { pledges: 0, rows: 0 };
  if (only && only.size === 0) return { pledges: 0, rows: 0 };

  const pledges: Pledge[] = [];
  for (const ids of opts?.pledgeIds ? chunks([...new Set(opts.pledgeIds)], 500) : [null]) {
    let q = db.selectFrom("pledges").selectAll().orderBy("id");
    if (ids) q = q.where("id", "in", ids);
    pledges.push(...(await q.execute()));
  }
  const versionsOf = new Map<number, PledgeVersion[]>();
  for (const ids of opts?.pledgeIds ? chunks([...new Set(opts.pledgeIds)], 500) : [null]) {
    let q = db.selectFrom("pledge_versions").selectAll();
    if (ids) q = q.where("pledge_id", "in", ids);
    for (const v of await q.execute())
      versionsOf.set(v.pledge_id, [...(versionsOf.get(v.pledge_id) ?? []), v]);
  }

  let stored = 0;
  for (const group of chunks(pledges, PLEDGES_PER_COMMIT)) {
    // Count outside the write transaction (reads only), then write the group in one short commit.
    const rows: Insertable<PledgeResultTable>[] = [];
    for (const p of group) {
      const inForce = (IN_FORCE_STATUSES as readonly string[]).includes(p.status)
        ? inForceMonths(p, versionsOf.get(p.id) ?? [], lastMonth)
        : [];
      const months = only ? inForce.filter((m) => only.has(m)) : inForce;
      rows.push(...(await computePledge(db, p, versionsOf.get(p.id) ?? [], months, computedAt)));
    }
    await db.transaction().execute(async (trx) => {
      const ids = group.map((p) => p.id);
      let del = trx.deleteFrom("pledge_results").where("pledge_id", "in", ids);
      if (only) del = del.where("month", "in", [...only]);
      await del.execute();
      for (const part of chunks(rows, INSERT_CHUNK))
        await trx.insertInto("pledge_results").values(part).execute();
    });
    stored += rows.length;
  }
  return { pledges: pledges.length, rows: stored };
}

// ---- Stale marks ----

export interface StaleMark {
  departmentId: number;
  /** omitted: every pledge of the department */
  pledgeId?: number | null;
  /** omitted: every month the pledge was in force */
  month?: string | null;
}

/**
 * Marks stored results out of date. Call it with the transaction that changes the figures, so
 * the mark commits (or not) with the change; results.refresh recomputes them shortly after.
 */
export async function markResultsStale(db: Db, marks: StaleMark[], now = new Date()): Promise<void> {
  const seen = new Set<string>();
  const rows = [];
  for (const m of marks) {
    const key = `${m.departmentId}:${m.pledgeId ?? ""}:${m.month ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      department_id: m.departmentId,
      pledge_id: m.pledgeId ?? null,
      month: m.month ?? null,
      marked_at: now.toISOString(),
    });
  }
  for (const part of chunks(rows, INSERT_CHUNK))
    await db.insertInto("pledge_results_stale").values(part).execute();
}

/** Marks one pledge's results out of date (a change in the registry: all its months). */
export async function markPledgeStale(db: Db, pledgeId: number, month?: string | null): Promise<void> {
  const p = await db
    .selectFrom("pledges")
    .select("department_id")
    .where("id", "=", pledgeId)
    .executeTakeFirst();
  if (p) await markResultsStale(db, [{ departmentId: p.department_id, pledgeId, month }]);
}

/** Marks the results of the pledges measured by a survey out of date, for these months. */
export async function markSurveyStale(db: Db, surveyId: number, months: string[]): Promise<void> {
  if (months.length === 0) return;
  const pledges = await db
    .selectFrom("pledge_versions as v")
    .innerJoin("pledges as p", "p.id", "v.pledge_id")
    .select(["p.id", "p.department_id"])
    .distinct()
    .where("v.survey_id", "=", surveyId)
    .execute();
  await markResultsStale(
    db,
    pledges.flatMap((p) =>
      [...new Set(months)].map((month) => ({ departmentId: p.department_id, pledgeId: p.id, month })),
    ),
  );
}

/**
 * Takes the stale marks there are now, recomputes what they name, and deletes them. Marks added
 * meanwhile stay for the next run; running twice at once only does the work twice.
 */
export async function refreshStaleResults(
  db: Db,
  opts: { now?: Date } = {},
): Promise<{ marks: number; pledges: number; rows: number }> {
  const marks = await db.selectFrom("pledge_results_stale").selectAll().orderBy("id").limit(10_000).execute();
  if (marks.length === 0) return { marks: 0, pledges: 0, rows: 0 };
  const maxId = marks.at(-1)!.id;

  // Department-wide marks name every pledge of the department.
  const deptIds = [...new Set(marks.filter((m) => m.pledge_id === null).map((m) => m.department_id))];
  const ofDept = new Map<number, number[]>();
  for (const ids of chunks(deptIds, 500)) {
    const rows = await db
      .selectFrom("pledges")
      .select(["id", "department_id"])
      .where("department_id", "in", ids)
      .where("status", "in", [...IN_FORCE_STATUSES])
      .execute();
    for (const r of rows) ofDept.set(r.department_id, [...(ofDept.get(r.department_id) ?? []), r.id]);
  }
  // Per pledge: every month (null) or a set of months.
  const wanted = new Map<number, Set<string> | null>();
  const want = (pledgeId: number, month: string | null) => {
    if (!wanted.has(pledgeId)) wanted.set(pledgeId, month === null ? null : new Set([month]));
    else if (month === null) wanted.set(pledgeId, null);
    else wanted.get(pledgeId)?.add(month);
  };
  for (const m of marks) {
    if (m.pledge_id !== null) want(m.pledge_id, m.month);
    else for (const id of ofDept.get(m.department_id) ?? []) want(id, m.month);
  }
  // Pledges with the same months are recomputed together.
  const groups = new Map<string, { months: string[] | undefined; ids: number[] }>();
  for (const [id, months] of wanted) {
    const list = months ? [...months].sort() : undefined;
    const key = list ? list.join(",") : "*";
    const g = groups.get(key) ?? { months: list, ids: [] };
    g.ids.push(id);
    groups.set(key, g);
  }
  let rows = 0;
  for (const g of groups.values())
    rows += (await recomputeStoredResults(db, { pledgeIds: g.ids, months: g.months, now: opts.now })).rows;
  await db.deleteFrom("pledge_results_stale").where("id", "<=", maxId).execute();
  return { marks: marks.length, pledges: wanted.size, rows };
}

/**
 * Everything recomputed (the nightly run, the end of seeding): the marks there were before it
 * started are done with it and deleted.
 */
export async function recomputeAllStoredResults(
  db: Db,
  opts: { now?: Date } = {},
): Promise<{ pledges: number; rows: number; marks: number }> {
  const last = await db
    .selectFrom("pledge_results_stale")
    .select("id")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const r = await recomputeStoredResults(db, { now: opts.now });
  let marks = 0;
  if (last) {
    const del = await db.deleteFrom("pledge_results_stale").where("id", "<=", last.id).executeTakeFirst();
    marks = Number(del.numDeletedRows);
  }
  return { ...r, marks };
}

// ---- Reading ----

/**
 * Stored rows of these pledges (all when omitted) for these months, by pledge then month, and the
 * oldest computed_at among them (when the figures shown were last brought up to date).
 */
export async function readStoredResults(
  db: Db,
  opts: { pledgeIds?: number[]; months: string[] },
): Promise<{ byPledge: Map<number, Map<string, StoredPledgeResult>>; computedAt: string | null }> {
  const byPledge = new Map<number, Map<string, StoredPledgeResult>>();
  let computedAt: string | null = null;
  if (opts.months.length === 0 || opts.pledgeIds?.length === 0) return { byPledge, computedAt };
  for (const ids of opts.pledgeIds ? chunks(opts.pledgeIds, 500) : [null]) {
    let q = db.selectFrom("pledge_results").selectAll().where("month", "in", opts.months);
    if (ids) q = q.where("pledge_id", "in", ids);
    for (const r of await q.execute()) {
      // Postgres may hand numbers back as strings.
      if (typeof r.total !== "number") {
        r.total = Number(r.total);
        r.compliant = Number(r.compliant);
        r.target_share = Number(r.target_share);
      }
      let m = byPledge.get(r.pledge_id);
      if (!m) {
        m = new Map<string, StoredPledgeResult>();
        byPledge.set(r.pledge_id, m);
      }
      m.set(r.month, r);
      if (computedAt === null || r.computed_at < computedAt) computedAt = r.computed_at;
    }
  }
  return { byPledge, computedAt };
}

/** A pledge's stored totals added up per range of months, and the oldest computed_at among them. */
export interface StoredSums {
  sums: Map<string, { total: number; compliant: number }>;
  computedAt: string | null;
}

/**
 * Stored totals of these pledges (all when omitted) added up over ranges of months (years), by
 * pledge, in one GROUP BY over the covering index (pledge_results_totals_idx).
 */
export async function sumStoredResults(
  db: Db,
  opts: { pledgeIds?: number[]; ranges: { key: string; from: string; to: string }[] },
): Promise<Map<number, StoredSums>> {
  const byPledge = new Map<number, StoredSums>();
  if (opts.ranges.length === 0 || opts.pledgeIds?.length === 0) return byPledge;
  const from = opts.ranges.map((r) => r.from).sort()[0]!;
  const to = opts.ranges
    .map((r) => r.to)
    .sort()
    .at(-1)!;
  for (const ids of opts.pledgeIds ? chunks(opts.pledgeIds, 500) : [null]) {
    let q = db
      .selectFrom("pledge_results")
      .select([
        "pledge_id",
        ...opts.ranges.flatMap((r, i) => [
          sql<number>`sum(case when month >= ${r.from} and month <= ${r.to} then total else 0 end)`.as(
            `t${i}`,
          ),
          sql<number>`sum(case when month >= ${r.from} and month <= ${r.to} then compliant else 0 end)`.as(
            `c${i}`,
          ),
        ]),
        sql<string>`min(computed_at)`.as("computed_at"),
      ])
      .where("month", ">=", from)
      .where("month", "<=", to)
      .groupBy("pledge_id");
    if (ids) q = q.where("pledge_id", "in", ids);
    for (const row of (await q.execute()) as unknown as Record<string, number | string | null>[]) {
      const sums = new Map<string, { total: number; compliant: number }>();
      for (const [i, r] of opts.ranges.entries())
        sums.set(r.key, { total: Number(row[`t${i}`] ?? 0), compliant: Number(row[`c${i}`] ?? 0) });
      byPledge.set(Number(row.pledge_id), { sums, computedAt: (row.computed_at as string | null) ?? null });
    }
  }
  return byPledge;
}

/** The pledges of this list with no stored row at all (created since the last refresh). */
export async function pledgesWithoutResults(db: Db, pledgeIds: number[]): Promise<number[]> {
  const have = new Set<number>();
  for (const ids of chunks(pledgeIds, 500)) {
    const rows = await db
      .selectFrom("pledge_results")
      .select("pledge_id")
      .distinct()
      .where("pledge_id", "in", ids)
      .execute();
    for (const r of rows) have.add(r.pledge_id);
  }
  return pledgeIds.filter((id) => !have.has(id));
}

/**
 * The results of these pledges for months and years, from the stored monthly results (issue 12):
 * a month is its stored row; a year adds its months' stored counts up and is judged against the
 * version in force at the year's end. A month the pledge was not in force is "not enough data"
 * with nothing counted. A pledge in force with no stored row yet (created since the last
 * refresh) is computed once, now, and stored.
 */
export async function storedPeriodResults(
  db: Db,
  rows: (Pledge & { version: PledgeVersion })[],
  keys: string[],
  now: Date,
): Promise<{ results: PledgeResult[][]; computedAt: string | null }> {
  if (rows.length === 0) return { results: [], computedAt: null };
  const periods = keys.map((k) => parsePeriod(k) as Period);
  const thisMonth = hkMonth(now);
  const months = [...new Set(periods.flatMap((p) => p.months))].filter((m) => m <= thisMonth).sort();
  const ids = rows.map((r) => r.id);
  const all = ids.length > 500;
  // Only what versionFor and judge read: the full versions of 1,200 pledges cost more than the rest.
  const versionColumns = [
    "id",
    "pledge_id",
    "version_no",
    "effective_from",
    "target_share",
    "min_sample",
  ] as const;
  const versionRows = (await (all
    ? db.selectFrom("pledge_versions").select(versionColumns)
    : db.selectFrom("pledge_versions").select(versionColumns).where("pledge_id", "in", ids)
  ).execute()) as PledgeVersion[];
  const versionsOf = new Map<number, PledgeVersion[]>();
  for (const v of versionRows) versionsOf.set(v.pledge_id, [...(versionsOf.get(v.pledge_id) ?? []), v]);

  // Months: their stored rows; years: their stored totals added up in SQL.
  const monthKeys = periods.filter((p) => p.kind === "month" && p.key <= thisMonth).map((p) => p.key);
  const ranges = periods
    .filter((p) => p.kind !== "month")
    .map((p) => ({ key: p.key, from: p.months[0]!, to: p.months.at(-1)! }));
  const read = async (pledgeIds?: number[]) => ({
    rows: (await readStoredResults(db, { pledgeIds, months: monthKeys })).byPledge,
    sums: await sumStoredResults(db, { pledgeIds, ranges }),
  });
  let { rows: byPledge, sums: sumsOf } = await read(all ? undefined : ids);
  const missing = rows.filter(
    (r) =>
      !byPledge.has(r.id) &&
      !sumsOf.has(r.id) &&
      inForceMonths(r, versionsOf.get(r.id) ?? [], thisMonth).some((m) => months.includes(m)),
  );
  if (missing.length > 0) {
    await recomputeStoredResults(db, { pledgeIds: missing.map((r) => r.id), now });
    const again = await read(missing.map((r) => r.id));
    byPledge = new Map([...byPledge, ...again.rows]);
    sumsOf = new Map([...sumsOf, ...again.sums]);
  }

  let computedAt: string | null = null;
  const older = (at: string | null | undefined) => {
    if (at && (computedAt === null || at < computedAt)) computedAt = at;
  };
  const results = rows.map((r) => {
    const versions = versionsOf.get(r.id) ?? [r.version];
    const stored = byPledge.get(r.id);
    const sums = sumsOf.get(r.id);
    for (const s of stored?.values() ?? []) older(s.computed_at);
    older(sums?.computedAt);
    return periods.map((p): PledgeResult => {
      const v = versionFor(versions, p) ?? r.version;
      if (p.kind === "month") {
        const s = stored?.get(p.key);
        if (!s) return judge(p.key, v, 0, 0);
        return {
          period: p.key,
          achieved: s.total > 0 ? Math.round((s.compliant / s.total) * 1000) / 10 : null,
          compliant: s.compliant,
          sample: s.total,
          target: s.target_share,
          status: s.status,
        };
      }
      const sum = sums?.sums.get(p.key) ?? { total: 0, compliant: 0 };
      return judge(p.key, v, sum.total, sum.compliant);
    });
  });
  return { results, computedAt };
}
