import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { Redis } from "ioredis";
import { parseEnv } from "../../app/utils/env.server";
import type { Db } from "../../db/client";
import { createServices } from "../../server/services";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const ORIGIN = "http://localhost";

/** A Redis key prefix of this test's own: tests never flush what they do not own. */
export function testPrefix(): string {
  return `pledge-test:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
}

/** Deletes only the keys under our prefix. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

export interface TestContext {
  context: AppLoadContext;
  csrfToken: string;
  prefix: string;
  close(): Promise<void>;
}

/** The context a loader or action gets from the server, on a real database and Redis. */
export function makeContext(
  db: Db,
  options: { clientAddress?: string; env?: Record<string, string> } = {},
): TestContext {
  const prefix = testPrefix();
  const env = parseEnv({
    NODE_ENV: "test",
    DATA_DIR: ".cache/test/data",
    DATABASE_URL: "unused-in-tests.sqlite",
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    APP_ORIGIN: ORIGIN,
    ...options.env,
  });
  const redis = new Redis(TEST_REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  const services = createServices(env, { db, redis });
  const csrfToken = crypto.randomBytes(32).toString("base64url");
  const context = {
    ...services,
    clientAddress:
      options.clientAddress ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    csrfToken,
  } as AppLoadContext;
  return {
    context,
    csrfToken,
    prefix,
    async close() {
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
