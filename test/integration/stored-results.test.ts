import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { hkMonth } from "~/models/calendar/time";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { publicPledgeView } from "~/models/pledges/public.server";
import { FULL_PAGE_PLEDGES } from "~/models/pledges/public-summary.server";
import { recordReading } from "~/models/pledges/readings.server";
import { createPledge } from "~/models/pledges/registry.server";
import {
  inForceMonths,
  recomputeAllStoredResults,
  recomputeStoredResults,
  refreshStaleResults,
} from "~/models/pledges/stored-results.server";
import { recordTransaction } from "~/models/pledges/transactions.server";
import { loader as pledgesLoader } from "~/routes/pledges._index";
import { timeliness } from "../../db/seed-annex";
import { useTestApp } from "../setup/app";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { getRequest } from "../setup/requests";
import { storeTestResponse } from "../setup/survey-responses";
import { until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

describe.each(DB_KINDS)("stored pledge results [%s]", (kind) => {
  const app = useTestApp(kind);
  const workers: WorkerProcess[] = [];
  let prefix: string | null = null;
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop("SIGKILL");
    if (prefix) {
      const redis = new Redis(TEST_REDIS_URL);
      await deletePrefix(redis, prefix);
      redis.disconnect();
      prefix = null;
    }
  });

  const pledge = (code: string) =>
    app.db.selectFrom("pledges").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const stored = (pledgeId: number) =>
    app.db
      .selectFrom("pledge_results")
      .selectAll()
      .where("pledge_id", "=", pledgeId)
      .orderBy("month")
      .execute();
  const staff = async (username: string) =>
    (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;

  it("starts from a seeded database with every published pledge's results stored and no marks left", async () => {
    const published = await app.db
      .selectFrom("pledges")
      .select("id")
      .where("status", "=", "published")
      .execute();
    const withRows = await app.db.selectFrom("pledge_results").select("pledge_id").distinct().execute();
    expect(withRows.map((r) => r.pledge_id).sort()).toEqual(published.map((p) => p.id).sort());
    expect(await app.db.selectFrom("pledge_results_stale").selectAll().execute()).toEqual([]);
  });

  it("computes a published pledge with no stored row once, when its public page is asked for", async () => {
    const immd = await pledge("IMMD-ID-CARD");
    const id = await createPledge(
      app.db,
      { id: null },
      immd.department_id,
      "IMMD-NEW",
      immd.service_id,
      timeliness("New", "新", "external", 90, 5, "working", { transactions: "NEW" }),
      `${hkMonth(new Date())}-01`,
      "published",
    );
    expect(await stored(id)).toEqual([]);
    const view = await publicPledgeView(app.db, { department: "IMMD", now: new Date() });
    expect(view!.departments[0]!.pledges.map((p) => p.code)).toContain("IMMD-NEW");
    expect((await stored(id)).map((r) => r.month)).toEqual([hkMonth(new Date())]);
    expect(view!.resultsComputedAt).toEqual(expect.any(String));
  });

  it("lists departments, not every pledge, on /pledges at scale, from the stored results", async () => {
    const immd = await pledge("IMMD-ID-CARD");
    for (let i = 0; i < FULL_PAGE_PLEDGES; i++)
      await createPledge(
        app.db,
        { id: null },
        immd.department_id,
        `IMMD-MANY-${i}`,
        immd.service_id,
        timeliness("Many", "多", "external", 90, 5, "working", { transactions: "ID-CARD" }),
        "2025-01-01",
        "published",
      );
    await app.db.updateTable("departments").set({ is_active: 0 }).where("code", "=", "HKO").execute();
    await recomputeAllStoredResults(app.db);
    const data = await pledgesLoader({
      request: getRequest("/pledges", { cookie: "pledge_lng=zh-HK" }),
      context: app.context,
      params: {},
    });
    expect(data.view).toBeNull();
    const s = data.summary!;
    expect(s.departments.some((d) => d.code === "HKO")).toBe(false);
    const row = s.departments.find((d) => d.code === "IMMD")!;
    expect(row.pledges).toBe(FULL_PAGE_PLEDGES + 1);
    // No activity in this database: every pledge's latest month is "not enough data".
    expect(row.latest).toEqual({ met: 0, notMet: 0, insufficient: FULL_PAGE_PLEDGES + 1 });
    expect(s.pledges).toBe(s.departments.reduce((a, d) => a + d.pledges, 0));
    expect(s.resultsComputedAt).toEqual(expect.any(String));
  });

  it("knows the months a pledge was in force: from its first version to the day before retirement", () => {
    const v = [{ effective_from: "2026-02-15" }, { effective_from: "2026-05-01" }];
    expect(inForceMonths({ retired_at: null }, v, "2026-04")).toEqual(["2026-02", "2026-03", "2026-04"]);
    // Retired at 00:00 HK on 1 April: no April result. Retired on 15 April: April counts.
    expect(inForceMonths({ retired_at: "2026-03-31T16:00:00.000Z" }, v, "2026-06")).toEqual([
      "2026-02",
      "2026-03",
    ]);
    expect(inForceMonths({ retired_at: "2026-04-15T02:00:00.000Z" }, v, "2026-06")).toEqual([
      "2026-02",
      "2026-03",
      "2026-04",
    ]);
    expect(inForceMonths({ retired_at: null }, [{ effective_from: "2027-01-01" }], "2026-06")).toEqual([]);
  });

  it("stores one row per month in force, each judged against the version in force that month", async () => {
    const salt = await pledge("WSD-SALT-WATER");
    await app.db
      .updateTable("pledge_versions")
      .set({ effective_from: "2026-01-01" })
      .where("pledge_id", "=", salt.id)
      .execute();
    const v1 = await app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("id", "=", salt.current_version_id!)
      .executeTakeFirstOrThrow();
    // Strengthened from July: 99% instead of the first version's target.
    const { id: _id, ...rest } = v1;
    const v2 = await app.db
      .insertInto("pledge_versions")
      .values({
        ...rest,
        version_no: v1.version_no + 1,
        target_share: 99,
        change_reason: "strengthened",
        effective_from: "2026-07-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.db
      .updateTable("pledges")
      .set({ current_version_id: v2.id })
      .where("id", "=", salt.id)
      .execute();
    const readings = (month: string, good: number, bad: number) =>
      Array.from({ length: good + bad }, (_, i) => ({
        pledge_id: salt.id,
        taken_on: `${month}-10`,
        month,
        value: i < good ? 16 : 10,
        evidence_note: null,
        entered_by: null,
        import_id: null,
        created_at: new Date().toISOString(),
      }));
    // 98 of 100 met: met against the first version in June, not met against 99% in August.
    await app.db
      .insertInto("quality_readings")
      .values([...readings("2026-06", 98, 2), ...readings("2026-08", 98, 2)])
      .execute();

    const now = new Date("2026-10-20T04:00:00Z");
    const r = await recomputeStoredResults(app.db, { pledgeIds: [salt.id], now });
    expect(r).toEqual({ pledges: 1, rows: 10 });
    const rows = await stored(salt.id);
    expect(rows.map((x) => x.month)).toEqual([
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
    ]);
    const june = rows.find((x) => x.month === "2026-06")!;
    expect(june).toMatchObject({
      version_id: v1.id,
      total: 98 + 2,
      compliant: 98,
      status: "met",
      computed_at: now.toISOString(),
    });
    expect(Number(june.target_share)).toBe(v1.target_share);
    const august = rows.find((x) => x.month === "2026-08")!;
    expect(august).toMatchObject({ version_id: v2.id, total: 100, compliant: 98, status: "not_met" });
    expect(rows.find((x) => x.month === "2026-09")).toMatchObject({
      total: 0,
      compliant: 0,
      status: "insufficient",
    });

    // Only some months: the others keep their rows.
    await app.db
      .insertInto("quality_readings")
      .values(readings("2026-09", 10, 0))
      .execute();
    const later = new Date("2026-10-21T04:00:00Z");
    expect(
      await recomputeStoredResults(app.db, { pledgeIds: [salt.id], months: ["2026-09"], now: later }),
    ).toEqual({
      pledges: 1,
      rows: 1,
    });
    const again = await stored(salt.id);
    expect(again.find((x) => x.month === "2026-09")).toMatchObject({
      total: 10,
      status: "met",
      computed_at: later.toISOString(),
    });
    expect(again.find((x) => x.month === "2026-08")!.computed_at).toBe(now.toISOString());

    // Retired on 1 September (HK): the months from September are deleted.
    await app.db
      .updateTable("pledges")
      .set({ status: "retired", retired_at: "2026-08-31T16:00:00.000Z" })
      .where("id", "=", salt.id)
      .execute();
    await recomputeStoredResults(app.db, { pledgeIds: [salt.id], now: later });
    expect((await stored(salt.id)).map((x) => x.month).at(-1)).toBe("2026-08");
    // Back to draft (a test database's shortcut): no results at all.
    await app.db
      .updateTable("pledges")
      .set({ status: "draft", retired_at: null })
      .where("id", "=", salt.id)
      .execute();
    await recomputeStoredResults(app.db, { pledgeIds: [salt.id], now: later });
    expect(await stored(salt.id)).toEqual([]);
  });

  it("marks a recorded transaction and a reading stale with their own commit; the refresh recomputes just those", async () => {
    await recomputeAllStoredResults(app.db);
    expect(await app.db.selectFrom("pledge_results_stale").selectAll().execute()).toEqual([]);
    const immd = await pledge("IMMD-ID-CARD");
    const month = hkMonth(new Date());
    const before = (await stored(immd.id)).find((x) => x.month === month)!;
    expect(before.total).toBe(0);

    const actor = { id: await staff("admin.immd") };
    const done = new Date(Date.now() - 3600_000);
    const received = new Date(done.getTime() - 86_400_000);
    const ok = await recordTransaction(app.db, actor, immd.department_id, {
      transactionType: "ID-CARD",
      externalRef: "STALE-1",
      receivedAt: received.toISOString(),
      completedAt: done.toISOString(),
    });
    expect(ok.ok).toBe(true);
    const marks = await app.db.selectFrom("pledge_results_stale").selectAll().execute();
    expect(marks).toMatchObject([
      { department_id: immd.department_id, pledge_id: null, month: hkMonth(done) },
    ]);
    // A refused transaction (same ref, other values) leaves no mark.
    await recordTransaction(app.db, actor, immd.department_id, {
      transactionType: "ID-CARD",
      externalRef: "STALE-1",
      receivedAt: new Date(received.getTime() - 86_400_000).toISOString(),
      completedAt: done.toISOString(),
    });
    expect(await app.db.selectFrom("pledge_results_stale").selectAll().execute()).toHaveLength(1);

    const wsd = await pledge("WSD-SALT-WATER");
    const version = await app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("id", "=", wsd.current_version_id!)
      .executeTakeFirstOrThrow();
    const reading = await recordReading(app.db, { id: await staff("admin.immd") }, wsd, version, {
      takenOn: `${month}-01`,
      value: "16",
    });
    expect(reading.ok).toBe(true);

    const r = await refreshStaleResults(app.db);
    expect(r).toMatchObject({ marks: 2 });
    expect((await stored(immd.id)).find((x) => x.month === hkMonth(done))).toMatchObject({
      total: 1,
      compliant: 1,
    });
    expect((await stored(wsd.id)).find((x) => x.month === month)).toMatchObject({ total: 1, compliant: 1 });
    expect(await app.db.selectFrom("pledge_results_stale").selectAll().execute()).toEqual([]);
    expect(await refreshStaleResults(app.db)).toEqual({ marks: 0, pledges: 0, rows: 0 });
  });

  it("marks the pledges a survey response or a case's acknowledgement, reply and closing touch", async () => {
    await recomputeAllStoredResults(app.db);
    const stale = () =>
      app.db
        .selectFrom("pledge_results_stale")
        .select(["department_id", "pledge_id", "month"])
        .orderBy("id")
        .execute();
    const rating = await pledge("CSTDI-COURSE-RATING");
    await storeTestResponse(app.db, "cstdicsat", { answers: { overall: "5" } });
    const month = hkMonth(new Date());
    expect(await stale()).toEqual([{ department_id: rating.department_id, pledge_id: rating.id, month }]);
    await refreshStaleResults(app.db);
    expect((await stored(rating.id)).find((x) => x.month === month)).toMatchObject({
      total: 1,
      compliant: 1,
    });

    const immd = await pledge("IMMD-ID-CARD");
    const { id } = await app.db.transaction().execute((trx) =>
      createCase(trx, app.context.env.PII_KEY, {
        departmentId: immd.department_id,
        serviceId: null,
        channel: "web",
        language: "en",
        whatHappened: "Waited too long",
        desiredOutcome: "",
        contact: {},
        consent: true,
      }),
    );
    const actor = { id: await staff("officer.immd"), departmentId: immd.department_id };
    for (const [action, input] of [
      ["acknowledge", {}],
      ["reply", { body: "Done" }],
      ["close", {}],
    ] as const)
      expect((await moveCase(app.db, actor, id, action, input)).ok).toBe(true);
    expect(await stale()).toEqual(
      Array.from({ length: 3 }, () => ({ department_id: immd.department_id, pledge_id: null, month })),
    );
  });

  it("after one new transaction the real worker's refresh shows it on the public page within a minute", async () => {
    await recomputeAllStoredResults(app.db);
    const immd = await pledge("IMMD-ID-CARD");
    const done = new Date(Date.now() - 3600_000);
    const month = hkMonth(done);
    const shown = async () => {
      const view = await publicPledgeView(app.db, { department: "IMMD", now: new Date() });
      const p = view!.departments[0]!.pledges.find((x) => x.code === "IMMD-ID-CARD")!;
      return [...p.years].at(-1)!.sample;
    };
    const before = await shown();

    prefix = testPrefix();
    workers.push(
      await spawnWorker({
        DATABASE_URL: app.t.processUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        PII_KEY: TEST_PII_KEY,
      }),
    );
    const started = Date.now();
    const ok = await recordTransaction(app.db, { id: await staff("admin.immd") }, immd.department_id, {
      transactionType: "ID-CARD",
      externalRef: "WORKER-1",
      receivedAt: new Date(done.getTime() - 86_400_000).toISOString(),
      completedAt: done.toISOString(),
    });
    expect(ok.ok).toBe(true);
    await until(
      "the refresh to store the new transaction",
      async () => {
        const row = await app.db
          .selectFrom("pledge_results")
          .select("total")
          .where("pledge_id", "=", immd.id)
          .where("month", "=", month)
          .executeTakeFirst();
        return Number(row?.total) === 1;
      },
      55_000,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await shown()).toBe(before + 1);
  }, 90_000);
});
