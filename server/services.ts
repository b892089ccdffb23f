import type { Redis } from "ioredis";
import { createLimiter, type Limiter, type LimiterFallback } from "../app/models/rate-limits/limiter.server";
import type { Env } from "../app/utils/env.server";
import { createWebRedis } from "../app/utils/redis.server";
import { createDb, type Db } from "../db/client";

/** Long-lived things a web process holds: made once at start, handed to every request. */
export interface Services {
  env: Env;
  db: Db;
  redis: Redis;
  limiters: {
    signInAccount: Limiter;
    signInAddress: Limiter;
    surveyAddress: Limiter;
    surveyPoint: Limiter;
    resetAddress: Limiter;
    resetEmail: Limiter;
  };
}

/** What every loader and action receives as `context`. */
export interface AppContext extends Services {
  /** The peer's address; used only for rate limits, never stored. */
  clientAddress: string;
  /** This browser's CSRF token (from its cookie, or new on this response). */
  csrfToken: string;
  /** This response's Content-Security-Policy nonce for inline scripts ("" outside the web server). */
  cspNonce?: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends AppContext {}
}

export function createServices(env: Env, overrides: Partial<Pick<Services, "db" | "redis">> = {}): Services {
  const db = overrides.db ?? createDb(env.DATABASE_URL);
  const redis = overrides.redis ?? createWebRedis(env.REDIS_URL);
  const limiter = (name: string, points: number, durationSeconds: number, fallback: LimiterFallback) =>
    createLimiter({ redis, db, prefix: env.REDIS_PREFIX, name, points, durationSeconds, fallback });
  return {
    env,
    db,
    redis,
    limiters: {
      // After five failed sign-ins in a minute, per account or per address, the next attempt gets
      // 429 (ASVS 2.2.1). They stop password guessing: while Redis is down they count in the
      // database, so every web process shares the same five.
      signInAccount: limiter("signin-account", 5, 60, "database"),
      signInAddress: limiter("signin-address", 5, 60, "database"),
      // Public survey submissions: per address (a person or a shared counter tablet) and per
      // collection point (a leaflet's QR code), per minute. Flood limits on the intake: while Redis
      // is down they count in memory, so a response costs no extra write.
      surveyAddress: limiter("survey-address", env.SURVEY_RATE_PER_ADDRESS, 60, "memory"),
      surveyPoint: limiter("survey-point", env.SURVEY_RATE_PER_POINT, 60, "memory"),
      // "Forgot password": ten requests per address and three per typed e-mail address in 15
      // minutes, so the form sends no flood of mail to one person nor lets one client probe many.
      resetAddress: limiter("reset-address", 10, 15 * 60, "database"),
      resetEmail: limiter("reset-email", 3, 15 * 60, "database"),
    },
  };
}

export async function closeServices(services: Services): Promise<void> {
  services.redis.disconnect();
  await services.db.destroy();
}
