import type { LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { redisState } from "~/utils/redis.server";

/** Health for load balancers: 200 while the database answers; the queue's state is in the body. */
export async function loader({ context }: LoaderFunctionArgs) {
  let database: "up" | "down" = "down";
  try {
    await sql`select 1`.execute(context.db);
    database = "up";
  } catch {
    database = "down";
  }
  const queue = await redisState(context.redis);
  return new Response(JSON.stringify({ status: database === "up" ? "ok" : "error", database, queue }), {
    status: database === "up" ? 200 : 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
