/**
 * The worker process: its own process, deployed and restarted on its own
 * (docs/decisions/0004-worker-is-its-own-process.md). It connects to Redis, runs a BullMQ Worker
 * for every queue that has processors, and closes cleanly on SIGTERM.
 */
import { pathToFileURL } from "node:url";
import { FlowProducer, Queue, Worker } from "bullmq";
import { bullPrefix, QUEUES, queueOptions } from "../app/models/queues/definitions";
import { loadEnv } from "../app/utils/env.server";
import { createMailer } from "../app/utils/mailer.server";
import { REDIS_HELP, safeUrl } from "../app/utils/redis.server";
import { requestContext } from "../app/utils/request-context.server";
import { createDb } from "../db/client";
import { producerConnection, workerConnection } from "./connection";
import { SCHEDULES, TIMEZONE } from "./definitions";
import { countJobs, serveMetrics, watchQueuesAndOutbox } from "./metrics";
import { buildProcessors, type Processor, type Processors } from "./processors/registry";
import { enqueueMissingReports } from "./processors/reports";

export interface RunningWorker {
  workers: Worker[];
  close(): Promise<void>;
}

/** Per-queue concurrency: report jobs are heavy database reads (one SQLite writer, two cores). */
export const CONCURRENCY: Record<string, number> = {
  reports: 2,
  notifications: 2,
  maintenance: 1,
  imports: 1,
};

