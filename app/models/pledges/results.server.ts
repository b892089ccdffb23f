import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { Pledge, PledgeVersion } from "../../../db/schema";
import { type Period, parsePeriod } from "../calendar/periods";
import { hkDate } from "../calendar/time";
import { dueDate, isMet } from "../calendar/working-days";
import { clockStopsOf, departmentClosureDates } from "../cases/deadlines.server";

export type ResultStatus = "met" | "not_met" | "insufficient";

export interface PledgeResult {
  period: string;
  /** share meeting the standard, in percent (one decimal); null when nothing was measured */
  achieved: number | null;
  compliant: number;
  sample: number;
  target: number;
  status: ResultStatus;
}

type MonthCounts = Map<string, { total: number; ok: number }>;

function add(map: MonthCounts, month: string, total: number, ok: number) {
  const cur = map.get(month) ?? { total: 0, ok: 0 };
  cur.total += total;
  cur.ok += ok;
  map.set(month, cur);
}

/** HK-midnight instants bounding a list of months, for filtering ISO timestamps. */
function instantRange(months: string[]): { from: string; to: string } {
  const first = months[0]!;
  const last = months.at(-1)!;
  const [ly, lm] = last.split("-").map(Number) as [number, number];
  const next = new Date(Date.UTC(ly, lm, 1)).toISOString().slice(0, 7);
  return {
    from: new Date(Date.parse(`${first}-01T00:00:00+08:00`)).toISOString(),
    to: new Date(Date.parse(`${next}-01T00:00:00+08:00`)).toISOString(),
  };
}

/**
 * Counts, per month, the items a pledge version measures and how many met its standard, from the
 * data where it lives: service transactions (elapsed days stored at completion), cases (deadline
 * computed with the working-day calendar and clock stops), a survey question's top-two box, or
 * quality readings against a threshold. All aggregates are SQL GROUP BYs except cases, which are few.
 */
export async function countByMonth(
  db: Db,
  pledge: Pledge,
  v: PledgeVersion,
  months: string[],
): Promise<MonthCounts> {
  const out: MonthCounts = new Map();
  if (months.length === 0) return out;
  if (v.target_kind === "timeliness" && v.timeliness_source === "transactions") {
    const col = v.day_unit === "calendar" ? "calendar_days" : "working_days";
    const rows = await db
      .selectFrom("service_transactions")
      .select((eb) => [
        "month",
        eb.fn.countAll<number>().as("total"),
        sql<number>`sum(case when ${sql.ref(col)} <= ${v.days ?? 0} then 1 else 0 end)`.as("ok"),
      ])
      .where("department_id", "=", pledge.department_id)
      .where("transaction_type", "=", v.transaction_type ?? "")
      .where("month", "in", months)
      .groupBy("month")
      .execute();
    for (const r of rows) add(out, r.month!, Number(r.total), Number(r.ok));
  } else if (v.target_kind === "timeliness" && v.timeliness_source === "cases") {
    const step = v.case_step === "ack" ? "acknowledged_at" : "replied_at";
    const { from, to } = instantRange(months);
    const cases = await db
      .selectFrom("cases")
      .select(["id", "received_at", "acknowledged_at", "replied_at"])
      .where("department_id", "=", pledge.department_id)
      .where("service_id", "=", pledge.service_id)
      .where(step, ">=", from)
      .where(step, "<", to)
      .execute();
    const closures = await departmentClosureDates(db, pledge.department_id);
    const stops = await clockStopsOf(
      db,
      cases.map((c) => c.id),
    );
    for (const c of cases) {
      const done = (v.case_step === "ack" ? c.acknowledged_at : c.replied_at)!;
      const due = dueDate(
        c.received_at,
        { days: v.days ?? 0, unit: v.day_unit ?? "working" },
        {
          closures,
          stops: stops.get(c.id) ?? [],
        },
      );
      add(out, hkDate(done).slice(0, 7), 1, due && isMet(done, due) ? 1 : 0);
    }
  } else if (v.target_kind === "satisfaction") {
    const rows = await db
      .selectFrom("survey_answers")
      .select((eb) => [
        "month",
        eb.fn.countAll<number>().as("total"),
        sql<number>`sum(case when value_number >= 4 then 1 else 0 end)`.as("ok"),
      ])
      .where("survey_id", "=", v.survey_id ?? -1)
      .where("question_key", "=", v.question_key ?? "")
      .where("month", "in", months)
      .where("value_number", "is not", null)
      .groupBy("month")
      .execute();
    for (const r of rows) add(out, r.month, Number(r.total), Number(r.ok));
  } else if (v.target_kind === "measured") {
    const cmp = v.comparator === "lte" ? sql`value <= ${v.threshold}` : sql`value >= ${v.threshold}`;
    const rows = await db
      .selectFrom("quality_readings")
      .select((eb) => [
        "month",
        eb.fn.countAll<number>().as("total"),
        sql<number>`sum(case when ${cmp} then 1 else 0 end)`.as("ok"),
      ])
      .where("pledge_id", "=", pledge.id)
      .where("month", "in", months)
      .groupBy("month")
      .execute();
    for (const r of rows) add(out, r.month, Number(r.total), Number(r.ok));
  }
  return out;
}

/** Judges a period's counts against a version: met, not met, or not enough data to judge. */
export function judge(
  period: string,
  v: Pick<PledgeVersion, "target_share" | "min_sample">,
  total: number,
  ok: number,
): PledgeResult {
  const achieved = total > 0 ? Math.round((ok / total) * 1000) / 10 : null;
  const status: ResultStatus =
    total < v.min_sample || achieved === null
      ? "insufficient"
      : achieved >= v.target_share
        ? "met"
        : "not_met";
  return { period, achieved, compliant: ok, sample: total, target: v.target_share, status };
}

/** The version in force at the end of a period (a strengthened target applies from its effective date). */
export function versionFor(versions: PledgeVersion[], period: Period): PledgeVersion | undefined {
  const sorted = [...versions].sort((a, b) => b.version_no - a.version_no);
  return sorted.find((v) => v.effective_from <= period.end) ?? sorted.at(-1);
}

/** Results of one pledge for any periods (months, quarters, years), from one count per month. */
export async function pledgeResults(db: Db, pledge: Pledge, periodKeys: string[]): Promise<PledgeResult[]> {
  const versions = await db
    .selectFrom("pledge_versions")
    .selectAll()
    .where("pledge_id", "=", pledge.id)
    .execute();
  const periods = periodKeys.map((k) => parsePeriod(k)).filter((p): p is Period => p !== null);
  // Count per month once per version that applies, then add months up per period.
  const byVersion = new Map<number, { version: PledgeVersion; months: Set<string> }>();
  for (const p of periods) {
    const v = versionFor(versions, p);
    if (!v) continue;
    const entry = byVersion.get(v.id) ?? { version: v, months: new Set<string>() };
    for (const m of p.months) entry.months.add(m);
    byVersion.set(v.id, entry);
  }
  const counts = new Map<number, MonthCounts>();
  for (const [id, { version, months }] of byVersion)
    counts.set(id, await countByMonth(db, pledge, version, [...months].sort()));
  return periods.map((p) => {
    const v = versionFor(versions, p)!;
    let total = 0;
    let ok = 0;
    for (const m of p.months) {
      const c = counts.get(v.id)?.get(m);
      if (c) {
        total += c.total;
        ok += c.ok;
      }
    }
    return judge(p.key, v, total, ok);
  });
}
