import { z } from "zod";

/**
 * The payloads of the jobs that carry data, checked when a job is added and again when it is
 * processed. Ids and months only: never personal data (style.md, "no personal data in job payloads").
 */
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

/** reports.monthly: the scheduler sends {}, meaning "the month just ended"; a forced run names one. */
export const MonthlyPayload = z.object({ month: Month.optional() }).strict();
export const DepartmentReportPayload = z
  .object({ departmentId: z.number().int().positive(), month: Month })
  .strict();
export const GovernmentReportPayload = z.object({ month: Month }).strict();
/** backup.nightly: nothing; what to back up comes from the worker's environment. */
export const BackupPayload = z.object({}).strict();

export type MonthlyPayload = z.infer<typeof MonthlyPayload>;
export type DepartmentReportPayload = z.infer<typeof DepartmentReportPayload>;
export type GovernmentReportPayload = z.infer<typeof GovernmentReportPayload>;
