import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Overview } from "~/models/pledges/overview.server";
import { recomputeStoredResults } from "~/models/pledges/stored-results.server";
import { loader as overviewLoader } from "~/routes/central.overview";
import { loader as overviewJsonLoader } from "~/routes/central.overview[.]json";
import { loader as jsonLoader } from "~/routes/pledges[.]json";
import { DEPARTMENTS } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

const NOW = new Date("2026-11-27T04:00:00Z");

/**
 * The overview (issue 12, COMMON "The overview"): three 12-month years ending at `?end=`, a pledge
 * with a result for a year only if in force the whole year, achieved = Σ compliant ÷ Σ total, met
 * against the target in force at the year's end; shares over the pledges in force in the window;
 * deactivated departments left out; read from the stored results only.
 */
describe.each(DB_KINDS)("the government overview from stored results [%s]", (kind) => {
  const app = useTestApp(kind);
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const pledge = (code: string) =>
    app.db.selectFrom("pledges").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const readings = (pledgeId: number, month: string, values: number[]) =>
    values.map((value) => ({
      pledge_id: pledgeId,
      taken_on: `${month}-10`,
      month,
      value,
      evidence_note: null,
      entered_by: null,
      import_id: null,
      created_at: NOW.toISOString(),
    }));
  const times = (n: number, v: number) => Array.from({ length: n }, () => v);
  const addVersion = async (
    code: string,
    reason: "strengthened" | "new_service",
    from: string,
    change: Record<string, unknown> = {},
  ) => {
    const p = await pledge(code);
    const v = await app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("id", "=", p.current_version_id!)
      .executeTakeFirstOrThrow();
    const { id: _old, ...rest } = v;
    const row = await app.db
      .insertInto("pledge_versions")
      .values({
        ...rest,
        ...change,
        version_no: v.version_no + 1,
        change_reason: reason,
        effective_from: from,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.db.updateTable("pledges").set({ current_version_id: row.id }).where("id", "=", p.id).execute();
  };

  /** Known data: see each line. Every annex pledge in force since 2023-01-01. */
  const arrange = async () => {
    await app.db.updateTable("pledge_versions").set({ effective_from: "2023-01-01" }).execute();
    const salt = await pledge("WSD-SALT-WATER"); // ≥ 15 m, 98%
    const water = await pledge("WSD-DRINKING-WATER"); // ≥ 100%, 100%
    const tunnel = await pledge("TD-TUNNEL-VISIBILITY"); // ≤ 0.005, 100%
    const hko = await pledge("HKO-SPECIAL-FORECASTS"); // ≥ 4, 90%
    await app.db
      .insertInto("quality_readings")
      .values([
        ...readings(water.id, "2024-02", times(10, 100)), // year 1: met
        ...readings(water.id, "2025-03", [...times(9, 100), 99]), // year 2: 90% < 100%, not met
        ...readings(salt.id, "2025-06", [...times(49, 16), 10]), // year 2: exactly 98%, met
        ...readings(salt.id, "2026-03", times(10, 16)),
        ...readings(salt.id, "2026-04", [...times(5, 16), ...times(5, 10)]), // year 3: 15/20 = 75%, not met
        ...readings(salt.id, "2026-11", times(10, 10)), // after the window
        ...readings(tunnel.id, "2025-01", times(10, 0.001)), // year 2: met
        ...readings(tunnel.id, "2026-03", times(10, 0.001)), // year 3: retired in it, no result
        ...readings(hko.id, "2026-05", times(10, 5)), // a deactivated department: left out
      ])
      .execute();
    await app.db
      .updateTable("pledges")
      .set({ status: "retired", retired_at: "2026-04-15T02:00:00.000Z" })
      .where("id", "=", tunnel.id)
      .execute();
    await app.db
      .updateTable("pledges")
      .set({ status: "retired", retired_at: "2022-05-01T02:00:00.000Z" })
      .where("code", "=", "EU-CONSULTANCY-RATING")
      .execute();
    await app.db.updateTable("departments").set({ is_active: 0 }).where("code", "=", "HKO").execute();
    // Changes: ID cards strengthened in the window; tenders a new service from March 2024 (its
    // first version); local mail's later new-service version does not count (not its first);
    // import licences strengthened from 2027 (not in the window).
    await addVersion("IMMD-ID-CARD", "strengthened", "2025-01-01");
    const gld = await pledge("GLD-TENDERS");
    await app.db
      .updateTable("pledge_versions")
      .set({ change_reason: "new_service", effective_from: "2024-03-01" })
      .where("id", "=", gld.current_version_id!)
      .execute();
    await addVersion("HKP-LOCAL-MAIL", "new_service", "2024-06-01");
    await addVersion("FEHD-IMPORT-LICENCE", "strengthened", "2027-01-01");
    // Salt water's target rises to 99% from July 2026: year 3 is judged against it.
    await addVersion("WSD-SALT-WATER", "strengthened", "2026-07-01", { target_share: 99 });
    await recomputeStoredResults(app.db, { now: NOW });
  };

  const load = async (path: string, user = "reviewer", lng = "en") => {
    const cookie = `${await signInAs(app.c, user)}; pledge_lng=${lng}`;
    return overviewLoader({ request: getRequest(path, { cookie }), context: app.context, params: {} });
  };
  const loadJson = async (path: string, user = "reviewer", lng = "en") => {
    const cookie = `${await signInAs(app.c, user)}; pledge_lng=${lng}`;
    return overviewJsonLoader({ request: getRequest(path, { cookie }), context: app.context, params: {} });
  };

  it("works out the three years, their mean and the shares exactly, ending at the last complete month", async () => {
    await arrange();
    const res = await load("/central/overview");
    expect(res.status).toBe(200);
    const { overview: o } = await res.json();
    expect(o!.end).toBe("2026-10");
    expect(o!.months).toHaveLength(36);
    expect(o!.months[0]).toBe("2023-11");
    expect(o!.years).toEqual([
      { from: "2023-11", to: "2024-10", withResult: 1, met: 1, share: 1 },
      { from: "2024-11", to: "2025-10", withResult: 3, met: 2, share: 2 / 3 },
      { from: "2025-11", to: "2026-10", withResult: 1, met: 0, share: 0 },
    ]);
    expect(o!.mean).toBeCloseTo(5 / 9, 12);
    expect(o!.departments).toBe(DEPARTMENTS.length - 1);
    // 13 annex pledges less the consultancy one (retired in 2022) and the HKO one (deactivated).
    expect(o!.pledges).toBe(11);
    expect(o!.shares).toEqual({
      external: { count: 6, total: 11, share: 6 / 11 },
      internal: { count: 5, total: 11, share: 5 / 11 },
      efficiency: { count: 7, total: 11, share: 7 / 11 },
      quality: { count: 4, total: 11, share: 4 / 11 },
      // ID cards and salt water strengthened, tenders new, the tunnels retired.
      changed: { count: 4, total: 11, share: 4 / 11 },
      strengthened: { count: 2, total: 11, share: 2 / 11 },
      newService: { count: 1, total: 11, share: 1 / 11 },
      retired: { count: 1, total: 11, share: 1 / 11 },
    });
    expect(o!.resultsComputedAt).toBe(NOW.toISOString());

    // The JSON says the same.
    const json = await loadJson("/central/overview.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await json.json()) as Overview;
    expect(body).toEqual(o);
    expect(Object.keys(body.definitions).length).toBeGreaterThan(0);

    // Stored results only: new data changes nothing until they are recomputed.
    const salt = await pledge("WSD-SALT-WATER");
    await app.db
      .insertInto("quality_readings")
      .values(readings(salt.id, "2026-05", times(100, 16)))
      .execute();
    expect(((await (await load("/central/overview")).json()).overview as Overview).years[2]).toEqual(
      o!.years[2],
    );
    await recomputeStoredResults(app.db, { pledgeIds: [salt.id], now: NOW });
    // 115 of 120 = 95.8% < 99% (the target at the year's end), still not met.
    expect(((await (await load("/central/overview")).json()).overview as Overview).years[2]).toMatchObject({
      withResult: 1,
      met: 0,
    });
  });

  it("takes any end month: ?end=2025-10 is the three years to October 2025", async () => {
    await arrange();
    const body = (await (await loadJson("/central/overview.json?end=2025-10")).json()) as Overview;
    expect(body.end).toBe("2025-10");
    expect(body.months[0]).toBe("2022-11");
    expect(body.years).toEqual([
      // Nothing was in force on 1 November 2022.
      { from: "2022-11", to: "2023-10", withResult: 0, met: 0, share: null },
      { from: "2023-11", to: "2024-10", withResult: 1, met: 1, share: 1 },
      { from: "2024-11", to: "2025-10", withResult: 3, met: 2, share: 2 / 3 },
    ]);
    expect(body.mean).toBeCloseTo(5 / 6, 12);
    // The tunnels were retired after this window; the consultancy pledge before it.
    expect(body.pledges).toBe(11);
    expect(body.shares.retired).toEqual({ count: 0, total: 11, share: 0 });
    expect(body.shares.strengthened).toEqual({ count: 1, total: 11, share: 1 / 11 });
    const page = await load("/central/overview?end=2025-10");
    expect(((await page.json()).overview as Overview).years).toEqual(body.years);
  });

  it("answers a bad end with a 400 and a message in the reader's language, not a 500", async () => {
    for (const end of ["2026-13", "abc", "2026-11", "2026-1", "1899-12"]) {
      const page = await load(`/central/overview?end=${end}`);
      expect(page.status, end).toBe(400);
      const data = await page.json();
      expect(data.overview).toBeNull();
      expect(data.error).toContain("YYYY-MM");
      const json = await loadJson(`/central/overview.json?end=${end}`);
      expect(json.status, end).toBe(400);
      expect(((await json.json()) as { error: string }).error).toContain("2026");
    }
    const zh = await load("/central/overview?end=nope", "reviewer", "zh-HK");
    expect(zh.status).toBe(400);
    expect((await zh.json()).error).toMatch(/[\u4e00-\u9fff]/);
    // An empty end (the form sent without a month) is the default.
    expect((await load("/central/overview?end=")).status).toBe(200);
  });

  it("lets only the central reviewer and the system administrator see the overview and its JSON", async () => {
    for (const [user, status] of [
      ["counter.immd", 404],
      ["manager.immd", 404],
      ["admin.immd", 404],
      ["reviewer", 200],
      ["sysadmin", 200],
    ] as const) {
      for (const get of [load, loadJson]) {
        const res = await settle(() => get("/central/overview", user));
        expect(res.status, user).toBe(status);
      }
    }
    for (const loader of [overviewLoader, overviewJsonLoader]) {
      const anonymous = await settle(() =>
        loader({ request: getRequest("/central/overview"), context: app.context, params: {} }),
      );
      expect(anonymous.status).toBe(302);
    }
  });

  it("leaves deactivated departments out of the open data too", async () => {
    await app.db.updateTable("departments").set({ is_active: 0 }).where("code", "=", "HKO").execute();
    const json = await jsonLoader({ request: getRequest("/pledges.json"), context: app.context, params: {} });
    const body = (await json.json()) as {
      pledges: { department: { code: string } }[];
      resultsComputedAt: string;
    };
    expect(body.pledges.some((p) => p.department.code === "HKO")).toBe(false);
    expect(body.pledges.length).toBeGreaterThan(0);
    expect(body.resultsComputedAt).toEqual(expect.any(String));
  });
});
