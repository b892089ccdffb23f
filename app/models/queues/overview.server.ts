import { type Job, type JobType, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { logger } from "../../utils/logger.server";
import { QUEUES, type QueueName, queueOptions } from "./definitions";

/**
 * The job queues as the system administrator sees them (/admin/queues): counts, schedules and
 * failed jobs, read from the worker's BullMQ queues on the web process's own Redis connection.
 * Every call is time-boxed, so a page never waits on a Redis that is down or slow.
 */

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/** The states counted for each queue, in the order the page shows them. */
export const JOB_STATES = [
  "waiting",
  "active",
  "delayed",
  "prioritized",
  "waiting-children",
  "paused",
  "completed",
  "failed",
] as const;
export type JobStateName = (typeof JOB_STATES)[number];

/** How long one look at the queues may take before the page says Redis cannot be reached. */
export const QUEUE_TIMEOUT_MS = 2000;
/** How many of the newest failed jobs the page lists per queue. */
export const FAILED_LIMIT = 50;

/** Job ids are BullMQ's own or ours (`report-2026-10-dept-12`, `repeat:send-every-20s:…`). */
const JOB_ID_RE = /^[A-Za-z0-9_.:@-]{1,200}$/;

export function isQueueName(value: unknown): value is QueueName {
  return typeof value === "string" && (QUEUE_NAMES as readonly string[]).includes(value);
}

export function isJobId(value: unknown): value is string {
  return typeof value === "string" && JOB_ID_RE.test(value);
}

export interface SchedulerView {
  /** the scheduler's fixed id (its key) */
  id: string;
  /** the job name it adds */
  jobName: string;
  pattern: string | null;
  everyMs: number | null;
  tz: string | null;
  /** next run, ms since the epoch */
  nextRunAt: number | null;
}

export interface FailedJobView {
  id: string;
  name: string;
  /** the payload as JSON (ids only, by our convention), cut to a readable length */
  data: string;
  attemptsMade: number;
  failedReason: string;
  finishedOn: number | null;
  /** the first line of the latest stack trace that says where it failed */
  where: string | null;
}

export interface QueueView {
  name: QueueName;
  counts: Record<JobStateName, number>;
  schedulers: SchedulerView[];
  failed: FailedJobView[];
}

export type QueueOverview = { state: "up"; queues: QueueView[] } | { state: "down" };

export type RetryResult =
  | { status: "retried" }
  | { status: "not-found" }
  | { status: "not-failed" }
  | { status: "unreachable" };

export type RetryAllResult = { status: "retried"; count: number } | { status: "unreachable" };

/**
 * One Queue per Redis connection, prefix and name for the life of the process. The Queue uses
 * the web's connection as it is (BullMQ "Reusing Redis connections": a Queue does not block, so
 * a fail-fast producer connection is fine) and never writes the queue's metadata: the worker owns it.
 */
const cache = new WeakMap<Redis, Map<string, Queue>>();

function openQueue(redis: Redis, redisPrefix: string, name: QueueName): Queue {
  let byKey = cache.get(redis);
  if (!byKey) {
    byKey = new Map();
    cache.set(redis, byKey);
  }
  const key = `${redisPrefix}\n${name}`;
  let queue = byKey.get(key);
  if (!queue) {
    queue = new Queue(name, { ...queueOptions(redis, redisPrefix), skipMetasUpdate: true });
    // The web's connection already explains a Redis that is down (createWebRedis); an unheard
    // "error" event would crash the process.
    queue.on("error", () => undefined);
    byKey.set(key, queue);
  }
  return queue;
}

/** Forgets this connection's Queues after a failure; the next look opens new ones. */
function forgetQueues(redis: Redis): void {
  const byKey = cache.get(redis);
  if (!byKey) return;
  cache.delete(redis);
  for (const q of byKey.values()) void q.close().catch(() => undefined);
}

class QueueTimeout extends Error {}

async function timeBoxed<T>(work: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new QueueTimeout("Redis did not answer in time")), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits (at most `ms`) for a connection still making its first connect; false when it is not ready. */
function ready(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    timer.unref();
    redis.once("ready", onReady);
  });
}

/**
 * Runs `work` once Redis is ready and answers, all within the time box; "unreachable" otherwise.
 * A connection that is reconnecting (Redis down) is not waited for at all. Any failure forgets
 * this connection's Queues, so a Queue whose start failed is not kept (its start promise would
 * stay rejected). Work cut off by the time box may still finish in the background.
 */
