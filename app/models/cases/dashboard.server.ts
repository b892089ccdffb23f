import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { CaseStatus } from "../../../db/schema";
import { hkDate, hkMonth } from "../calendar/time";
import { daysLeft } from "../calendar/working-days";
import { listPledges } from "../pledges/registry.server";
import { pledgeResults } from "../pledges/results.server";
import { caseListHref, pledgePageHref } from "../reports/links";
import { departmentClosureDates } from "./deadlines.server";
import { NO_DEADLINE_STATUSES } from "./lifecycle";

/*
 * A department's dashboard (issue 14, "see trouble coming"): its open cases by age and by working
 * days left, the cases due in the next five working days, the open appeals and their own
 * deadlines, and each timeliness pledge's projected result for the month. Every figure is a SQL
 * aggregate over the department's rows (the (department_id, status) index), never all its cases
 * loaded; the few distinct due dates are turned into working days left here, with the department's
 * closure days. Each figure links to the case list filtered to its cases (the URL contract).
 *
 * How pledges relate to cases: a timeliness pledge measured from cases (`timeliness_source =
 * 'cases'`) counts the cases of its department AND its service whose pledged step (`case_step`:
 * acknowledgement or reply) was done in the month, met when done by the due date computed from the
 * pledge's own days (results.server.ts countByMonth). The projection adds the open cases of that
 * department and service whose step is still pending and whose stored due date for that step
 * (`ack_due` / `reply_due`, the department's case settings with closure days and clock stops) falls
 * in the month: due today or later they can still meet it; past due they cannot. Open cases due
 * after the month will be counted in a later month and are left out. A pledge measured from
 * service transactions has no open items: it shows the month so far, without a projection.
 */

/** Open: every status but closed and referred (with another department). */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  "received",
  "acknowledged",
  "under_investigation",
  "awaiting_customer",
  "replied",
];
/** Open and with a deadline running (no clock stop, not replied). */
const RUNNING_STATUSES = OPEN_STATUSES.filter((s) => !NO_DEADLINE_STATUSES.includes(s));

/** "Due in the next N working days" on the dashboard. */
export const DASHBOARD_DUE_DAYS = 5;
/** The most rows the due-soon and appeals lists show (the figure links to the whole list). */
export const DASHBOARD_LIST_LIMIT = 50;

/** Age bands in calendar days since receipt (HK dates): [from, to], to null = and older. */
export const AGE_BANDS = [
  { key: "0-7", from: 0, to: 7 },
  { key: "8-14", from: 8, to: 14 },
  { key: "15-30", from: 15, to: 30 },
  { key: "31-60", from: 31, to: 60 },
  { key: "61+", from: 61, to: null },
] as const;

/** Working-days-left bands of the next pending step: [from, to], to null = and later. */
export const LEFT_BANDS = [
  { key: "overdue", from: null, to: -1 },
  { key: "0", from: 0, to: 0 },
  { key: "1-2", from: 1, to: 2 },
  { key: "3-5", from: 3, to: 5 },
  { key: "6-10", from: 6, to: 10 },
  { key: "11+", from: 11, to: null },
] as const;

/** A HK date some calendar days after another ('YYYY-MM-DD'). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The instant a HK date begins, as stored timestamps are compared. */
const hkDayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();

/** The next pending step's due date (the earlier of a pending acknowledgement and reply), in SQL. */
const nextDue = sql<string | null>`case
  when acknowledged_at is null and ack_due is not null
    and (replied_at is not null or reply_due is null or ack_due <= reply_due) then ack_due
  when replied_at is null then reply_due
  else null end`;

/** Same, naming the step. */
const nextStep = sql<"ack" | "reply" | null>`case
  when acknowledged_at is null and ack_due is not null
    and (replied_at is not null or reply_due is null or ack_due <= reply_due) then 'ack'
  when replied_at is null and reply_due is not null then 'reply'
  else null end`;

export interface Band {
  key: string;
  count: number;
  href: string;
}

/**
 * The first and last calendar dates (from today) whose working days left fall in [from, to], over
 * a horizon long enough for any run of holidays; `to` null: no last date.
 */
function datesFor(
  from: number,
  to: number | null,
  today: string,
  now: Date,
  closures: Set<string>,
): { first: string | null; last: string | null } {
  let first: string | null = null;
  let last: string | null = null;
  for (let i = 0; i <= 120; i++) {
    const date = addDays(today, i);
    const left = daysLeft(date, now, closures);
    if (left >= from && (to === null || left <= to)) {
      first ??= date;
      last = date;
    } else if (to !== null && left > to) break;
  }
  return { first, last: to === null ? null : last };
}

