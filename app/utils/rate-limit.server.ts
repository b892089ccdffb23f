import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface Limiter {
  /** Points already used for the key in the current window. */
  used(key: string): Promise<number>;
  /** Uses one point; resolves false when the key was already over its limit. */
  consume(key: string): Promise<boolean>;
  reset(key: string): Promise<void>;
  readonly points: number;
  readonly durationSeconds: number;
}

/**
 * A fixed-window limiter on Redis (rate-limiter-flexible), shared by every web process; while
 * Redis is down an in-memory limiter stands in (its insuranceLimiter), so public forms keep
 * accepting input.
 */
export function createLimiter(
  redis: Redis,
  prefix: string,
  name: string,
  points: number,
  durationSeconds: number,
): Limiter {
  const insurance = new RateLimiterMemory({ points, duration: durationSeconds, keyPrefix: name });
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${name}`,
    points,
    duration: durationSeconds,
    insuranceLimiter: insurance,
    useRedisPackage: false,
  });
  return {
    points,
    durationSeconds,
    async used(key) {
      try {
        const res = await limiter.get(key);
        return res?.consumedPoints ?? 0;
      } catch {
        const res = await insurance.get(key);
        return res?.consumedPoints ?? 0;
      }
    },
    async consume(key) {
      try {
        await limiter.consume(key);
        return true;
      } catch (e) {
        if (e instanceof RateLimiterRes) return false;
        throw e;
      }
    },
    async reset(key) {
      await limiter.delete(key).catch(() => insurance.delete(key));
    },
  };
}