async function whenReachable<T>(
  redis: Redis,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false }> {
  if (!["ready", "connecting", "connect"].includes(redis.status)) return { ok: false };
  const started = Date.now();
  if (!(await ready(redis, timeoutMs))) return { ok: false };
  try {
    return { ok: true, value: await timeBoxed(work, Math.max(timeoutMs - (Date.now() - started), 100)) };
  } catch (e) {
    forgetQueues(redis);
    if (!(e instanceof QueueTimeout) && !isConnectionError(e))
      logger.warn({ err: e instanceof Error ? e.message : String(e) }, "Reading the job queues failed");
    return { ok: false };
  }
}

function isConnectionError(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|max retries per request/i.test(
    message,
  );
}

function firstFrame(stacktrace: string[] | null | undefined): string | null {
  const latest = stacktrace?.at(-1);
  if (!latest) return null;
  const lines = latest
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => l.startsWith("at ")) ?? lines[0] ?? null)?.slice(0, 300) ?? null;
}

function showData(data: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(data ?? null) ?? "null";
  } catch {
    text = "(unreadable)";
  }
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function failedView(job: Job): FailedJobView {
  return {
    id: String(job.id),
    name: job.name,
    data: showData(job.data),
    attemptsMade: job.attemptsMade,
    failedReason: (job.failedReason ?? "").slice(0, 2000),
    finishedOn: job.finishedOn ?? null,
    where: firstFrame(job.stacktrace),
  };
}

async function viewOf(queue: Queue, name: QueueName, failedLimit: number): Promise<QueueView> {
  const [counts, schedulers, failed] = await Promise.all([
    // "paused" is not in BullMQ's JobType, but getCounts counts its list (the jobs a paused queue holds).
    queue.getJobCounts(...(JOB_STATES as readonly string[] as JobType[])),
    queue.getJobSchedulers(0, -1, true),
    queue.getFailed(0, failedLimit - 1),
  ]);
  return {
    name,
    counts: Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobStateName, number>,
    schedulers: schedulers.map((s) => ({
      id: s.id ?? s.key,
      jobName: s.name,
      pattern: s.pattern ?? null,
      everyMs: s.every == null ? null : Number(s.every),
      tz: s.tz ?? null,
      nextRunAt: s.next == null ? null : Number(s.next),
    })),
    // A job removed while we read the list comes back as undefined.
    failed: failed.filter((j): j is Job => Boolean(j)).map(failedView),
  };
}

/** Every queue's counts, job schedulers and newest failed jobs; "down" when Redis cannot be reached. */
export async function queueOverview(
  redis: Redis,
  redisPrefix: string,
  options: { timeoutMs?: number; failedLimit?: number } = {},
): Promise<QueueOverview> {
  const failedLimit = options.failedLimit ?? FAILED_LIMIT;
  const result = await whenReachable(redis, options.timeoutMs ?? QUEUE_TIMEOUT_MS, () =>
    Promise.all(QUEUE_NAMES.map((name) => viewOf(openQueue(redis, redisPrefix, name), name, failedLimit))),
  );
  return result.ok ? { state: "up", queues: result.value } : { state: "down" };
}

/** Moves one failed job back to waiting, for the worker to run again. */
export async function retryJob(
  redis: Redis,
  redisPrefix: string,
  queueName: QueueName,
  jobId: string,
  options: { timeoutMs?: number } = {},
): Promise<RetryResult> {
  if (!isQueueName(queueName) || !isJobId(jobId)) return { status: "not-found" };
  const queue = openQueue(redis, redisPrefix, queueName);
  const result = await whenReachable(
    redis,
    options.timeoutMs ?? QUEUE_TIMEOUT_MS,
    async (): Promise<RetryResult> => {
      const job = await queue.getJob(jobId);
      if (!job) return { status: "not-found" };
      if ((await job.getState()) !== "failed") return { status: "not-failed" };
      try {
        await job.retry("failed");
      } catch (e) {
        // Retried, removed or taken by someone else between our look and the move.
        if (e instanceof Error && /not in the failed state|Missing key|Missing lock/.test(e.message))
          return { status: "not-failed" };
        throw e;
      }
      return { status: "retried" };
    },
  );
  return result.ok ? result.value : { status: "unreachable" };
}

/** Moves every failed job of a queue back to waiting; says how many were failed just before. */
export async function retryAllFailed(
  redis: Redis,
  redisPrefix: string,
  queueName: QueueName,
  options: { timeoutMs?: number } = {},
): Promise<RetryAllResult> {
  if (!isQueueName(queueName)) throw new Error(`Unknown queue ${String(queueName)}`);
  const queue = openQueue(redis, redisPrefix, queueName);
  const result = await whenReachable(redis, options.timeoutMs ?? QUEUE_TIMEOUT_MS, async () => {
    const count = await queue.getFailedCount();
    if (count > 0) await queue.retryJobs({ state: "failed", count: 1000 });
    return count;
  });
  return result.ok ? { status: "retried", count: result.value } : { status: "unreachable" };
}
