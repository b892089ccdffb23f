import type { Redis } from "ioredis";
import { REDIS_HELP, safeUrl } from "../../utils/redis.server";
import { isJobId, isQueueName, JOB_STATES, queueOverview } from "./overview.server";

/** What the queues page says after a retry (from the redirect's query or the action's answer). */
export type QueueNotice =
  | { kind: "retried"; queue: string; id: string }
  | { kind: "retriedAll"; queue: string; count: number }
  | { kind: "notFailed"; queue: string; id: string }
  | { kind: "unreachable" };

/** The message a redirect after a retry asks for, when its values are ones we could have sent. */
export function noticeFrom(params: URLSearchParams): QueueNotice | null {
  const queue = params.get("queue");
  if (!isQueueName(queue)) return null;
  const id = params.get("retried");
  if (isJobId(id)) return { kind: "retried", queue, id };
  const count = Number(params.get("retriedAll"));
  if (params.has("retriedAll") && Number.isSafeInteger(count) && count >= 0)
    return { kind: "retriedAll", queue, count };
  return null;
}

/** The commands REDIS_HELP gives (in backticks), so the page and the logs say the same. */
function redisCommands(): string[] {
  return [...REDIS_HELP.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/**
 * The queues page (/admin/queues): every queue's counts, schedules and newest failed jobs, the
 * states in the model's order (the page cannot import a .server module's list), the notice a
 * redirect asks for, and, when Redis cannot be reached, where it was looked for and how to start it.
 */
export async function queuesPageView(
  redis: Redis,
  env: { REDIS_PREFIX: string; REDIS_URL: string },
  url: URL,
) {
  const overview = await queueOverview(redis, env.REDIS_PREFIX);
  return {
    overview,
    states: JOB_STATES,
    notice: noticeFrom(url.searchParams),
    redisHelp: overview.state === "down" ? { url: safeUrl(env.REDIS_URL), commands: redisCommands() } : null,
  };
}

export type QueuesPageView = Awaited<ReturnType<typeof queuesPageView>>;
