/**
 * A synthetic government in the registry import format (docs/import-format.md), for
 * `npm run demo:government`, the import benchmark and the overview's comparison test: departments
 * and bureaux, their services, a pledge registry with three years of history (strengthened, new and
 * retired pledges in about the paper's shares) and the activity the pledges are measured by.
 *
 * Deterministic: the same options write the same bytes (a seeded generator, a fixed order). The
 * shares follow the 2009 review (shared/domain.md): about 91% of pledges for external customers,
 * 92% about efficiency, 20% strengthened, 8% new and 3% retired in the three years, and most
 * pledges meeting their targets.
 */

import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";

export interface GovernmentOptions {
  departments: number;
  pledges: number;
  /** months of activity, ending with `end` */
  months: number;
  /** the last month of activity, YYYY-MM */
  end: string;
  /** average activity rows per pledge per month */
  rowsPerMonth: number;
  seed: number;
}

export interface GovernmentFiles {
  dir: string;
  rows: Record<string, number>;
}

const TOPICS: [string, string][] = [
  ["Lands", "地政"],
  ["Agriculture", "漁農"],
  ["Civil Aviation", "民航"],
  ["Housing", "房屋"],
  ["Health", "衞生"],
  ["Labour", "勞工"],
  ["Fire Services", "消防"],
  ["Marine", "海事"],
  ["Postal", "郵政"],
  ["Libraries", "圖書館"],
  ["Parks", "公園"],
  ["Audit", "審計"],
  ["Statistics", "統計"],
  ["Trade", "貿易"],
  ["Customs", "海關"],
  ["Revenue", "稅務"],
  ["Records", "檔案"],
  ["Weather", "天文"],
  ["Drainage", "渠務"],
  ["Highways", "路政"],
  ["Buildings", "屋宇"],
  ["Food Safety", "食物安全"],
  ["Social Welfare", "社會福利"],
  ["Education", "教育"],
  ["Registration", "註冊"],
];

const SERVICES: [string, string][] = [
  ["licensing", "發牌"],
  ["enquiries", "查詢"],
  ["registration", "登記"],
  ["inspections", "巡查"],
];

/** mulberry32: a small, fast, seeded generator (the same seed gives the same sequence). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** A month `n` months after `month` (n may be negative). */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

