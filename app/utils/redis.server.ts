import { Redis } from "ioredis";
import { logger } from "./logger.server";

export const REDIS_HELP =
  "Redis is not answering at %s. Intake keeps working; queued work waits until it is back. " +
  "Install it with `apt-get install -y redis-server` and start it with " +
  "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`.";

/**
 * A Redis connection for the web process: commands fail fast while Redis is down (no offline
 * queue, one retry) so a request never hangs on it, and it reconnects in the background.
 * One clear line is printed when Redis is unreachable, and one when it comes back.
 */
export function createWebRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 500, 5000),
    lazyConnect: false,
  });
  let warned = false;
  redis.on("error", (err: Error & { code?: string }) => {
    if (!warned) {
      warned = true;
      logger.warn({ code: err.code }, REDIS_HELP.replace("%s", safeUrl(url)));
    }
  });
  redis.on("ready", () => {
    if (warned) logger.info("Redis is reachable again at %s.", safeUrl(url));
    warned = false;
  });
  return redis;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

export type QueueState = "up" | "down";

/** "up" only when Redis answers a PING within the timeout. */
export async function redisState(redis: Redis, timeoutMs = 500): Promise<QueueState> {
  if (redis.status !== "ready") return "down";
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    return pong === "PONG" ? "up" : "down";
  } catch {
    return "down";
  }
}
