import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommitter } from "../../db/group-commit";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";

describe.each(DB_KINDS)("group commit [%s]", (kind) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(kind);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("stores every write that succeeds, rolls back only the one that fails, and answers after the commit", async () => {
    const committer = new GroupCommitter(t.db);
    const at = "2026-11-27T00:00:00.000Z";
    const writes = Array.from({ length: 10 }, (_, i) =>
      committer.run(async (trx) => {
        await trx
          .insertInto("departments")
          .values({ code: `GC${i}`, name_en: `Group ${i}`, name_zh: `組 ${i}`, created_at: at })
          .execute();
        // The sixth write breaks a constraint after its first insert: that insert must vanish too.
        if (i === 5) {
          await trx
            .insertInto("departments")
            .values({ code: "GC0", name_en: "dup", name_zh: "重複", created_at: at })
            .execute();
        }
        return i;
      }),
    );
    const settled = await Promise.allSettled(writes);
    expect(
      settled.filter((s) => s.status === "fulfilled").map((s) => (s as PromiseFulfilledResult<number>).value),
    ).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
    expect(settled[5]?.status).toBe("rejected");
    const codes = await t.db
      .selectFrom("departments")
      .select("code")
      .where("code", "like", "GC%")
      .orderBy("code")
      .execute();
    expect(codes.map((c) => c.code)).toEqual(["GC0", "GC1", "GC2", "GC3", "GC4", "GC6", "GC7", "GC8", "GC9"]);
  });

  it("a write alone in its turn runs in its own transaction: stored when it succeeds, wholly rolled back when it fails", async () => {
    const committer = new GroupCommitter(t.db);
    const at = "2026-11-27T00:00:00.000Z";
    const insert = (trx: typeof t.db, code: string) =>
      trx.insertInto("departments").values({ code, name_en: code, name_zh: code, created_at: at }).execute();
    await expect(
      committer.run(async (trx) => {
        await insert(trx, "GCA");
        return "ok";
      }),
    ).resolves.toBe("ok");
    await expect(
      committer.run(async (trx) => {
        await insert(trx, "GCB");
        await insert(trx, "GCA");
      }),
    ).rejects.toThrow();
    await expect(
      committer.run(async (trx) => {
        await insert(trx, "GCC");
        return 3;
      }),
    ).resolves.toBe(3);
    const codes = await t.db
      .selectFrom("departments")
      .select("code")
      .where("code", "like", "GC%")
      .orderBy("code")
      .execute();
    expect(codes.map((c) => c.code)).toEqual(["GCA", "GCC"]);
  });
});