export async function startWorker(options: {
  redisUrl: string;
  redisPrefix: string;
  /** queue → job name → processor: the job definitions' (buildProcessors), or a test's own */
  processors: Processors;
  /** overrides CONCURRENCY for every queue */
  concurrency?: number;
  /** BullMQ lock duration and stalled-job check interval (ms) */
  lockDuration?: number;
  stalledInterval?: number;
  log?: (line: string) => void;
}): Promise<RunningWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { processors } = options;
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
        // Every log line written during the job carries its id (app/utils/logger.server.ts).
        return requestContext.run({ jobId: `${queue}/${job.id}` }, () =>
          processor(job.data, {
            jobId: job.id,
            attempt: job.attemptsMade + 1,
            log: (m) => void job.log(m),
          }),
        );
      },
      {
        connection,
        prefix: bullPrefix(options.redisPrefix),
        concurrency: options.concurrency ?? CONCURRENCY[queue] ?? 1,
        // A long report keeps its lock (renewed at half the duration); a dead worker's jobs are
        // taken up by another worker after the lock runs out (BullMQ "Stalled jobs").
        lockDuration: options.lockDuration ?? 60_000,
        stalledInterval: options.stalledInterval ?? 30_000,
        maxStalledCount: 1,
      },
    );
    // Ids, names and the error only: payloads hold no personal data, but logs need none of them.
    worker.on("failed", (job, err) =>
      log(`job ${queue}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
    );
    // Without a listener an error event would crash the process (BullMQ "Going to production").
    worker.on("error", (err) => {
      if (connection.status === "ready") log(`worker ${queue}: ${err.message}`);
    });
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
 * Each scheduled job's schedule (jobs/definitions.ts) has a fixed scheduler id: upserting them
 * again (every restart, any number of workers) leaves one schedule each (BullMQ "Job Schedulers").
 */
/** Sets every schedule on its queue; `queues` maps queue names to Queue objects. */
export async function upsertSchedules(queues: Record<string, Queue>, everyMs = 20_000): Promise<void> {
  for (const s of SCHEDULES) {
    const queue = queues[s.queue];
    if (!queue) continue;
    await queue.upsertJobScheduler(
      s.id,
      "pattern" in s ? { pattern: s.pattern, tz: TIMEZONE } : { every: everyMs },
      { name: s.name, data: {}, opts: s.options },
    );
  }
}

async function main() {
  process.env.PLEDGE_PROCESS ??= "worker";
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  const mailer = createMailer(env);
  const connection = producerConnection(env.REDIS_URL);
  connection.on("error", () => undefined); // the worker's own connection explains Redis problems
  const prefix = bullPrefix(env.REDIS_PREFIX);
  // The monthly job adds its flow from inside the worker: a connection that waits for Redis
  // (offline queue, retries for ever) rather than failing fast like the web's producers.
  const flowConnection = workerConnection(env.REDIS_URL);
  flowConnection.on("error", () => undefined);
  const flow = new FlowProducer({ connection: flowConnection, prefix });
  flow.on("error", () => undefined);
  // Signal handlers first: a SIGTERM that arrives while starting still closes cleanly.
  const starting = startWorker({
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_STALLED_MS,
    processors: buildProcessors({ db, env, mailer, flow }),
  });
  const queues = Object.fromEntries(
    Object.values(QUEUES).map((name) => {
      const queue = new Queue(name, queueOptions(connection, env.REDIS_PREFIX));
      queue.on("error", () => undefined);
      return [name, queue];
    }),
  );
  let closing = false;
  let checkTimer: NodeJS.Timeout | undefined;
  let metricsServer: import("node:http").Server | undefined;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    clearInterval(checkTimer);
    metricsServer?.close();
    console.log(`Pledge worker stopping (${signal}).`);
    // In-flight jobs may finish, but not for ever: a job stuck on a dead database or mail server
    // must not keep a stopping worker alive (its supervisor would kill it without a word). Past
    // the timeout it exits; the jobs it held come back to the queue once their locks run out.
    const deadline = setTimeout(() => {
      console.error(
        `Pledge worker did not stop within ${env.WORKER_CLOSE_TIMEOUT_MS} ms (WORKER_CLOSE_TIMEOUT_MS); exiting with jobs in flight.`,
      );
      process.exit(1);
    }, env.WORKER_CLOSE_TIMEOUT_MS);
    deadline.unref();
    await (await starting).close();
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await flow.close();
    flowConnection.disconnect();
    connection.disconnect();
    mailer?.close();
    await db.destroy();
    clearTimeout(deadline);
    console.log("Pledge worker stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  // A bug outside a job must not leave a half-alive worker: log it and stop cleanly, so the
  // supervisor restarts it; jobs it held go back to the queue.
  process.on("uncaughtException", (e) => {
    console.error(`Uncaught exception in the worker: ${e.message}`);
    void stop("uncaughtException");
  });
  process.on("unhandledRejection", (e) => {
    console.error(`Unhandled rejection in the worker: ${e instanceof Error ? e.message : e}`);
  });
  const running = await starting;
  countJobs(running.workers);
  watchQueuesAndOutbox(Object.values(queues), db);
  if (env.METRICS_PORT !== undefined) {
    metricsServer = await serveMetrics(env.HOST, env.METRICS_PORT, env.METRICS_TOKEN);
    const addr = metricsServer.address();
    // Tests read this line to find the port when METRICS_PORT=0.
    console.log(
      `Pledge worker metrics on http://localhost:${typeof addr === "object" && addr ? addr.port : env.METRICS_PORT}`,
    );
  }
  if (!mailer) console.log("SMTP_URL is not set: e-mail stays in the outbox (/admin/outbox).");
  // While Redis is down the schedules cannot be set; try again until they are.
  const schedule = async () => {
    try {
      await upsertSchedules(queues);
    } catch (e) {
      if (closing) return;
      console.log(`Schedules not set yet (${e instanceof Error ? e.message : e}); retrying in 5 s.`);
      setTimeout(() => void schedule(), 5000).unref();
    }
  };
  await schedule();
  // Last month's reports: made up if they are missing (a Redis that lost the monthly run, a
  // worker that was down on the 1st). On start, every hour, and when Redis is back.
  let checking = false;
  const checkReports = async (always: boolean) => {
    if (checking || closing) return;
    checking = true;
    try {
      const r = await enqueueMissingReports({ db, flow, queue: queues[QUEUES.reports]! });
      const what = `${r.missing} department report(s)${r.summaryMissing ? " and the summary" : ""} missing`;
      if (r.action === "queued") console.log(`Reports for ${r.month}: ${what}; queued.`);
      else if (r.action !== "complete")
        console.log(`Reports for ${r.month}: ${what}; the month's job is ${r.action}.`);
      else if (always) console.log(`Reports for ${r.month}: all made.`);
    } catch (e) {
      if (!closing)
        console.log(`Could not check last month's reports (${e instanceof Error ? e.message : e}).`);
    } finally {
      checking = false;
    }
  };
  void checkReports(true);
  checkTimer = setInterval(() => void checkReports(false), REPORT_CHECK_EVERY_MS);
  checkTimer.unref();
  // A Redis that came back empty (restarted without persistence) has lost the schedules and the
  // month's jobs: set the schedules again and look for missing reports whenever the connection
  // is ready again. Both are idempotent.
  connection.on("ready", () => {
    if (closing) return;
    void schedule();
    void checkReports(false);
  });
}

/** How often a running worker looks for last month's reports. */
export const REPORT_CHECK_EVERY_MS = 3600_000;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
