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

/** Job names (domain.verb). Both run on the notifications queue with empty payloads. */
export const JOBS = {
  /** e-mail managers about notifications not yet e-mailed, then send the outbox */
  notificationsEscalate: "notifications.escalate",
  /** send unsent outbox messages */
  outboxSend: "outbox.send",
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
