import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { AppealOutcome } from "../../../db/schema";
import { NO_DEADLINE_STATUSES } from "../cases/lifecycle";
import { num } from "./figures";
import { complaintLinks } from "./links";
import { hkMonthRange } from "./months";
import type { DepartmentReport } from "./schema";

/*
 * A report's complaints section: cases received and closed in the month, how many met their
 * pledged acknowledgement and reply dates, the cases overdue now, and the month's appeals.
 */

export async function complaintSection(
  db: Db,
  departmentId: number,
  month: string,
  today: string,
  departmentCode: string,
): Promise<DepartmentReport["complaints"]> {
  const { from, to } = hkMonthRange(month);
  const [received, closed, overdue, lodged, decided] = await Promise.all([
    db
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .executeTakeFirst(),
    db
      .selectFrom("cases")
      .select((eb) => [
        eb.fn.countAll().as("n"),
        sql<number>`sum(case when ack_met = 1 then 1 else 0 end)`.as("ack"),
        sql<number>`sum(case when reply_met = 1 then 1 else 0 end)`.as("reply"),
        sql<number>`sum(case when ack_met = 1 and reply_met = 1 then 1 else 0 end)`.as("both"),
      ])
      .where("department_id", "=", departmentId)
      .where("status", "=", "closed")
      .where("closed_at", ">=", from)
      .where("closed_at", "<", to)
      .executeTakeFirst(),
    // The same test as the queue's "overdue" tab and flagOverdueCases: a pending step past its date.
    db
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("department_id", "=", departmentId)
      .where("status", "not in", NO_DEADLINE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
          eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
        ]),
      )
      .executeTakeFirst(),
    db
      .selectFrom("appeals as a")
      .innerJoin("cases as c", "c.id", "a.case_id")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("c.department_id", "=", departmentId)
      .where("a.lodged_at", ">=", from)
      .where("a.lodged_at", "<", to)
      .executeTakeFirst(),
    db
      .selectFrom("appeals as a")
      .innerJoin("cases as c", "c.id", "a.case_id")
      .select((eb) => [
        "a.outcome",
        eb.fn.countAll().as("n"),
        sql<number>`sum(case when a.met = 1 then 1 else 0 end)`.as("met"),
      ])
      .where("c.department_id", "=", departmentId)
      .where("a.decided_at", ">=", from)
      .where("a.decided_at", "<", to)
      .groupBy("a.outcome")
      .execute(),
  ]);
  const outcomes: Record<AppealOutcome, number> = { upheld: 0, partly_upheld: 0, not_upheld: 0 };
  for (const d of decided) if (d.outcome) outcomes[d.outcome] += num(d.n);
  // Each figure links to the case list filtered to exactly its cases (appeals: the cases appealed).
  const href = complaintLinks(departmentCode, month);
  return {
    received: { count: num(received?.n), href: href.received },
    closed: { count: num(closed?.n), href: href.closed },
    overdue: { count: num(overdue?.n), href: href.overdue },
    ackMet: num(closed?.ack),
    replyMet: num(closed?.reply),
    closedWithinPledge: { count: num(closed?.both), href: href.closedWithinPledge },
    appeals: {
      lodged: { count: num(lodged?.n), href: href.appealsLodged },
      decided: { count: decided.reduce((a, d) => a + num(d.n), 0), href: href.appealsDecided },
      decidedInTime: decided.reduce((a, d) => a + num(d.met), 0),
      outcomes,
    },
  };
}
