import { type JobsOptions, UnrecoverableError } from "bullmq";
import { z } from "zod";
import {
  DEFAULT_JOB_OPTIONS,
  QUEUES,
  type QueueName,
  REGISTRY_IMPORT_JOB,
} from "../app/models/queues/definitions";

/**
 * Every job the worker runs, as a definition: its name (domain.verb), its queue, its payload (a
 * zod schema: ids and months only, never personal data, style.md), the options it is added with
 * and, for the scheduled ones, its schedule. The handlers are in jobs/processors/registry.ts; the
 * worker parses each payload once, with the job's schema, before its handler runs.
 * Queue names and the queues' own options stay in app/models/queues/definitions.ts (the admin
 * queues page reads them; models never import jobs/).
 */

/** Job names (domain.verb). */
export const JOBS = {
  /** notifications queue: e-mail managers about notifications not yet e-mailed, then send the outbox */
  notificationsEscalate: "notifications.escalate",
  /** notifications queue: send unsent outbox messages */
  outboxSend: "outbox.send",
  /**
   * notifications queue, daily at 08:00 HK: remind officers of cases due within two working days
   * (working days only), and department administrators of open review returns (every day)
   */
  casesRemindDue: "cases.remind-due",
  /** reports queue, on the 1st: fan out one report.department per department, under report.government */
  reportsMonthly: "reports.monthly",
  /** reports queue: build and store one department's report, queue its managers' digests */
  reportDepartment: "report.department",
  /** reports queue: the parent of a month's fan-out, run once every department's report is done */
  reportGovernment: "report.government",
  /** maintenance queue, nightly at 02:30 HK: back up a SQLite database, keep the last BACKUP_KEEP (ADR 0010) */
  backupNightly: "backup.nightly",
  /** maintenance queue, nightly at 03:00 HK: delete what the retention periods no longer allow */
  retentionPurge: "retention.purge",
  /** maintenance queue, every 20 s: recompute the stored pledge results marked stale */
  resultsRefresh: "results.refresh",
  /** maintenance queue, nightly at 03:30 HK: recompute every stored pledge result */
  resultsNightly: "results.nightly",
  /** imports queue: load a government's uploaded folder (app/models/imports/registry-imports.server.ts) */
  registryImport: REGISTRY_IMPORT_JOB,
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Repeated every 20 s: no retries (the next run retries) and only a short history kept. */
export const SCHEDULED_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1000 },
};

/** Cron patterns of the daily and monthly schedules are in Hong Kong time. */
export const TIMEZONE = "Asia/Hong_Kong";

// ---- Payloads ----

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

/** reports.monthly: the scheduler sends {}, meaning "the month just ended"; a forced run names one. */
export const MonthlyPayload = z.object({ month: Month.optional() }).strict();
export const DepartmentReportPayload = z
  .object({ departmentId: z.number().int().positive(), month: Month })
  .strict();
export const GovernmentReportPayload = z.object({ month: Month }).strict();
/** backup.nightly: nothing; what to back up comes from the worker's environment. */
export const BackupPayload = z.object({}).strict();
/** registry.import: the registry_imports row to run (the files are under DATA_DIR/imports/<id>/). */
export const RegistryImportPayload = z.object({ importId: z.number().int().positive() }).strict();
/**
 * The 20-second, daily and nightly runs that read all their work from the database: whatever
 * the scheduler (or someone) put in the payload is not looked at.
 */
const Unused = z.unknown();

export type MonthlyPayload = z.infer<typeof MonthlyPayload>;
export type DepartmentReportPayload = z.infer<typeof DepartmentReportPayload>;
export type GovernmentReportPayload = z.infer<typeof GovernmentReportPayload>;
export type BackupPayload = z.infer<typeof BackupPayload>;
export type RegistryImportPayload = z.infer<typeof RegistryImportPayload>;

// ---- Definitions ----

export interface JobDefinition<N extends JobName = JobName, P extends z.ZodType = z.ZodType> {
  name: N;
  queue: QueueName;
  payload: P;
  /** the options the job is added with (by its schedule or by a producer) */
  options: JobsOptions;
  /** a fixed scheduler id (upserting it again leaves one schedule) and when it runs */
  schedule?: { id: string; every: true } | { id: string; pattern: string };
}

const define = <N extends JobName, P extends z.ZodType>(d: JobDefinition<N, P>) => d;

/**
 * Every 20 s, so important feedback logged at a counter reaches managers within a minute; cron
 * patterns in Hong Kong time for the daily and monthly runs. The 20-second jobs are simply run
 * again next time; the daily and monthly ones retry.
 */
