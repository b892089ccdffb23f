import type { Redis } from "ioredis";
import { createDb, type Db } from "../../db/client";
import type { Env } from "./env.server";
import { createLimiter, type Limiter } from "./rate-limit.server";
import { createWebRedis } from "./redis.server";

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
  return {
    env,
    db,
    redis,
    limiters: {
      // The sixth failed sign-in in a minute, per account or per address, gets 429 (ASVS 2.2.1).
      signInAccount: createLimiter(redis, env.REDIS_PREFIX, "signin-account", 5, 60),
      signInAddress: createLimiter(redis, env.REDIS_PREFIX, "signin-address", 5, 60),
      // Public survey submissions: per address (a person or a shared counter tablet) and per
      // collection point (a leaflet's QR code), per minute.
      surveyAddress: createLimiter(
        redis,
        env.REDIS_PREFIX,
        "survey-address",
        env.SURVEY_RATE_PER_ADDRESS,
        60,
      ),
      surveyPoint: createLimiter(redis, env.REDIS_PREFIX, "survey-point", env.SURVEY_RATE_PER_POINT, 60),
    },
  };
}

export async function closeServices(services: Services): Promise<void> {
  services.redis.disconnect();
  await services.db.destroy();
}
