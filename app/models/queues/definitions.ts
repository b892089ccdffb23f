import type { ConnectionOptions, JobsOptions, QueueOptions } from "bullmq";

/**
 * The queues, as the web (the admin queues page) and the worker both see them: their names, the
 * options every Queue is opened with and the Redis key prefix. The jobs themselves (names,
 * payloads, options, schedules, handlers) are defined beside the worker (its definitions.ts).
 */
export const QUEUES = {
  reports: "reports",
  notifications: "notifications",
  /** nightly housekeeping: retention (and other nightly jobs) */
  maintenance: "maintenance",
  /** registry imports (issue 12): long, one at a time */
  imports: "imports",
} as const;

/** The job the central imports page adds (jobs/definitions.ts defines it for the worker). */
export const REGISTRY_IMPORT_JOB = "registry.import";
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

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
