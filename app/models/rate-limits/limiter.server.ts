import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../../../db/client";
import { consumeWindowPoint, deleteWindow, refundWindowPoint } from "./windows.server";

export interface Limiter {
  /**
   * Uses one point, atomically, and says whether it was within the limit: parallel requests each
   * get a count of their own, so a burst gets no more than `points` trues. Call it before the
   * work it guards (checking a password), never after.
   */
  consume(key: string): Promise<boolean>;
  /** Gives back one point used in the current window (the attempt turned out not to count). */
  refund(key: string): Promise<void>;
  /** Forgets the key's window. */
  reset(key: string): Promise<void>;
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * Where a limiter counts while Redis is down.
 * - "database": in the `rate_limits` table, shared by every web process, for limits that stop
 *   guessing (sign-in, case tracking): per-process memory would give each process its own five.
 * - "memory": in this process, for flood limits on public intake (survey, complaint forms): the
 *   outage lets through at most one limit per web process, and the intake gains no extra write.
 */
export type LimiterFallback = "database" | "memory";

export interface LimiterOptions {
  redis: Redis;
  db: Db;
  prefix: string;
  name: string;
  points: number;
  durationSeconds: number;
  fallback: LimiterFallback;
}

/**
 * A fixed-window limiter on Redis (rate-limiter-flexible's atomic increment), shared by every web
 * process; when a Redis command fails it counts in its fallback (see LimiterFallback). The web's
 * Redis client fails at once while disconnected (no offline queue), so no request waits on it.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const { redis, db, prefix, name, points, durationSeconds, fallback } = options;
  const onRedis = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${name}`,
    points,
    duration: durationSeconds,
    useRedisPackage: false,
  });
  const inMemory =
    fallback === "memory"
      ? new RateLimiterMemory({ points, duration: durationSeconds, keyPrefix: name })
      : null;
  const dbKey = (key: string) => `${name}:${key}`;

  /** Runs `op` on Redis, or `down` when Redis is not ready or fails (not when it says "over"). */
  async function onRedisOr<T>(op: () => Promise<T>, down: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof RateLimiterRes) throw e;
      return down();
    }
  }

  /** True when the point was within the limit; a RateLimiterRes rejection means over it. */
  const withinLimit = (consumed: Promise<unknown>): Promise<boolean> =>
    consumed.then(
      () => true,
      (e) => {
        if (e instanceof RateLimiterRes) return false;
        throw e;
      },
    );

  return {
    points,
    durationSeconds,
    consume(key) {
      return withinLimit(
        onRedisOr<unknown>(
          () => onRedis.consume(key),
          async () => {
            if (inMemory) return inMemory.consume(key);
            const used = await consumeWindowPoint(db, dbKey(key), durationSeconds);
            if (used.points > points)
              throw new RateLimiterRes(0, Date.parse(used.expiresAt) - Date.now(), used.points);
            return used;
          },
        ),
      );
    },
    async refund(key) {
      await onRedisOr(
        async () => {
          const res = await onRedis.reward(key, 1);
          // The window ended in between: the reward made a new one below zero; drop it.
          if (res.consumedPoints < 0) await onRedis.delete(key);
        },
        async () => {
          if (inMemory) await inMemory.reward(key, 1);
          else await refundWindowPoint(db, dbKey(key));
        },
      );
    },
    async reset(key) {
      await onRedisOr(
        async () => {
          await onRedis.delete(key);
        },
        async () => {
          if (inMemory) await inMemory.delete(key);
          else await deleteWindow(db, dbKey(key));
        },
      );
    },
  };
}

/** Rate-limit keys are HMACs, so Redis never holds a raw address or username. */
export function limiterKey(context: AppLoadContext, kind: string, value: string): string {
  return crypto
    .createHmac("sha256", context.env.SESSION_SECRET)
    .update(`${kind}:${value}`)
    .digest("base64url");
}