export async function departmentDashboard(
  db: Db,
  dept: { id: number; code: string },
  now: Date = new Date(),
) {
  const today = hkDate(now);
  const month = hkMonth(now);
  const closures = await departmentClosureDates(db, dept.id);
  const open = { status: OPEN_STATUSES as CaseStatus[] };

  // Open cases by age: one pass over the department's open cases.
  // Band [from, to] days old: received on a HK date from today - to to today - from.
  const ageRow = await db
    .selectFrom("cases")
    .select(
      AGE_BANDS.map((b, i) => {
        const conds = [];
        if (b.to !== null) conds.push(sql`received_at >= ${hkDayStart(addDays(today, -b.to))}`);
        if (b.from > 0) conds.push(sql`received_at < ${hkDayStart(addDays(today, -b.from + 1))}`);
        const cond = conds.length ? sql.join(conds, sql` and `) : sql`1 = 1`;
        return sql<number>`sum(case when ${cond} then 1 else 0 end)`.as(`a${i}`);
      }),
    )
    .select((eb) => eb.fn.countAll().as("n"))
    .where("department_id", "=", dept.id)
    .where("status", "in", OPEN_STATUSES as CaseStatus[])
    .executeTakeFirst();
  const byAge: Band[] = AGE_BANDS.map((b, i) => ({
    key: b.key,
    count: Number((ageRow as Record<string, unknown> | undefined)?.[`a${i}`] ?? 0),
    href: caseListHref(dept.code, {
      ...open,
      ...(b.to === null ? {} : { received_from: addDays(today, -b.to) }),
      received_to: addDays(today, -b.from),
    }),
  }));
  const openCount = Number(ageRow?.n ?? 0);

  // Open cases by working days left: counts per distinct next due date, banded here.
  const dueRows = await db
    .selectFrom("cases")
    .select([nextDue.as("due"), (eb) => eb.fn.countAll().as("n")])
    .where("department_id", "=", dept.id)
    .where("status", "in", RUNNING_STATUSES)
    .groupBy(nextDue)
    .execute();
  const leftCounts = new Map<string, number>(LEFT_BANDS.map((b) => [b.key, 0]));
  let noDeadline = 0;
  for (const r of dueRows) {
    const n = Number(r.n);
    if (!r.due) {
      noDeadline += n;
      continue;
    }
    const left = daysLeft(r.due, now, closures);
    const band = LEFT_BANDS.find(
      (b) => (b.from === null || left >= b.from) && (b.to === null || left <= b.to),
    );
    if (band) leftCounts.set(band.key, (leftCounts.get(band.key) ?? 0) + n);
  }
  const byDaysLeft: Band[] = LEFT_BANDS.map((b) => {
    if (b.from === null)
      return {
        key: b.key,
        count: leftCounts.get(b.key) ?? 0,
        href: caseListHref(dept.code, { overdue: "1" }),
      };
    const { first, last } = datesFor(b.from, b.to, today, now, closures);
    return {
      key: b.key,
      count: leftCounts.get(b.key) ?? 0,
      href: caseListHref(dept.code, {
        status: RUNNING_STATUSES,
        ...(first ? { due_from: first } : {}),
        ...(last ? { due_to: last } : {}),
      }),
    };
  });
  // Clock stopped (awaiting the customer) or replied and awaiting closure: no deadline runs.
  const paused = await db
    .selectFrom("cases")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("department_id", "=", dept.id)
    .where("status", "in", ["awaiting_customer", "replied"])
    .executeTakeFirst();
  noDeadline += Number(paused?.n ?? 0);

  // Due in the next DASHBOARD_DUE_DAYS working days (today included).
  const dueWindow = datesFor(0, DASHBOARD_DUE_DAYS, today, now, closures);
  const dueTo = dueWindow.last ?? today;
  const dueSoonWhere = db
    .selectFrom("cases as c")
    .where("c.department_id", "=", dept.id)
    .where("c.status", "in", RUNNING_STATUSES)
    .where(nextDue, ">=", today)
    .where(nextDue, "<=", dueTo);
  const [dueSoonCount, dueSoonRows] = await Promise.all([
    dueSoonWhere.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst(),
    dueSoonWhere
      .leftJoin("services as s", "s.id", "c.service_id")
      .leftJoin("staff_users as u", "u.id", "c.assigned_to")
      .select([
        "c.id",
        "c.reference",
        "c.status",
        "s.name_en as service_en",
        "s.name_zh as service_zh",
        "u.display_name as assigned_name",
        nextDue.as("due"),
        nextStep.as("step"),
      ])
      .orderBy(nextDue)
      .orderBy("c.id")
      .limit(DASHBOARD_LIST_LIMIT)
      .execute(),
  ]);
  const dueSoon = {
    count: Number(dueSoonCount?.n ?? 0),
    until: dueTo,
    href: caseListHref(dept.code, { status: RUNNING_STATUSES, due_from: today, due_to: dueTo }),
    rows: dueSoonRows.map((r) => ({
      id: r.id,
      reference: r.reference,
      status: r.status,
      serviceEn: r.service_en,
      serviceZh: r.service_zh,
      assignedName: r.assigned_name,
      step: r.step,
      due: r.due ?? "",
      left: r.due ? daysLeft(r.due, now, closures) : null,
      href: `/staff/cases/${r.id}`,
    })),
  };

  // Open appeals and their own deadlines.
  const appealBase = db
    .selectFrom("appeals as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .where("c.department_id", "=", dept.id)
    .where("a.decided_at", "is", null);
  const [appealCounts, appealRows] = await Promise.all([
    appealBase
      .select((eb) => [
        eb.fn.countAll().as("n"),
        sql<number>`sum(case when a.due < ${today} then 1 else 0 end)`.as("overdue"),
      ])
      .executeTakeFirst(),
    appealBase
      .select(["a.id", "a.case_id", "a.lodged_at", "a.due", "c.reference"])
      .orderBy("a.due")
      .orderBy("a.id")
      .limit(DASHBOARD_LIST_LIMIT)
      .execute(),
  ]);
  const appeals = {
    count: Number(appealCounts?.n ?? 0),
    overdue: Number(appealCounts?.overdue ?? 0),
    href: caseListHref(dept.code, { appeal: "open" }),
    rows: appealRows.map((a) => ({
      id: a.id,
      caseId: a.case_id,
      reference: a.reference,
      lodged: hkDate(a.lodged_at),
      due: a.due,
      left: a.due ? daysLeft(a.due, now, closures) : null,
      href: `/staff/cases/${a.case_id}`,
    })),
  };

  return {
    department: dept,
    today,
    month,
    openCount,
    byAge,
    byDaysLeft,
    noDeadline,
    dueSoon,
    appeals,
    pledges: await pledgeProjections(db, dept, month, today),
  };
}

export type DepartmentDashboard = Awaited<ReturnType<typeof departmentDashboard>>;

/** The last day of a month ('YYYY-MM' → 'YYYY-MM-DD'). */
function monthEnd(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * Each published timeliness pledge's month so far and, for pledges measured from cases, the
 * month's projected best result: (met so far + open cases that can still meet their deadline) /
 * (done so far + open cases due in the month). `cannotMeet`: even if every open case due in the
 * month is done in time, the month stays below the target.
 */
export async function pledgeProjections(
  db: Db,
  dept: { id: number; code: string },
  month: string,
  today: string,
) {
  const pledges = (await listPledges(db, { departmentId: dept.id, statuses: ["published"] })).filter(
    (p) => p.version.target_kind === "timeliness",
  );
  const end = monthEnd(month);
  const out = [];
  for (const p of pledges) {
    const v = p.version;
    const [soFar] = await pledgeResults(db, p, [month]);
    const met = soFar?.compliant ?? 0;
    const done = soFar?.sample ?? 0;
    const target = soFar?.target ?? v.target_share;
    let projection: {
      canStillMeet: number;
      pastDue: number;
      share: number | null;
      cannotMeet: boolean;
    } | null = null;
    if (v.timeliness_source === "cases") {
      const ack = v.case_step === "ack";
      const due = ack ? "ack_due" : "reply_due";
      const row = await db
        .selectFrom("cases")
        .select([
          sql<number>`sum(case when ${sql.ref(due)} >= ${today} then 1 else 0 end)`.as("can"),
          sql<number>`sum(case when ${sql.ref(due)} < ${today} then 1 else 0 end)`.as("late"),
        ])
        .where("department_id", "=", dept.id)
        .where("service_id", "=", p.service_id)
        .where("status", "in", OPEN_STATUSES as CaseStatus[])
        .where(ack ? "acknowledged_at" : "replied_at", "is", null)
        .where(due, "is not", null)
        .where(due, "<=", end)
        .executeTakeFirst();
      const can = Number(row?.can ?? 0);
      const late = Number(row?.late ?? 0);
      const all = done + can + late;
      const share = all > 0 ? Math.round(((met + can) / all) * 1000) / 10 : null;
      projection = { canStillMeet: can, pastDue: late, share, cannotMeet: share !== null && share < target };
    }
    out.push({
      pledgeId: p.id,
      code: p.code,
      statementEn: v.statement_en,
      statementZh: v.statement_zh,
      source: v.timeliness_source,
      target,
      met,
      done,
      achieved: soFar?.achieved ?? null,
      projection,
      href: pledgePageHref(p.id),
      casesHref:
        v.timeliness_source === "cases"
          ? caseListHref(dept.code, { service: String(p.service_id), overdue: "1" })
          : null,
    });
  }
  return out;
}
