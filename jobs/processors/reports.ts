/**
 * The monthly management reports (issue 6) as plain functions of their dependencies; the worker
 * calls them from jobs/processors/registry.ts and `npm run report` calls the same ones.
 *
 * On the 1st of each month (Hong Kong time) the scheduler's `reports.monthly` job adds one flow:
 * a `report.government` parent whose children are one `report.department` job per department.
 * Each department job builds and stores its report and, in the same transaction, one e-mail digest
 * per manager in the outbox (dedupe keys: once each however often the job runs). When every child
 * has finished (a child that fails for good is recorded and does not hold the others up), the
 * parent stores the government-wide summary and queues one e-mail per central reviewer.
 */
import type { FlowJob, FlowProducer, JobsOptions, Queue } from "bullmq";
import { shiftMonth } from "../../app/models/calendar/periods";
import { hkMonth } from "../../app/models/calendar/time";
import { listDepartmentIds } from "../../app/models/departments/departments.server";
import { DEFAULT_JOB_OPTIONS, QUEUES } from "../../app/models/queues/definitions";
import { generateDepartmentReport } from "../../app/models/reports/build.server";
import { queueDigests, queueSummaryMail } from "../../app/models/reports/digests.server";
import {
  hasGovernmentSummary,
  missingReports,
  saveGovernmentSummary,
} from "../../app/models/reports/government.server";
import type { Db } from "../../db/client";
import { DepartmentReportPayload, GovernmentReportPayload, JOBS, type MonthlyPayload } from "../definitions";

/** The month that ended most recently, in Hong Kong: on 1 Dec 00:30 HKT, "2026-11". */
export function monthJustEnded(now: Date = new Date()): string {
  return shiftMonth(hkMonth(now), 1);
}

/**
 * The latest month whose reports should exist by now: the month just ended once the monthly
 * schedule has run (02:00 on the 1st, Hong Kong time), the one before until then, so a check in
 * the small hours of the 1st never runs a month ahead of the schedule (late batches still arrive).
 */
export function reportsDueMonth(now: Date = new Date()): string {
  const hk = new Date(now.getTime() + 8 * 3600_000);
  const beforeSchedule = hk.getUTCDate() === 1 && hk.getUTCHours() < MONTHLY_RUN_HOUR;
  return shiftMonth(hkMonth(now), beforeSchedule ? 2 : 1);
}

/** The hour (Hong Kong time) of the 1st at which the monthly schedule runs (jobs/worker.ts). */
export const MONTHLY_RUN_HOUR = 2;

/** Fixed job ids: adding a month's flow twice (a retried or duplicated monthly job) adds nothing. */
export const departmentJobId = (departmentId: number, month: string) =>
  `report-${month}-department-${departmentId}`;
export const governmentJobId = (month: string) => `report-${month}-government`;

/**
 * Adds a month's flow: one child per department under the government parent. Atomic (one MULTI),
 * idempotent by job id. Returns the parent's job id.
 */
export async function enqueueMonthlyReports(
  db: Db,
  flow: Pick<FlowProducer, "add">,
  month: string,
  jobOptions: JobsOptions = DEFAULT_JOB_OPTIONS,
  /** only these departments (the rest have their report); all of them when left out */
  departmentIds?: readonly number[],
): Promise<{ parentId: string; departments: number }> {
  const payload = GovernmentReportPayload.parse({ month });
  const departments = await listDepartmentIds(db, departmentIds);
  const children: FlowJob[] = departments.map((id) => ({
    name: JOBS.reportDepartment,
    queueName: QUEUES.reports,
    data: DepartmentReportPayload.parse({ departmentId: id, month }),
    opts: {
      ...jobOptions,
      jobId: departmentJobId(id, month),
      // A department that fails for good is recorded on the parent and does not stop the others
      // nor the summary (which then counts it as not reported).
      ignoreDependencyOnFailure: true,
    },
  }));
  const node = await flow.add({
    name: JOBS.reportGovernment,
    queueName: QUEUES.reports,
    data: payload,
    opts: { ...jobOptions, jobId: governmentJobId(month) },
    children,
  });
  return { parentId: node.job.id ?? governmentJobId(month), departments: departments.length };
}