export const JOB_DEFINITIONS = {
  [JOBS.notificationsEscalate]: define({
    name: JOBS.notificationsEscalate,
    queue: QUEUES.notifications,
    payload: Unused,
    options: SCHEDULED_JOB_OPTIONS,
    schedule: { id: "escalate-every-20s", every: true },
  }),
  [JOBS.outboxSend]: define({
    name: JOBS.outboxSend,
    queue: QUEUES.notifications,
    payload: Unused,
    options: SCHEDULED_JOB_OPTIONS,
    schedule: { id: "send-every-20s", every: true },
  }),
  // 08:00 every day: officers hear of cases due within two working days; administrators of
  // review returns due within a week or a day (app/models/reviews/reminders.server.ts).
  [JOBS.casesRemindDue]: define({
    name: JOBS.casesRemindDue,
    queue: QUEUES.notifications,
    payload: Unused,
    options: DEFAULT_JOB_OPTIONS,
    schedule: { id: "remind-due-daily", pattern: "0 8 * * *" },
  }),
  // 02:00 on the 1st: the month just ended is complete (late offline batches have arrived).
  [JOBS.reportsMonthly]: define({
    name: JOBS.reportsMonthly,
    queue: QUEUES.reports,
    payload: MonthlyPayload,
    options: DEFAULT_JOB_OPTIONS,
    schedule: { id: "reports-monthly", pattern: "0 2 1 * *" },
  }),
  [JOBS.reportDepartment]: define({
    name: JOBS.reportDepartment,
    queue: QUEUES.reports,
    payload: DepartmentReportPayload,
    options: DEFAULT_JOB_OPTIONS,
  }),
  [JOBS.reportGovernment]: define({
    name: JOBS.reportGovernment,
    queue: QUEUES.reports,
    payload: GovernmentReportPayload,
    options: DEFAULT_JOB_OPTIONS,
  }),
  // 02:30 every night: a backup of a SQLite database (ADR 0010; on Postgres the job does nothing).
  [JOBS.backupNightly]: define({
    name: JOBS.backupNightly,
    queue: QUEUES.maintenance,
    payload: BackupPayload,
    options: DEFAULT_JOB_OPTIONS,
    schedule: { id: "backup-nightly", pattern: "30 2 * * *" },
  }),
  // 03:00 every night: contact details, attachments and complainants' e-mails past their retention.
  [JOBS.retentionPurge]: define({
    name: JOBS.retentionPurge,
    queue: QUEUES.maintenance,
    payload: Unused,
    options: DEFAULT_JOB_OPTIONS,
    schedule: { id: "retention-nightly", pattern: "0 3 * * *" },
  }),
  // Every 20 s: what a transaction, a response, a reading, a case or a registry change touched
  // is on the public pages within a minute (issue 12).
  [JOBS.resultsRefresh]: define({
    name: JOBS.resultsRefresh,
    queue: QUEUES.maintenance,
    payload: Unused,
    options: SCHEDULED_JOB_OPTIONS,
    schedule: { id: "results-refresh-every-20s", every: true },
  }),
  // 03:30 every night: every stored result recomputed (holidays, closure days, anything unmarked).
  [JOBS.resultsNightly]: define({
    name: JOBS.resultsNightly,
    queue: QUEUES.maintenance,
    payload: Unused,
    options: DEFAULT_JOB_OPTIONS,
    schedule: { id: "results-nightly", pattern: "30 3 * * *" },
  }),
  // Added by /central/imports; one at a time (one SQLite writer). A second attempt is safe: the
  // load is all or nothing, and a finished import is not run again.
  [JOBS.registryImport]: define({
    name: JOBS.registryImport,
    queue: QUEUES.imports,
    payload: RegistryImportPayload,
    options: { ...DEFAULT_JOB_OPTIONS, attempts: 2 },
  }),
} satisfies { [N in JobName]: JobDefinition<N> };

export type JobDefinitions = typeof JOB_DEFINITIONS;
/** The data a job's handler receives: its payload, parsed. */
export type JobPayload<N extends JobName> = z.output<JobDefinitions[N]["payload"]>;

/** The scheduled jobs, in the order their schedules are set. */
export const SCHEDULES = Object.values(JOB_DEFINITIONS).flatMap((d: JobDefinition) =>
  d.schedule ? [{ ...d.schedule, queue: d.queue, name: d.name, options: d.options }] : [],
);

/**
 * A job's payload, parsed with its schema. A payload that does not fit fails the job at once and
 * for good (a retry would read the same payload), with the job's name and what is wrong.
 */
export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  const result = JOB_DEFINITIONS[name].payload.safeParse(data);
  if (result.success) return result.data as JobPayload<N>;
  const problems = result.error.issues
    .map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`)
    .join("; ");
  throw new UnrecoverableError(`Invalid payload for ${name}: ${problems}`);
}
