import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { lastCompleteMonths } from "~/models/calendar/periods";
import type { PublicPledge } from "~/models/pledges/public.server";
import { loader as pledgesLoader } from "~/routes/pledges._index";
import { loader as departmentLoader } from "~/routes/pledges.$dept";
import { loader as departmentCsvLoader } from "~/routes/pledges.$dept[.]csv";
import { loader as departmentJsonLoader } from "~/routes/pledges.$dept[.]json";
import { loader as csvLoader } from "~/routes/pledges[.]csv";
import { loader as jsonLoader } from "~/routes/pledges[.]json";
import { ANNEX_PLEDGES } from "../../db/seed-annex";
import { seedActivity } from "../../db/seed-pledges";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";

const NOW = new Date("2026-11-27T04:00:00Z");
const MONTHS = lastCompleteMonths("2026-11", 12);

/** RFC 4180: quoted fields, doubled quotes, CRLF records. Enough for our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

type PageData = Awaited<ReturnType<typeof pledgesLoader>>;

describe.each(DB_KINDS)("public pledges and the overview [%s]", (kind) => {
  const app = useTestApp(kind);

  beforeEach(async () => {
    // Only Date is faked: the loaders' "now" is fixed, timers and I/O run as usual.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(async () => {
    vi.useRealTimers();
  });

  const page = async (path = "/pledges", lng = "en"): Promise<PageData> =>
    pledgesLoader({
      request: getRequest(path, { cookie: `pledge_lng=${lng}` }),
      context: app.context,
      params: {},
    });

  it("shows every annex pledge with twelve months of results, and the JSON and CSV say exactly the same", async () => {
    await seedActivity(app.db, app.context.env.PII_KEY, NOW);
    const data = await page();
    const pledges = data.view!.departments.flatMap((d) => d.pledges);
    expect(pledges.map((p) => p.code).sort()).toEqual(ANNEX_PLEDGES.map((p) => p.code).sort());
    expect(data.view!.months).toEqual(MONTHS);
    expect(data.view!.years).toEqual({ previous: "2025", current: "2026" });
    for (const p of pledges) {
      expect(p.months.map((r) => r.period)).toEqual(MONTHS);
      expect(p.years.map((r) => r.period)).toEqual(["2025", "2026"]);
      expect(p.latest).toEqual(p.months.at(-1));
      // Twelve months of demo activity: the latest month has something counted for every pledge.
      expect(p.latest.sample).toBeGreaterThan(0);
      expect(p.statement.en.length).toBeGreaterThan(10);
      expect(p.measurement.zh.length).toBeGreaterThan(10);
    }
    // The demo makes some months miss their targets and the OGCIO study's months too small to judge.
    const statuses = new Set(pledges.flatMap((p) => p.months.map((r) => r.status)));
    expect([...statuses].sort()).toEqual(["insufficient", "met", "not_met"]);

    const imm = pledges.find((p) => p.code === "IMMD-ID-CARD")!;
    expect(imm.target).toMatchObject({ kind: "timeliness", share: 99, days: 10, dayUnit: "working" });
    expect(imm.target.text.en).toBe("99% completed within 10 working days");
    expect(imm.measurement.en).toContain("no more than 10 working days");
    const salt = pledges.find((p) => p.code === "WSD-SALT-WATER")!;
    expect(salt.target.standard.en).toBe("Supply pressure at least 15 m");
    const rating = pledges.find((p) => p.code === "CSTDI-COURSE-RATING")!;
    expect(rating.target.standard.en).toContain("Overall, how satisfied are you");
    expect(pledges.find((p) => p.code === "GPA-PROPERTY-COMPLAINTS")!.measurement.en).toContain(
      "clock was stopped",
    );

    const expected = (list: PublicPledge[]) =>
      list.map((p) => ({
        code: p.code,
        department: p.department.code,
        results: [...p.months, ...p.years].map((r) => ({
          period: r.period,
          achieved: r.achieved,
          sample: r.sample,
          status: r.status,
        })),
      }));

    // JSON
    const json = await jsonLoader({ request: getRequest("/pledges.json"), context: app.context, params: {} });
    expect(json.status).toBe(200);
    expect(json.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(json.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(json.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await json.json()) as {
      generatedAt: string;
      periods: string[];
      pledges: {
        code: string;
        department: { code: string };
        statement: { en: string; zh: string };
        results: { period: string; achieved: number | null; sample: number; status: string }[];
      }[];
    };
    expect(body.generatedAt).toBe(NOW.toISOString());
    expect(body.periods).toEqual([...MONTHS, "2025", "2026"]);
    expect(
      body.pledges.map((p) => ({
        code: p.code,
        department: p.department.code,
        results: p.results.map((r) => ({
          period: r.period,
          achieved: r.achieved,
          sample: r.sample,
          status: r.status,
        })),
      })),
    ).toEqual(expected(pledges));
    expect(body.pledges.map((p) => p.statement)).toEqual(pledges.map((p) => p.statement));

    // CSV
    const csv = await csvLoader({ request: getRequest("/pledges.csv"), context: app.context, params: {} });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes.subarray(3)));
    expect(header).toEqual([
      "code",
      "department",
      "service_en",
      "service_zh",
      "statement_en",
      "statement_zh",
      "customer",
      "category",
      "target_share",
      "period",
      "achieved",
      "sample",
      "status",
    ]);
    expect(rows).toHaveLength(pledges.length * 14);
    const fromCsv = pledges.map((p) => ({
      code: p.code,
      department: p.department.code,
      results: rows
        .filter((r) => r[0] === p.code)
        .map((r) => ({
          period: r[9],
          achieved: r[10] === "" ? null : Number(r[10]),
          sample: Number(r[11]),
          status: r[12],
        })),
    }));
    expect(fromCsv).toEqual(expected(pledges));
    const immRow = rows.find((r) => r[0] === "IMMD-ID-CARD")!;
    // The target is the one in force in the row's period (the demo year strengthens it from 97 to 99).
    const immTarget = [...imm.months, ...imm.years].find((r) => r.period === immRow[9])!.target;
    expect(immRow.slice(1, 9)).toEqual([
      "IMMD",
      imm.service.en,
      imm.service.zh,
      imm.statement.en,
      imm.statement.zh,
      "external",
      "efficiency",
      String(immTarget),
    ]);

    // A department's page and its open data carry the same pledges as the government page.
    const dept = await departmentLoader({
      request: getRequest("/pledges/wsd"),
      context: app.context,
      params: { dept: "wsd" },
    });
    const wsd = dept.view.departments[0]!;
    expect(wsd.code).toBe("WSD");
    expect(wsd.pledges).toEqual(data.view!.departments.find((d) => d.code === "WSD")!.pledges);
    const deptJson = await departmentJsonLoader({
      request: getRequest("/pledges/WSD.json"),
      context: app.context,
      params: { dept: "WSD" },
    });
    const deptBody = (await deptJson.json()) as typeof body;
    expect(deptBody.pledges.map((p) => p.code)).toEqual(["WSD-DRINKING-WATER", "WSD-SALT-WATER"]);
    const deptCsv = await departmentCsvLoader({
      request: getRequest("/pledges/WSD.csv"),
      context: app.context,
      params: { dept: "WSD" },
    });
    const deptRows = parseCsv((await deptCsv.text()).replace(/^\uFEFF/, "")).slice(1);
    expect(deptRows).toHaveLength(2 * 14);
    expect(deptRows).toEqual(rows.filter((r) => r[1] === "WSD"));
  }, 180_000);

  it("gives a department's page in any case, and 404 for an unknown department", async () => {
    const res = await departmentLoader({
      request: getRequest("/pledges/immd", { cookie: "pledge_lng=zh-HK" }),
      context: app.context,
      params: { dept: "immd" },
    });
    expect(res.locale).toBe("zh-HK");
    expect(res.view.departments.map((d) => d.code)).toEqual(["IMMD"]);
    expect(res.view.departments[0]!.pledges.map((p) => p.code)).toEqual(["IMMD-ID-CARD"]);
    // No activity in this database: every month is "not enough data", with nothing counted.
    expect(res.view.departments[0]!.pledges[0]!.months.every((r) => r.status === "insufficient")).toBe(true);

    for (const load of [departmentLoader, departmentJsonLoader, departmentCsvLoader]) {
      const r = await settle(() =>
        load({ request: getRequest("/pledges/NOPE"), context: app.context, params: { dept: "NOPE" } }),
      );
      expect(r.status).toBe(404);
    }
  });

  it("lists only published pledges, and departments without any", async () => {
    await app.db
      .updateTable("pledges")
      .set({ status: "draft", published_at: null })
      .where("code", "=", "HKO-SPECIAL-FORECASTS")
      .execute();
    const data = await page();
    const hko = data.view!.departments.find((d) => d.code === "HKO")!;
    expect(hko.pledges).toEqual([]);
    expect(data.view!.departments.flatMap((d) => d.pledges)).toHaveLength(ANNEX_PLEDGES.length - 1);
  });

  it("neutralises CSV cells a spreadsheet would run as formulas", async () => {
    const v = await app.db
      .selectFrom("pledges")
      .select("current_version_id")
      .where("code", "=", "EU-CONSULTANCY-RATING")
      .executeTakeFirstOrThrow();
    await app.db
      .updateTable("pledge_versions")
      .set({ statement_en: '=HYPERLINK("http://evil")', statement_zh: "@SUM(1)" })
      .where("id", "=", v.current_version_id!)
      .execute();
    const csv = await csvLoader({ request: getRequest("/pledges.csv"), context: app.context, params: {} });
    const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ""));
    const eu = rows.find((r) => r[0] === "EU-CONSULTANCY-RATING")!;
    expect(eu[4]).toBe('\'=HYPERLINK("http://evil")');
    expect(eu[5]).toBe("'@SUM(1)");
  });
});