export interface CatchUpResult {
  month: string;
  /** departments without their report */
  missing: number;
  summaryMissing: boolean;
  /**
   * "complete": nothing is missing; "queued": the missing ones were added now; otherwise the
   * state of the month's summary job already in the queue (running, waiting, or done: a report
   * that failed for good is retried from /admin/queues, not every hour).
   */
  action: "complete" | "queued" | string;
}

/**
 * The worker's check, on start and every hour: are the reports of the month that is due all in
 * the database? When some are missing and the month's flow is not in Redis (flushed, restarted
 * without persistence, or the worker was down on the 1st), adds a flow for the missing
 * departments under the summary's job. Fixed job ids: two workers checking at once add one flow.
 */
export async function enqueueMissingReports(
  deps: {
    db: Db;
    flow: Pick<FlowProducer, "add">;
    /** the reports queue, to look for the month's summary job */
    queue: Pick<Queue, "getJob">;
    jobOptions?: JobsOptions;
  },
  now: Date = new Date(),
): Promise<CatchUpResult> {
  const month = reportsDueMonth(now);
  const { departmentIds, summary } = await missingReports(deps.db, month);
  const result = { month, missing: departmentIds.length, summaryMissing: summary };
  if (departmentIds.length === 0 && !summary) return { ...result, action: "complete" };
  const existing = await deps.queue.getJob(governmentJobId(month));
  if (existing) return { ...result, action: await existing.getState() };
  await enqueueMonthlyReports(deps.db, deps.flow, month, deps.jobOptions, departmentIds);
  return { ...result, action: "queued" };
}

export interface ReportDeps {
  db: Db;
  piiKey: string;
  now?: () => Date;
}

/** `reports.monthly`: the scheduler's monthly run (or a forced one for a named month). */
export async function runMonthly(
  deps: ReportDeps & { flow: Pick<FlowProducer, "add">; jobOptions?: JobsOptions },
  data: MonthlyPayload,
): Promise<{ month: string; parentId: string; departments: number }> {
  const { month = monthJustEnded(deps.now?.() ?? new Date()) } = data;
  const r = await enqueueMonthlyReports(deps.db, deps.flow, month, deps.jobOptions);
  return { month, ...r };
}

/** `report.department`: builds, stores and queues the managers' digests, in one transaction. */
export async function runDepartmentReport(
  deps: ReportDeps,
  data: DepartmentReportPayload,
): Promise<{ reportId: number; digests: number }> {
  const { departmentId, month } = data;
  let digests = 0;
  const { id } = await generateDepartmentReport(
    deps.db,
    departmentId,
    month,
    deps.now?.() ?? new Date(),
    async (trx, reportId, report) => {
      digests = await queueDigests(trx, deps.piiKey, reportId, report);
    },
  );
  // A department retried after the month's summary was built (from the queue page): bring the
  // summary up to date so it counts this report too.
  if (await hasGovernmentSummary(deps.db, month))
    await saveGovernmentSummary(deps.db, month, deps.now?.() ?? new Date());
  return { reportId: id, digests };
}

/** `report.government`: the summary, once the department reports are done; e-mails reviewers. */
export async function runGovernmentSummary(
  deps: ReportDeps,
  data: GovernmentReportPayload,
): Promise<{ month: string; reported: number; departments: number }> {
  const { month } = data;
  const summary = await saveGovernmentSummary(deps.db, month, deps.now?.() ?? new Date());
  await deps.db.transaction().execute(async (trx) => {
    await queueSummaryMail(trx, deps.piiKey, summary);
  });
  return { month, reported: summary.reported, departments: summary.departments };
}
