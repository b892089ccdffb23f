/**
 * Prometheus metrics (prom-client), one registry per process: the label-free default metrics
 * with the prefix `pledge_` (event-loop delay, memory, CPU, handles) plus what the web process
 * (server/observe.ts) and the worker (jobs/metrics.ts) add. Served only to a caller with
 * `Authorization: Bearer <METRICS_TOKEN>` (README "Metrics").
 */
import crypto from "node:crypto";
import client from "prom-client";

export const registry = new client.Registry();
let defaults = false;

/** The default metrics, once per process (they sample the event loop from then on). */
export function startDefaultMetrics(): void {
  if (defaults) return;
  defaults = true;
  client.collectDefaultMetrics({ register: registry, prefix: "pledge_" });
}

/** True when the request carries `Authorization: Bearer <token>`; never when no token is set. */
export function metricsAuthorized(token: string | undefined, authorization: string | undefined): boolean {
  if (!token || !authorization?.startsWith("Bearer ")) return false;
  const digest = (s: string) => crypto.createHash("sha256").update(s).digest();
  return crypto.timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

/** The Prometheus text of this process's registry. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** A gauge whose value is read when scraped; `read` may be async (bounded by the caller). */
export function lazyGauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void> | void,
): client.Gauge<L> {
  return new client.Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await read((labels, value) => this.set(labels as Record<L, string>, value));
    },
  });
}

/** A pg.Pool's counts (Postgres only): `pledge_db_pool_connections{state}`. */
export function poolGauge(pool: { totalCount: number; idleCount: number; waitingCount: number }): void {
  lazyGauge("pledge_db_pool_connections", "Database pool connections by state", ["state"], (set) => {
    set({ state: "total" }, pool.totalCount);
    set({ state: "idle" }, pool.idleCount);
    set({ state: "waiting" }, pool.waitingCount);
  });
}

/** Resolves with `promise`, or with `fallback` after `ms`: a scrape never hangs on Redis or the database. */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.catch(() => fallback),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export { client };
