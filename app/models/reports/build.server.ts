import type { Db } from "../../../db/client";
import { hkDate, nowIso } from "../calendar/time";
import { complaintSection } from "./complaint-section.server";
import { feedbackSection, importantSection } from "./feedback-section.server";
import { num } from "./figures";
import { trendMonths } from "./months";
import { pledgeSection } from "./pledge-section.server";
import type { DepartmentReport } from "./schema";
import { surveySection } from "./survey-section.server";

/*
 * The department's monthly management report (the paper, §6: "feedback is stored in a computer
 * system that senior staff can reach, and monthly reports analyse it"). Built from SQL GROUP BYs on
 * the stored month buckets (shared/performance.md, lesson 2), stored as JSON per department and
 * month, then read and acknowledged by its managers (inbox.server.ts). No personal data: no
 * complainant's name or contact, no case text; staff-written feedback summaries and citizens'
 * anonymous survey comments only. Each section is built in its own file.
 */

/** Bumped when the shape of DepartmentReport changes; old stored reports are rebuilt by the script. */
export const REPORT_VERSION = 1;

/** A department's report for a month, computed now (nothing is stored). */
export async function buildDepartmentReport(
  db: Db,
  departmentId: number,
  month: string,
  now: Date = new Date(),
): Promise<DepartmentReport> {
  const dept = await db
    .selectFrom("departments")
    .select(["id", "code", "name_en", "name_zh"])
    .where("id", "=", departmentId)
    .executeTakeFirstOrThrow();
  const months = trendMonths(month);
  const surveys = await surveySection(db, departmentId, month, months);
  const [feedback, complaints, pledges, importantFeedback] = await Promise.all([
    feedbackSection(
      db,
      departmentId,
      month,
      surveys.perSurvey.map((s) => s.surveyId),
      dept.code,
    ),
    complaintSection(db, departmentId, month, hkDate(now), dept.code),
    pledgeSection(db, departmentId, month),
    importantSection(db, departmentId, month, dept.code),
  ]);
  return {
    version: REPORT_VERSION,
    month,
    months,
    generatedAt: nowIso(now),
    asOf: hkDate(now),
    department: { id: dept.id, code: dept.code, nameEn: dept.name_en, nameZh: dept.name_zh },
    surveys,
    feedback,
    complaints,
    pledges,
    importantFeedback,
  };
}

/**
 * Builds and stores a department's report for a month. Idempotent: run again, the same row
 * (same id, so its reads stay) gets the new figures and generated_at.
 */
export async function generateDepartmentReport(
  db: Db,
  departmentId: number,
  month: string,
  now: Date = new Date(),
  /** runs in the same transaction as the upsert: e.g. the managers' e-mail digest in the outbox */
  alsoInTransaction?: (trx: Db, reportId: number, report: DepartmentReport) => Promise<void>,
): Promise<{ id: number; report: DepartmentReport }> {
  const report = await buildDepartmentReport(db, departmentId, month, now);
  const data = JSON.stringify(report);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("monthly_reports")
      .values({ department_id: departmentId, month, data, generated_at: report.generatedAt })
      .onConflict((oc) =>
        oc.columns(["department_id", "month"]).doUpdateSet({ data, generated_at: report.generatedAt }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await alsoInTransaction?.(trx, num(row.id), report);
    return num(row.id);
  });
  return { id, report };
}