function daysInMonth(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A Hong Kong local time as ISO 8601 with its offset, `days` days after a date of `month`. */
function hkTime(month: string, day: number, minutes: number, daysBack = 0): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1, day - daysBack, 0, minutes));
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV file written line by line, waiting when the disk is behind (never the whole file in memory). */
class CsvWriter {
  private out: fs.WriteStream;
  private buffer: string[] = [];
  rows = 0;
  constructor(file: string, header: string[]) {
    this.out = fs.createWriteStream(file);
    this.buffer.push(header.join(","));
  }
  async row(values: (string | number)[]): Promise<void> {
    this.buffer.push(values.map(csvField).join(","));
    this.rows++;
    if (this.buffer.length >= 5000) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join("\n")}\n`;
    this.buffer = [];
    if (!this.out.write(text)) await once(this.out, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
}

type Kind = "timeliness" | "satisfaction" | "measured";
type Unit = "working_days" | "calendar_days" | "top_two_box" | "value_max" | "value_min";

interface PledgeSpec {
  id: string;
  department: string;
  kind: Kind;
  unit: Unit;
  threshold: number | null;
  change: "none" | "strengthened" | "retired" | "new";
  /** the first month of activity and the month activity stops (exclusive), within the window */
  from: string;
  until: string | null;
  /** the chance one item meets the standard */
  compliance: number;
}

/** Writes the six files of a synthetic government into `dir` and says how many rows each has. */
export async function writeGovernment(dir: string, o: GovernmentOptions): Promise<GovernmentFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const rand = random(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const first = addMonths(o.end, -(o.months - 1));
  const windowMonths = Array.from({ length: o.months }, (_, i) => addMonths(first, i));

  const departments = new CsvWriter(path.join(dir, "departments.csv"), [
    "code",
    "name_en",
    "name_zh",
    "type",
  ]);
  const services = new CsvWriter(path.join(dir, "services.csv"), [
    "department_code",
    "service_code",
    "name_en",
    "name_zh",
  ]);
  const depts: { code: string; services: [string, string, string][] }[] = [];
  for (let i = 0; i < o.departments; i++) {
    const [en, zh] = TOPICS[i % TOPICS.length]!;
    const round = Math.floor(i / TOPICS.length);
    const bureau = i % 6 === 0;
    const code = `G${pad(i + 1, 3)}`;
    const suffixEn = round > 0 ? ` (${round + 1})` : "";
    const suffixZh = round > 0 ? `（${round + 1}）` : "";
    await departments.row([
      code,
      `${en} ${bureau ? "Bureau" : "Department"}${suffixEn}`,
      `${zh}${bureau ? "局" : "署"}${suffixZh}`,
      bureau ? "bureau" : "department",
    ]);
    const count = 2 + Math.floor(rand() * 3);
    const mine: [string, string, string][] = [];
    for (let s = 0; s < count; s++) {
      const [sen, szh] = SERVICES[s]!;
      const serviceCode = `S${s + 1}`;
      mine.push([serviceCode, `${en} ${sen}`, `${zh}${szh}`]);
      await services.row([code, serviceCode, `${en} ${sen}`, `${zh}${szh}`]);
    }
    depts.push({ code, services: mine });
  }
  await departments.close();
  await services.close();

  const pledgesFile = new CsvWriter(path.join(dir, "pledges.csv"), [
    "pledge_id",
    "department_code",
    "service_code",
    "customer",
    "nature",
    "kind",
    "statement_en",
    "statement_zh",
    "target_share",
    "threshold",
    "unit",
    "measure_unit",
    "effective_from",
    "change",
    "change_date",
    "previous_target_share",
    "previous_threshold",
  ]);
  const specs: PledgeSpec[] = [];
  for (let i = 0; i < o.pledges; i++) {
    const dept = depts[i % depts.length]!;
    const [serviceCode, serviceEn, serviceZh] = pick(dept.services);
    const id = `${dept.code}-P${pad(Math.floor(i / depts.length) + 1, 3)}`;
    const customer = rand() < 0.91 ? "external" : "internal";
    const nature = rand() < 0.92 ? "efficiency" : "quality";
    let kind: Kind;
    let unit: Unit;
    if (nature === "efficiency") {
      kind = rand() < 0.9 ? "timeliness" : "measured";
      unit = kind === "measured" ? "value_max" : rand() < 0.7 ? "working_days" : "calendar_days";
    } else {
      kind = rand() < 0.6 ? "satisfaction" : "measured";
      unit = kind === "satisfaction" ? "top_two_box" : "value_min";
    }
    const threshold =
      unit === "working_days"
        ? pick([1, 3, 5, 7, 10, 15])
        : unit === "calendar_days"
          ? pick([3, 7, 14, 28])
          : unit === "value_max"
            ? pick([15, 20, 30, 45])
            : unit === "value_min"
              ? pick([90, 95, 98])
              : null;
    const target = pick([0.8, 0.85, 0.9, 0.95, 0.98]);
    const r = rand();
    const change = r < 0.2 ? "strengthened" : r < 0.28 ? "new" : r < 0.31 ? "retired" : "none";
    // Changes fall on the first of a month inside the window, after its first month.
    const changeMonth = addMonths(first, 1 + Math.floor(rand() * (o.months - 1)));
    const changeDate = change === "none" ? "" : `${changeMonth}-01`;
    const effective = `${2003 + Math.floor(rand() * 15)}-${pad(1 + Math.floor(rand() * 12))}-01`;
    const previousTarget = change === "strengthened" ? Math.round((target - 0.05) * 100) / 100 : null;
    const previousThreshold =
      change !== "strengthened" || threshold === null
        ? null
        : unit === "value_min"
          ? threshold - 2
          : unit === "value_max"
            ? threshold + 5
            : threshold + 2;
    const measureUnit = unit === "value_max" ? "minutes" : unit === "value_min" ? "%" : "";
    const [en, zh] = statement(unit, threshold, serviceEn, serviceZh);
    await pledgesFile.row([
      id,
      dept.code,
      serviceCode,
      customer,
      nature,
      kind,
      en,
      zh,
      target,
      threshold ?? "",
      unit,
      measureUnit,
      effective,
      change,
      changeDate,
      previousTarget ?? "",
      previousThreshold ?? "",
    ]);
    // Most pledges comfortably meet their target; about one in twenty falls short.
    const good = rand() < 0.95;
    const compliance = good
      ? Math.min(0.995, target + 0.03 + rand() * 0.04)
      : Math.max(0.3, target - 0.06 - rand() * 0.1);
    specs.push({
      id,
      department: dept.code,
      kind,
      unit,
      threshold,
      change,
      from: change === "new" ? changeMonth : first,
      until: change === "retired" ? changeMonth : null,
      compliance,
    });
  }
  await pledgesFile.close();

  const transactions = new CsvWriter(path.join(dir, "transactions.csv"), [
    "pledge_id",
    "received_at",
    "completed_at",
  ]);
  const responses = new CsvWriter(path.join(dir, "survey_responses.csv"), [
    "pledge_id",
    "submitted_at",
    "score",
  ]);
  const readings = new CsvWriter(path.join(dir, "readings.csv"), ["pledge_id", "taken_at", "value"]);
  for (const month of windowMonths) {
    const days = daysInMonth(month);
    for (const p of specs) {
      if (month < p.from || (p.until !== null && month >= p.until)) continue;
      const n = Math.round(o.rowsPerMonth * (0.5 + rand()));
      for (let k = 0; k < n; k++) {
        const ok = rand() < p.compliance;
        const day = 1 + Math.floor(rand() * days);
        const minutes = 9 * 60 + Math.floor(rand() * 8 * 60);
        if (p.kind === "timeliness") {
          const t = p.threshold!;
          // Met: within the standard in calendar days (so in working days too); missed: well past it.
          const elapsed = ok ? Math.floor(rand() * (t + 1)) : 2 * t + 10 + Math.floor(rand() * 5);
          await transactions.row([
            p.id,
            hkTime(month, day, minutes - 60, elapsed),
            hkTime(month, day, minutes),
          ]);
        } else if (p.kind === "satisfaction") {
          const score = ok ? 4 + Math.floor(rand() * 2) : 1 + Math.floor(rand() * 3);
          await responses.row([p.id, hkTime(month, day, minutes), score]);
        } else {
          const t = p.threshold!;
          const value =
            p.unit === "value_max"
              ? ok
                ? t - Math.floor(rand() * t * 5) / 10
                : t + 1 + Math.floor(rand() * 100) / 10
              : ok
                ? Math.min(100, t + Math.floor(rand() * (100 - t) * 10) / 10)
                : t - 1 - Math.floor(rand() * 100) / 10;
          await readings.row([p.id, hkTime(month, day, minutes), Math.round(value * 10) / 10]);
        }
      }
    }
  }
  await transactions.close();
  await responses.close();
  await readings.close();
  return {
    dir,
    rows: {
      "departments.csv": departments.rows,
      "services.csv": services.rows,
      "pledges.csv": pledgesFile.rows,
      "transactions.csv": transactions.rows,
      "survey_responses.csv": responses.rows,
      "readings.csv": readings.rows,
    },
  };
}

function statement(unit: Unit, t: number | null, service: string, serviceZh: string): [string, string] {
  switch (unit) {
    case "working_days":
      return [`Complete ${service} within ${t} working days`, `${t}個工作天內完成${serviceZh}`];
    case "calendar_days":
      return [`Complete ${service} within ${t} calendar days`, `${t}個曆日內完成${serviceZh}`];
    case "top_two_box":
      return [`Customers satisfied with ${service}`, `顧客滿意${serviceZh}服務`];
    case "value_max":
      return [`Wait no longer than ${t} minutes for ${service}`, `${serviceZh}輪候時間不超過${t}分鐘`];
    case "value_min":
      return [`${service} records at least ${t}% accurate`, `${serviceZh}紀錄準確度最少${t}%`];
  }
}
