import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import type { Role } from "../staff/schema";
import { num } from "./figures";
import { type DepartmentReport, MANAGEMENT_ROLE, type ReportListRow } from "./schema";

/*
 * The report inbox: the stored reports a reader may see, each with the reader's own state and
 * whether one of the department's managers has read and acknowledged it; opening and
 * acknowledging a report.
 */

export interface ReportReader {
  id: number;
  role: Role;
  departmentId: number | null;
}

const seesAll = (u: ReportReader) => u.role === "central_reviewer" || u.role === "system_admin";

function reportQuery(db: Db, user: ReportReader) {
  let q = db
    .selectFrom("monthly_reports as m")
    .innerJoin("departments as d", "d.id", "m.department_id")
    .leftJoin("report_reads as mine", (j) =>
      j.onRef("mine.report_id", "=", "m.id").on("mine.user_id", "=", user.id),
    )
    .select((eb) => {
      const management = (col: "rr.read_at" | "rr.acknowledged_at") =>
        eb
          .selectFrom("report_reads as rr")
          .innerJoin("staff_users as u", "u.id", "rr.user_id")
          .select((e) => e.fn.min(col).as("at"))
          .whereRef("rr.report_id", "=", "m.id")
          .whereRef("u.department_id", "=", "m.department_id")
          .where("u.role", "=", MANAGEMENT_ROLE);
      return [
        "m.id",
        "m.month",
        "m.department_id",
        "m.generated_at",
        "d.code",
        "d.name_en",
        "d.name_zh",
        "mine.read_at",
        "mine.acknowledged_at",
        management("rr.read_at").as("management_read_at"),
        management("rr.acknowledged_at").as("management_acknowledged_at"),
      ];
    });
  if (!seesAll(user)) q = q.where("m.department_id", "=", user.departmentId ?? -1);
  return q;
}

type ReportRow = Awaited<ReturnType<ReturnType<typeof reportQuery>["execute"]>>[number];

const toListRow = (r: ReportRow): ReportListRow => ({
  id: num(r.id),
  month: r.month,
  departmentId: r.department_id,
  departmentCode: r.code,
  departmentEn: r.name_en,
  departmentZh: r.name_zh,
  generatedAt: r.generated_at,
  readAt: r.read_at ?? null,
  acknowledgedAt: r.acknowledged_at ?? null,
  managementReadAt: (r.management_read_at as string | null) ?? null,
  managementAcknowledgedAt: (r.management_acknowledged_at as string | null) ?? null,
});

/** The reports a reader may see, newest month first: their department's, or all for the central reviewer. */
export async function listReports(db: Db, user: ReportReader, limit = 500): Promise<ReportListRow[]> {
  const rows = await reportQuery(db, user)
    .orderBy("m.month", "desc")
    .orderBy("d.code")
    .limit(limit)
    .execute();
  return rows.map(toListRow);
}

/** One stored report with the reader's state; undefined for another department's (or none). */
export async function getReport(
  db: Db,
  id: number,
  user: ReportReader,
): Promise<(ReportListRow & { data: DepartmentReport }) | undefined> {
  const row = await reportQuery(db, user).select("m.data").where("m.id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return { ...toListRow(row), data: JSON.parse(row.data) as DepartmentReport };
}

/** Records that a reader opened a report (the first time only). */
export async function markRead(db: Db, reportId: number, userId: number, now: Date = new Date()) {
  await db
    .insertInto("report_reads")
    .values({ report_id: reportId, user_id: userId, read_at: nowIso(now), acknowledged_at: null })
    .onConflict((oc) => oc.columns(["report_id", "user_id"]).doNothing())
    .execute();
}

/** Records that a reader acknowledged a report (reading it too); the first acknowledgement stands. */
export async function acknowledge(
  db: Db,
  reportId: number,
  userId: number,
  now: Date = new Date(),
  departmentId: number | null = null,
) {
  const at = nowIso(now);
  await recordAudit(db, {
    action: "report.acknowledge",
    actorUserId: userId,
    departmentId,
    entityType: "monthly_report",
    entityId: reportId,
  });
  await db
    .insertInto("report_reads")
    .values({ report_id: reportId, user_id: userId, read_at: at, acknowledged_at: at })
    .onConflict((oc) =>
      oc
        .columns(["report_id", "user_id"])
        .doUpdateSet({ acknowledged_at: sql<string>`coalesce(report_reads.acknowledged_at, ${at})` }),
    )
    .execute();
}

/** Whether a reader's opening and acknowledging are recorded: staff of the report's department. */
export function recordsReading(user: ReportReader, departmentId: number): boolean {
  return user.departmentId === departmentId && (user.role === "manager" || user.role === "department_admin");
}
