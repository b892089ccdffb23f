import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLimiter } from "~/models/rate-limits/limiter.server";
import { consumeWindowPoint, refundWindowPoint } from "~/models/rate-limits/windows.server";
import { createWebRedis } from "~/utils/redis.server";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { unusedPort } from "../setup/wait";

/** The rate-limit windows kept in the database while Redis is down (issue defect 2). */
describe.each(DB_KINDS)("rate-limit windows in the database [%s]", (kind) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(kind);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const rows = () => t.db.selectFrom("rate_limits").select(["key", "points"]).orderBy("key").execute();

  it("gives fifty parallel uses fifty different counts, and starts again when the window ends", async () => {
    const t0 = new Date("2026-12-06T10:00:00.000Z");
    const used = await Promise.all(
      Array.from({ length: 50 }, () => consumeWindowPoint(t.db, "signin-account:k1", 60, t0)),
    );
    expect(used.map((u) => u.points).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(used.map((u) => u.expiresAt))).toEqual(new Set(["2026-12-06T10:01:00.000Z"]));

    const later = await consumeWindowPoint(
      t.db,
      "signin-account:k1",
      60,
      new Date("2026-12-06T10:01:00.000Z"),
    );
    expect(later).toEqual({ points: 1, expiresAt: "2026-12-06T10:02:00.000Z" });
  });

  it("deletes ended windows when a new one starts, so the table does not grow", async () => {
    const t0 = new Date("2026-12-06T10:00:00.000Z");
    for (let i = 0; i < 20; i++) await consumeWindowPoint(t.db, `signin-address:old${i}`, 60, t0);
    await consumeWindowPoint(t.db, "signin-address:still-open", 600, t0);
    expect(await rows()).toHaveLength(21);
    await consumeWindowPoint(t.db, "signin-address:new", 60, new Date("2026-12-06T10:05:00.000Z"));
    expect(await rows()).toEqual([
      { key: "signin-address:new", points: 1 },
      { key: "signin-address:still-open", points: 1 },
    ]);
  });

  it("gives a point back within the window, never below zero", async () => {
    const t0 = new Date("2026-12-06T10:00:00.000Z");
    await consumeWindowPoint(t.db, "signin-address:k", 60, t0);
    await refundWindowPoint(t.db, "signin-address:k", t0);
    await refundWindowPoint(t.db, "signin-address:k", t0);
    expect(await rows()).toEqual([{ key: "signin-address:k", points: 0 }]);
  });

  it("with Redis unreachable, two limiters on one database (two web processes) share one limit", async () => {
    const redis = createWebRedis(`redis://127.0.0.1:${await unusedPort()}`);
    try {
      const make = () =>
        createLimiter({
          redis,
          db: t.db,
          prefix: "unused",
          name: "signin-account",
          points: 5,
          durationSeconds: 60,
          fallback: "database",
        });
      const [a, b] = [make(), make()];
      const allowed = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume("k")));
      expect(allowed.filter(Boolean)).toHaveLength(5);
      await a.reset("k");
      expect(await b.consume("k")).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
