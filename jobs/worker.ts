/**
 * The worker process: its own process, deployed and restarted on its own
 * (docs/decisions/0004-worker-is-its-own-process.md). It connects to Redis, runs a BullMQ Worker
 * for every queue that has processors, and closes cleanly on SIGTERM.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "bullmq";
import { loadEnv } from "../app/utils/env.server";
import { REDIS_HELP, safeUrl } from "../app/utils/redis.server";
import { workerConnection } from "./connection";
import { bullPrefix } from "./queues";
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

async function main() {
  process.env.PLEDGE_PROCESS ??= "worker";
  const env = loadEnv();
  // Signal handlers first: a SIGTERM that arrives while starting still closes cleanly.
  const starting = startWorker({ redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX });
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`Pledge worker stopping (${signal}).`);
    await (await starting).close();
    console.log("Pledge worker stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  await starting;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
