/**
 * The worker process: its own process, deployed and restarted on its own
 * (docs/decisions/0004-worker-is-its-own-process.md). It connects to Redis, runs a BullMQ Worker
 * for every queue that has processors, and closes cleanly on SIGTERM.
 */
import { pathToFileURL } from "node:url";
import { Queue, Worker } from "bullmq";
import { loadEnv } from "../app/utils/env.server";
import { createMailer } from "../app/utils/mailer.server";
import { REDIS_HELP, safeUrl } from "../app/utils/redis.server";
import { createDb } from "../db/client";
import { producerConnection, workerConnection } from "./connection";
import { buildProcessors } from "./processors";
import { bullPrefix, JOBS, QUEUES, SCHEDULED_JOB_OPTIONS } from "./queues";
import { type Processor, registry } from "./registry";

export interface RunningWorker {
  workers: Worker[];
  close(): Promise<void>;
}

export async function startWorker(options: {
  redisUrl: string;
  redisPrefix: string;
  processors?: typeof registry;
  concurrency?: number;
  log?: (line: string) => void;
}): Promise<RunningWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const processors = options.processors ?? registry;
  const connection = workerConnection(options.redisUrl);
  let warned = false;
  connection.on("error", () => {
    if (!warned) log(REDIS_HELP.replace("%s", safeUrl(options.redisUrl)));
    warned = true;
  });
  connection.on("ready", () => {
    warned = false;
  });
  const workers: Worker[] = [];
  for (const [queue, jobs] of Object.entries(processors)) {
    if (!jobs || Object.keys(jobs).length === 0) continue;
    const worker = new Worker(
      queue,
      async (job) => {
        const processor: Processor | undefined = jobs[job.name];
        if (!processor) throw new Error(`No processor for job ${queue}/${job.name}`);
        return processor(job.data, {
          jobId: job.id,
          attempt: job.attemptsMade + 1,
          log: (m) => void job.log(m),
        });
      },
      { connection, prefix: bullPrefix(options.redisPrefix), concurrency: options.concurrency ?? 8 },
    );
    worker.on("failed", (job, err) => log(`job ${queue}/${job?.name} ${job?.id} failed: ${err.message}`));
    workers.push(worker);
  }
  // Wait briefly for Redis so the ready line says how it stands; never block on it.
  await Promise.race([
    connection.ping().catch(() => undefined),
    new Promise((r) => setTimeout(r, 2000).unref()),
  ]);
  log(`Pledge worker ready: ${workers.length} queue(s) with processors, Redis ${connection.status}.`);
  return {
    workers,
    async close() {
      // Let in-flight jobs finish (BullMQ "Going to production": graceful shutdown).
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

/**
 * Fixed scheduler ids: upserting them again (every restart, any number of workers) leaves one
 * schedule each (BullMQ "Job Schedulers"). Every 20 s, so important feedback logged at a counter
 * reaches managers within a minute.
 */
export const SCHEDULES = [
  { id: "escalate-every-20s", name: JOBS.notificationsEscalate },
  { id: "send-every-20s", name: JOBS.outboxSend },
] as const;

export async function upsertSchedules(queue: Queue, everyMs = 20_000): Promise<void> {
  for (const s of SCHEDULES) {
    await queue.upsertJobScheduler(
      s.id,
      { every: everyMs },
      { name: s.name, data: {}, opts: SCHEDULED_JOB_OPTIONS },
    );
  }
}

async function main() {
  process.env.PLEDGE_PROCESS ??= "worker";
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  const mailer = createMailer(env);
  // Signal handlers first: a SIGTERM that arrives while starting still closes cleanly.
  const starting = startWorker({
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    processors: { ...registry, ...buildProcessors({ db, env, mailer }) },
  });
  const connection = producerConnection(env.REDIS_URL);
  connection.on("error", () => undefined); // the worker's own connection explains Redis problems
  const queue = new Queue(QUEUES.notifications, { connection, prefix: bullPrefix(env.REDIS_PREFIX) });
  queue.on("error", () => undefined);
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Pledge worker stopping (${signal}).`);
    await (await starting).close();
    await queue.close();
    connection.disconnect();
    mailer?.close();
    await db.destroy();
    console.log("Pledge worker stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  await starting;
  if (!mailer) console.log("SMTP_URL is not set: e-mail stays in the outbox (/admin/outbox).");
  // While Redis is down the schedules cannot be set; try again until they are.
  const schedule = async () => {
    try {
      await upsertSchedules(queue);
    } catch (e) {
      if (closing) return;
      console.log(`Schedules not set yet (${e instanceof Error ? e.message : e}); retrying in 5 s.`);
      setTimeout(() => void schedule(), 5000).unref();
    }
  };
  await schedule();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
