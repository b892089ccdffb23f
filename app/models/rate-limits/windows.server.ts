import { sql } from "kysely";
import type { Db } from "../../../db/client";

/*
 * Fixed-window rate-limit counters in the database, for the limiters that must hold across every
 * web process while Redis is down (app/models/rate-limits/limiter.server.ts). One statement both starts a
 * window and counts in it (insert … on conflict do update … returning, on SQLite and Postgres),
 * so parallel requests each get a count of their own: never two the same.
 */

export interface WindowUse {
  /** points used in the window, this one included */
  points: number;
  /** when the window ends (ISO-8601 UTC) */
  expiresAt: string;
}

/** Uses one point of `key`'s window (starting a new one when there is none or it has ended). */
export async function consumeWindowPoint(
  db: Db,
  key: string,
  durationSeconds: number,
  now: Date = new Date(),
): Promise<WindowUse> {
  const at = now.toISOString();
  const ends = new Date(now.getTime() + durationSeconds * 1000).toISOString();
  // In SET, every expression reads the row as it was before the update (both databases).
  const ended = sql<boolean>`rate_limits.expires_at <= ${at}`;
  const row = await db
    .insertInto("rate_limits")
    .values({ key, points: 1, expires_at: ends })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        points: sql<number>`case when ${ended} then 1 else rate_limits.points + 1 end`,
        expires_at: sql<string>`case when ${ended} then excluded.expires_at else rate_limits.expires_at end`,
      }),
    )
    .returning(["points", "expires_at"])
    .executeTakeFirstOrThrow();
  // A new window: a good moment to delete the windows that have ended, so the table stays small.
  if (row.points === 1) await deleteEndedWindows(db, now);
  return { points: Number(row.points), expiresAt: row.expires_at };
}

/** Gives back one point of `key`'s current window (never below zero). */
export async function refundWindowPoint(db: Db, key: string, now: Date = new Date()): Promise<void> {
  await db
    .updateTable("rate_limits")
    .set((eb) => ({ points: eb("points", "-", 1) }))
    .where("key", "=", key)
    .where("points", ">", 0)
    .where("expires_at", ">", now.toISOString())
    .execute();
}

/** Forgets `key`'s window. */
export async function deleteWindow(db: Db, key: string): Promise<void> {
  await db.deleteFrom("rate_limits").where("key", "=", key).execute();
}

/** Deletes every window that has ended; returns how many. */
export async function deleteEndedWindows(db: Db, now: Date = new Date()): Promise<number> {
  const res = await db
    .deleteFrom("rate_limits")
    .where("expires_at", "<=", now.toISOString())
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
