/**
 * The worker's metrics (README "Metrics"): jobs completed and failed per queue and job name,
 * queue depths and the e-mail outbox read when scraped (each read bounded: a scrape answers
 * while Redis or the database is down, without those figures), served on HOST:METRICS_PORT with
 * the same token rule as the web's /metrics.
 */
import http from "node:http";
import type { Queue, Worker } from "bullmq";
import {
  client,
  lazyGauge,
  metricsAuthorized,
  metricsText,
  poolGauge,
  registry,
  startDefaultMetrics,
  within,
} from "../app/utils/metrics.server";
import { type Db, pgPoolOf } from "../db/client";

/** How long a scrape waits for Redis or the database before leaving their figures out. */
const SCRAPE_READ_MS = 1000;

let jobCounters:
  | { completed: client.Counter<"queue" | "name">; failed: client.Counter<"queue" | "name"> }
  | undefined;

function counters() {
  startDefaultMetrics();
  jobCounters ??= {
    completed: new client.Counter({
      name: "pledge_jobs_completed_total",
      help: "Jobs this worker completed, by queue and job name",
      labelNames: ["queue", "name"],
      registers: [registry],
    }),
    failed: new client.Counter({
      name: "pledge_jobs_failed_total",
      help: "Job attempts that failed in this worker, by queue and job name",
      labelNames: ["queue", "name"],
      registers: [registry],
    }),
  };
  return jobCounters;
}

/** Counts each worker's completed and failed jobs. */
export function countJobs(workers: Worker[]): void {
  const c = counters();
  for (const w of workers) {
    w.on("completed", (job) => c.completed.inc({ queue: w.name, name: job.name }));
    w.on("failed", (job) => c.failed.inc({ queue: w.name, name: job?.name ?? "unknown" }));
  }
}

const STATES = ["waiting", "active", "delayed", "failed"] as const;

/** Queue depths, the outbox and (on Postgres) the pool, read at each scrape. */
export function watchQueuesAndOutbox(queues: Queue[], db: Db): void {
  counters();
  lazyGauge("pledge_queue_jobs", "Jobs in each queue by state", ["queue", "state"], async (set) => {
    await Promise.all(
      queues.map(async (q) => {
        const counts = await within(q.getJobCounts(...STATES), SCRAPE_READ_MS, null);
        if (counts) for (const state of STATES) set({ queue: q.name, state }, counts[state] ?? 0);
      }),
    );
  });
  // One query for both outbox figures, shared by the two gauges of the same scrape.
  let pending: Promise<{ backlog: number; oldest: string | null } | null> | null = null;
  const outbox = () => {
    pending ??= within(
      db
        .selectFrom("outbox_messages")
        .select((eb) => [eb.fn.countAll<number>().as("backlog"), eb.fn.min("created_at").as("oldest")])
        .where("sent_at", "is", null)
        .executeTakeFirst()
        .then((r) => ({ backlog: Number(r?.backlog ?? 0), oldest: (r?.oldest as string | null) ?? null })),
      SCRAPE_READ_MS,
      null,
    ).finally(() => {
      setImmediate(() => {
        pending = null;
      });
    });
    return pending;
  };
  lazyGauge("pledge_outbox_backlog", "E-mail messages in the outbox not sent yet", [], async (set) => {
    const o = await outbox();
    if (o) set({}, o.backlog);
  });
  lazyGauge(
    "pledge_outbox_oldest_unsent_seconds",
    "Age of the oldest e-mail not sent yet (0 when none)",
    [],
    async (set) => {
      const o = await outbox();
      if (o) set({}, o.oldest ? Math.max(0, (Date.now() - Date.parse(o.oldest)) / 1000) : 0);
    },
  );
  const pool = pgPoolOf(db);
  if (pool) poolGauge(pool);
}

/** The worker's /metrics on host:port; resolves with the port it listens on. */
export function serveMetrics(host: string, port: number, token: string | undefined): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics" || !metricsAuthorized(token, req.headers.authorization)) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    metricsText().then(
      ({ contentType, body }) => {
        res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" }).end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
