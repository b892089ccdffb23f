import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Holidays from "date-holidays";
import { describe, expect, it } from "vitest";
import { importGovernment } from "~/models/imports/import.server";
import { recomputeStoredResults } from "~/models/pledges/stored-results.server";
import { createSystemAdmin } from "~/models/staff/accounts.server";
import { loader as overviewJson } from "~/routes/central.overview[.]json";
import { writeGovernment } from "../../db/demo-government";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

/*
 * The overview of an imported government against the same figures worked out here, straight from
 * the CSV files, by code that shares nothing with the product's results (the comparison
 * test): a small government of the demo generator, three years of activity.
 */

const END = "2026-10";

type Row = Record<string, string>;
function readCsv(dir: string, file: string): Row[] {
  const [header, ...lines] = fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n");
  const cols = header!.split(",");
  // The generator writes no quoted fields (no commas in its names), so a split is enough here.
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

const hkDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const holidays = new Set<string>();
for (let y = 2020; y <= 2027; y++)
  for (const h of new Holidays("HK").getHolidays(y))
    if (h.type === "public") holidays.add(h.date.slice(0, 10));
/** Days after `from` up to and including `to`: every day, or Monday–Friday that are not holidays. */
function daysBetween(from: string, to: string, working: boolean): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (!working || (wd !== 0 && wd !== 6 && !holidays.has(d))) n++;
  }
  return n;
}
const monthAdd = (m: string, n: number) => {
  const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)) - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};
const lastDay = (m: string) => addDays(`${monthAdd(m, 1)}-01`, -1);

/** The overview's figures, from the files alone. */
function expectedFigures(dir: string) {
  const pledges = readCsv(dir, "pledges.csv");
  // The standard in force in a month: the previous one until a strengthening takes effect.
  const standard = (p: Row, month: string) =>
    p.change === "strengthened" && p.change_date! > lastDay(month)
      ? { share: Number(p.previous_target_share), threshold: Number(p.previous_threshold) }
      : { share: Number(p.target_share), threshold: Number(p.threshold) };
  const counts = new Map<string, { total: number; ok: number }>(); // pledge|month
  const count = (p: Row, month: string, meets: (threshold: number) => boolean) => {
    const key = `${p.pledge_id}|${month}`;
    const c = counts.get(key) ?? { total: 0, ok: 0 };
    c.total++;
    if (meets(standard(p, month).threshold)) c.ok++;
    counts.set(key, c);
  };
  const byId = new Map(pledges.map((p) => [p.pledge_id!, p]));
  for (const t of readCsv(dir, "transactions.csv")) {
    const p = byId.get(t.pledge_id!)!;
    const done = hkDate(t.completed_at!);
    const days = daysBetween(hkDate(t.received_at!), done, p.unit === "working_days");
    count(p, done.slice(0, 7), (limit) => days <= limit);
  }
  for (const r of readCsv(dir, "survey_responses.csv"))
    count(byId.get(r.pledge_id!)!, hkDate(r.submitted_at!).slice(0, 7), () => Number(r.score) >= 4);
  for (const r of readCsv(dir, "readings.csv")) {
    const p = byId.get(r.pledge_id!)!;
    const v = Number(r.value);
    count(p, hkDate(r.taken_at!).slice(0, 7), (limit) => (p.unit === "value_max" ? v <= limit : v >= limit));
  }
  const start = (p: Row) => (p.change === "new" ? p.change_date! : p.effective_from!);
  const end = (p: Row) => (p.change === "retired" ? p.change_date! : "9999-12-31"); // out of force from this day
  const first = monthAdd(END, -35);
  const years = [0, 1, 2].map((y) => {
    const months = Array.from({ length: 12 }, (_, i) => monthAdd(first, y * 12 + i));
    let withResult = 0;
    let met = 0;
    for (const p of pledges) {
      if (start(p) > `${months[0]}-01` || end(p) <= lastDay(months[11]!)) continue;
      let total = 0;
      let ok = 0;
      for (const m of months) {
        total += counts.get(`${p.pledge_id}|${m}`)?.total ?? 0;
        ok += counts.get(`${p.pledge_id}|${m}`)?.ok ?? 0;
      }
      if (total === 0) continue;
      withResult++;
      if (ok * 100 >= (Math.round(standard(p, months[11]!).share * 1000) / 10) * total) met++;
    }
    return { from: months[0], to: months[11], withResult, met };
  });
  const inWindow = pledges.filter((p) => start(p) <= lastDay(END) && end(p) > `${first}-01`);
  const within = (d: string) => d >= `${first}-01` && d <= lastDay(END);
  const n = (f: (p: Row) => boolean) => inWindow.filter(f).length;
  return {
    years,
    pledges: inWindow.length,
    external: n((p) => p.customer === "external"),
    efficiency: n((p) => p.nature === "efficiency"),
    strengthened: n((p) => p.change === "strengthened" && within(p.change_date!)),
    new: n((p) => p.change === "new" && within(p.change_date!)),
    retired: n((p) => p.change === "retired" && within(p.change_date!)),
    changed: n((p) => p.change !== "none" && within(p.change_date!)),
  };
}

describe.each(DB_KINDS)("the demo government's overview [%s]", (kind) => {
  const app = useTestApp(kind, { empty: true });

  it("gives the figures worked out independently from the imported files", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-gov-"));
    try {
      await writeGovernment(dir, {
        departments: 8,
        pledges: 120,
        months: 40,
        end: END,
        rowsPerMonth: 4,
        seed: 7,
      });
      const loaded = await importGovernment(app.db, dir);
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      await recomputeStoredResults(app.db, { pledgeIds: loaded.changedPledgeIds });
      await createSystemAdmin(app.db, {
        username: "central",
        displayName: "Central",
        email: "central@example.gov.hk",
        password: "a long enough password",
      });
      const cookie = await signInAs(app.c, "central", "a long enough password");
      const res = await settle(() =>
        overviewJson({
          request: getRequest(`/central/overview.json?end=${END}`, { cookie }),
          context: app.context,
          params: {},
        }),
      );
      expect(res.status).toBe(200);
      const o = await res.json();
      const want = expectedFigures(dir);
      // Every year has pledges with results, and most of them met their targets.
      for (const y of want.years) expect(y.withResult).toBeGreaterThan(50);
      expect(o.years.map((y: Record<string, unknown>) => [y.from, y.to, y.withResult, y.met])).toEqual(
        want.years.map((y) => [y.from, y.to, y.withResult, y.met]),
      );
      const shares = o.shares as Record<string, { count: number; total: number }>;
      const names = { newService: "new" } as const;
      for (const key of [
        "external",
        "efficiency",
        "strengthened",
        "newService",
        "retired",
        "changed",
      ] as const)
        expect([key, shares[key]!.count, shares[key]!.total]).toEqual([
          key,
          want[key === "newService" ? names[key] : key],
          want.pledges,
        ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
