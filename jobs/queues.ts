import type { JobsOptions } from "bullmq";

/**
 * Queue names, job names and default options. Payloads carry ids only, never personal data
 * (BullMQ docs: idempotent jobs, job ids). Processors arrive with the reports issue.
 */
export const QUEUES = {
  reports: "reports",
  notifications: "notifications",
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
  /** reports queue, nightly at 02:30 HK: back up a SQLite database, keep the last BACKUP_KEEP (ADR 0010) */
  backupNightly: "backup.nightly",
} as const;

/** Repeated every 20 s: no retries (the next run retries) and only a short history kept. */
export const SCHEDULED_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1000 },
};

/** Retries with exponential backoff; finished jobs are trimmed so Redis does not grow without bound. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** The BullMQ key prefix for this deployment (tests use their own). */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}
