import type { ConnectionOptions, JobsOptions, QueueOptions } from "bullmq";

/**
 * Queue names, job names and default options. Payloads carry ids only, never personal data
 * (BullMQ docs: idempotent jobs, job ids). Processors arrive with the reports issue.
 */
export const QUEUES = {
  reports: "reports",
  notifications: "notifications",
  /** nightly housekeeping: retention (and other nightly jobs) */
  maintenance: "maintenance",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names (domain.verb). Payloads carry ids and months only (jobs/payloads.ts). */
export const JOBS = {
  /** notifications queue: e-mail managers about notifications not yet e-mailed, then send the outbox */
  notificationsEscalate: "notifications.escalate",
  /** notifications queue: send unsent outbox messages */
  outboxSend: "outbox.send",
  /** notifications queue, daily at 08:00 HK: remind officers of cases due within two working days */
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
} as const;

/** Repeated every 20 s: no retries (the next run retries) and only a short history kept. */
export const SCHEDULED_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1000 },
};

/**
 * Retries with exponential backoff (5, 10, 20, 40 s) and jitter: each wait is drawn between half
 * and all of that, so jobs that failed together (a database restart, every department's report)
 * do not all come back in the same instant. Finished jobs are trimmed so Redis does not grow
 * without bound.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000, jitter: 0.5 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** Options of every Queue we open: our prefix, and the default job options for any job added to it. */
export function queueOptions(connection: ConnectionOptions, redisPrefix: string): QueueOptions {
  return { connection, prefix: bullPrefix(redisPrefix), defaultJobOptions: DEFAULT_JOB_OPTIONS };
}

/** The BullMQ key prefix for this deployment (tests use their own). */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}
