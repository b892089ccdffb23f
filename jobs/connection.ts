import { Redis, type RedisOptions } from "ioredis";

/**
 * Separate Redis connections for producers and workers (BullMQ "Going to production"):
 * producers fail fast while Redis is down, so a web request never waits on the queue; workers
 * retry for ever (maxRetriesPerRequest: null), as blocking commands require.
 */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 500, 5000),
    ...extra,
  });
}

export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(Math.max(times * 500, 1000), 20_000),
    ...extra,
  });
}
