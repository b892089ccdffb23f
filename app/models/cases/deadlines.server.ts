import type { Db } from "../../../db/client";
import type { Case } from "../../../db/schema";
import { nowIso } from "../calendar/time";
import { type ClockStop, dueDate } from "../calendar/working-days";
import { NO_DEADLINE_STATUSES } from "./lifecycle";
import { getCaseSettings } from "./settings.server";

/*
 * A case's deadlines: the closure days of its department, its clock stops, the pledged due dates
 * computed from them, and the overdue flag. Working days themselves are calendar/working-days.ts.
 */

/** The closure days (typhoon, black rainstorm) that apply to a department: its own and territory-wide. */
export async function departmentClosureDates(db: Db, departmentId: number): Promise<Set<string>> {
  const rows = await db
    .selectFrom("closure_days")
    .select("date")
    .where((eb) => eb.or([eb("department_id", "is", null), eb("department_id", "=", departmentId)]))
    .execute();
  return new Set(rows.map((r) => r.date));
}

export async function clockStops(db: Db, caseId: number): Promise<ClockStop[]> {
  const rows = await db
    .selectFrom("case_clock_stops")
    .select(["from_at", "to_at"])
    .where("case_id", "=", caseId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ from: r.from_at, to: r.to_at }));
}

/** The clock stops of many cases at once (pledge results over a month of cases): one query a thousand cases. */
export async function clockStopsOf(db: Db, caseIds: readonly number[]): Promise<Map<number, ClockStop[]>> {
  const out = new Map<number, ClockStop[]>();
  for (let i = 0; i < caseIds.length; i += 1000) {
    const rows = await db
      .selectFrom("case_clock_stops")
      .select(["case_id", "from_at", "to_at"])
      .where("case_id", "in", caseIds.slice(i, i + 1000))
      .orderBy("id")
      .execute();
    for (const r of rows) {
      const list = out.get(r.case_id) ?? [];
      list.push({ from: r.from_at, to: r.to_at });
      out.set(r.case_id, list);
    }
  }
  return out;
}

/** Computes both pledged deadlines of a case from its receipt, closures and clock stops. */
export async function computeDeadlines(
  db: Db,
  c: Pick<Case, "id" | "department_id" | "received_at">,
): Promise<{ ackDue: string | null; replyDue: string | null }> {
  const [settings, closures, stops] = await Promise.all([
    getCaseSettings(db, c.department_id),
    departmentClosureDates(db, c.department_id),
    clockStops(db, c.id),
  ]);
  return {
    ackDue: dueDate(c.received_at, { days: settings.ack_days, unit: settings.ack_unit }, { closures, stops }),
    replyDue: dueDate(
      c.received_at,
      { days: settings.reply_days, unit: settings.reply_unit },
      { closures, stops },
    ),
  };
}

/**
 * Records "this case is overdue" once per case for its managers (their inbox now, an e-mail once
 * the worker sends it). The worker runs it (jobs: notifications escalate); no page does. Returns
 * how many cases newly went overdue.
 */
export async function flagOverdueCases(db: Db, today: string): Promise<number> {
  const rows = await db
    .selectFrom("cases")
    .select(["id", "department_id"])
    .where("status", "not in", NO_DEADLINE_STATUSES)
    .where("overdue_notified_at", "is", null)
    .where((eb) =>
      eb.or([
        eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
        eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
      ]),
    )
    .execute();
  const at = nowIso();
  for (const r of rows) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("notifications")
        .values({
          department_id: r.department_id,
          kind: "case_overdue",
          entity_type: "case",
          entity_id: r.id,
          created_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx.updateTable("cases").set({ overdue_notified_at: at }).where("id", "=", r.id).execute();
    });
  }
  return rows.length;
}
