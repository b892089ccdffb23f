import type { Db } from "../../../db/client";
import { hkDate, nowIso } from "../calendar/time";
import { NO_DEADLINE_STATUSES } from "../cases/lifecycle";
import { listPledges } from "../pledges/registry.server";
import { pledgeResults } from "../pledges/results.server";
import { num } from "./figures";
import { type GovernmentSummary, MANAGEMENT_ROLE } from "./schema";

/*
 * The government's view of a month (the central bureau): how many departments reported, how many
 * reports their management read, the share of targets met, and the departments with the most
 * missed targets and overdue cases. Stored by the monthly fan-out's parent job.
 */

/** A month's stored reports, each with whether one of its department's managers has read it. */
function reportsOfMonth(db: Db, month: string) {
  return db
    .selectFrom("monthly_reports as m")
    .select((eb) => [
      "m.department_id",
      eb
        .exists(
          eb
            .selectFrom("report_reads as rr")
            .innerJoin("staff_users as u", "u.id", "rr.user_id")
            .select("rr.user_id")
            .whereRef("rr.report_id", "=", "m.id")
            .whereRef("u.department_id", "=", "m.department_id")
            .where("u.role", "=", MANAGEMENT_ROLE),
        )
        .as("read"),
    ])
    .where("m.month", "=", month)
    .execute();
}

/** How the whole government routes feedback to management in a month (the paper: 94% do). */
export async function buildGovernmentSummary(
  db: Db,
  month: string,
  now: Date = new Date(),
  top = 5,
): Promise<GovernmentSummary> {
  const today = hkDate(now);
  const [departments, reports, pledges, overdue] = await Promise.all([
    db.selectFrom("departments").select(["id", "code", "name_en", "name_zh"]).orderBy("code").execute(),
    reportsOfMonth(db, month),
    listPledges(db, { statuses: ["published"] }),
    db
      .selectFrom("cases")
      .select((eb) => ["department_id", eb.fn.countAll().as("n")])
      .where("status", "not in", NO_DEADLINE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
          eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
        ]),
      )
      .groupBy("department_id")
      .execute(),
  ]);
  let met = 0;
  let judged = 0;
  const unmet = new Map<number, number>();
  for (const p of pledges) {
    const [r] = await pledgeResults(db, p, [month]);
    if (!r || r.status === "insufficient") continue;
    judged++;
    if (r.status === "met") met++;
    else unmet.set(p.department_id, (unmet.get(p.department_id) ?? 0) + 1);
  }
  const readByManagement = reports.filter((r) => Boolean(Number(r.read))).length;
  const ranked = (counts: Map<number, number>) =>
    departments
      .map((d) => ({ code: d.code, nameEn: d.name_en, nameZh: d.name_zh, count: counts.get(d.id) ?? 0 }))
      .filter((d) => d.count > 0)
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, top);
  return {
    month,
    departments: departments.length,
    reported: reports.length,
    readByManagement,
    readShare: departments.length ? readByManagement / departments.length : null,
    targets: { met, judged, share: judged ? met / judged : null },
    mostUnmet: ranked(unmet),
    mostOverdue: ranked(new Map(overdue.map((o) => [o.department_id, num(o.n)]))),
  };
}

/**
 * Builds and stores the government-wide summary of a month (the parent job of the monthly fan-out
 * runs it once every department's report is done). Rebuilt in place if run again.
 */
export async function saveGovernmentSummary(
  db: Db,
  month: string,
  now: Date = new Date(),
): Promise<GovernmentSummary> {
  const summary = await buildGovernmentSummary(db, month, now);
  const data = JSON.stringify(summary);
  const at = nowIso(now);
  await db
    .insertInto("government_summaries")
    .values({ month, data, generated_at: at })
    .onConflict((oc) => oc.column("month").doUpdateSet({ data, generated_at: at }))
    .execute();
  return summary;
}

/**
 * The stored summary of a month with who has read their report since it was built: reading goes
 * on after the summary is made, so the read figures are counted now. Undefined before the run.
 */
export async function getGovernmentSummary(
  db: Db,
  month: string,
): Promise<(GovernmentSummary & { generatedAt: string }) | undefined> {
  const row = await db
    .selectFrom("government_summaries")
    .select(["data", "generated_at"])
    .where("month", "=", month)
    .executeTakeFirst();
  if (!row) return undefined;
  const stored = JSON.parse(row.data) as GovernmentSummary;
  const reports = await reportsOfMonth(db, month);
  const readByManagement = reports.filter((r) => Boolean(Number(r.read))).length;
  return {
    ...stored,
    reported: reports.length,
    readByManagement,
    readShare: stored.departments ? readByManagement / stored.departments : null,
    generatedAt: row.generated_at,
  };
}

/** Months that have a stored government summary, newest first. */
export async function listGovernmentSummaryMonths(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("government_summaries").select("month").orderBy("month", "desc").execute();
  return rows.map((r) => r.month);
}

/** What of a month is not in the database: departments without their report, and the summary. */
export async function missingReports(
  db: Db,
  month: string,
): Promise<{ departmentIds: number[]; summary: boolean }> {
  const departments = await db
    .selectFrom("departments as d")
    .leftJoin("monthly_reports as r", (j) =>
      j.onRef("r.department_id", "=", "d.id").on("r.month", "=", month),
    )
    .select("d.id")
    .where("r.id", "is", null)
    .orderBy("d.id")
    .execute();
  const summary = await db
    .selectFrom("government_summaries")
    .select("month")
    .where("month", "=", month)
    .executeTakeFirst();
  return { departmentIds: departments.map((d) => d.id), summary: !summary };
}

/** Whether the month's government summary has been built. */
export async function hasGovernmentSummary(db: Db, month: string): Promise<boolean> {
  const row = await db
    .selectFrom("government_summaries")
    .select("month")
    .where("month", "=", month)
    .executeTakeFirst();
  return row !== undefined;
}
