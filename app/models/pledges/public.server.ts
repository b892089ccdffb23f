import { stringify } from "csv-stringify/sync";
import type { Db } from "../../../db/client";
import type { PledgeVersion } from "../../../db/schema";
import { tFor } from "../../utils/meta";
import { lastCompleteMonths } from "../calendar/periods";
import { hkMonth } from "../calendar/time";
import { listPledges, type PledgeRow } from "./registry.server";
import type { PledgeResult, ResultStatus } from "./results.server";
import { storedPeriodResults } from "./stored-results.server";

/**
 * The public view of published pledges and their results (paper §4–6: publish targets together
 * with results, and say how they are measured). The "Our pledges" pages, the JSON and the CSV are
 * all built from this one view, so the three always say the same thing.
 */

export interface Bilingual {
  en: string;
  zh: string;
}

export interface PublicResult {
  /** a month (2026-10) or a year (2026) */
  period: string;
  /** share that met the standard, in percent with one decimal; null when nothing was counted */
  achieved: number | null;
  /** items that met the standard */
  compliant: number;
  /** items counted */
  sample: number;
  /** the target share of the version in force then */
  target: number;
  status: ResultStatus;
}

export interface PublicTarget {
  kind: PledgeVersion["target_kind"];
  /** share of items that must meet the standard, in percent */
  share: number;
  /** the standard one item must meet: "within 5 working days", "“…” rated 4 or 5 out of 5", "≥ 15 m" */
  standard: Bilingual;
  /** the whole target in words: share and standard */
  text: Bilingual;
  days: number | null;
  dayUnit: "working" | "calendar" | null;
  comparator: "gte" | "lte" | null;
  threshold: number | null;
  unit: string | null;
  /** items a month needs before it is judged */
  minSample: number;
}

export interface PublicPledge {
  code: string;
  department: { code: string } & Bilingual;
  service: Bilingual;
  statement: Bilingual;
  customer: "external" | "internal";
  category: "efficiency" | "quality";
  target: PublicTarget;
  measurement: Bilingual;
  /** the last twelve complete months, oldest first */
  months: PublicResult[];
  /** the previous year, then the current year to date */
  years: PublicResult[];
  /** the newest complete month */
  latest: PublicResult;
}

export interface PublicDepartment extends Bilingual {
  code: string;
  pledges: PublicPledge[];
}

export interface PublicView {
  generatedAt: string;
  /** the twelve months shown, oldest first */
  months: string[];
  /** the previous and the current year (the current one to date) */
  years: { previous: string; current: string };
  /** every department asked for, in code order, with its published pledges (maybe none) */
  departments: PublicDepartment[];
  /** when the stored results shown were brought up to date: the oldest computed_at among them */
  resultsComputedAt: string | null;
}

/** A threshold with its unit as people write it: 100%, 15 m, 0.005/m, 4. */
function withUnit(value: number, unit: string | null): string {
  if (!unit) return String(value);
  return unit === "%" || unit.startsWith("/") ? `${value}${unit}` : `${value} ${unit}`;
}

function both(fn: (lang: "en" | "zh-HK") => string): Bilingual {
  return { en: fn("en"), zh: fn("zh-HK") };
}

/**
 * The words are a pure function of these fields and the (static) strings: kept, so that 1,200
 * pledges' pages do not translate the same targets 1,200 times per request (bounded).
 */
const described = new Map<string, { target: PublicTarget; measurement: Bilingual }>();

/** The target of a version in words, and how its results are counted (from the version alone). */
export function describeTarget(
  v: PledgeVersion,
  question: Bilingual | null,
): { target: PublicTarget; measurement: Bilingual } {
  const key = JSON.stringify([
    v.target_kind,
    v.target_share,
    v.days,
    v.day_unit,
    v.timeliness_source,
    v.case_step,
    v.transaction_type,
    v.question_key,
    v.measure_en,
    v.measure_zh,
    v.measure_unit,
    v.comparator,
    v.threshold,
    v.min_sample,
    question?.en,
    question?.zh,
  ]);
  const known = described.get(key);
  if (known) return known;
  const made = describeTargetNow(v, question);
  if (described.size >= 20_000) described.clear();
  described.set(key, made);
  return made;
}

function describeTargetNow(
  v: PledgeVersion,
  question: Bilingual | null,
): { target: PublicTarget; measurement: Bilingual } {
  const share = v.target_share;
  const days = v.days ?? 0;
  const unit = v.day_unit ?? "working";
  const q = (lang: "en" | "zh-HK") => (lang === "en" ? question?.en : question?.zh) ?? v.question_key ?? "";
  const measure = (lang: "en" | "zh-HK") => (lang === "en" ? v.measure_en : v.measure_zh) ?? "";
  const threshold = withUnit(v.threshold ?? 0, v.measure_unit);
  const cmp = v.comparator === "lte" ? "lte" : "gte";

  const standard = both((lang) => {
    const t = tFor(lang);
    if (v.target_kind === "timeliness")
      return t(`pledges.standard.${unit}Day${days === 1 ? "" : "s"}`, { days: String(days) });
    if (v.target_kind === "satisfaction") return t("pledges.standard.topTwoBox", { question: q(lang) });
    return t(`pledges.standard.${cmp}`, { measure: measure(lang), threshold });
  });

  const key =
    v.target_kind === "timeliness"
      ? v.timeliness_source === "cases"
        ? v.case_step === "ack"
          ? "caseAck"
          : "caseReply"
        : "transactions"
      : v.target_kind;
  const text = both((lang) =>
    tFor(lang)(`pledges.target.${key}`, {
      share: String(share),
      standard: lang === "en" ? standard.en : standard.zh,
      question: q(lang),
    }),
  );
  const measurement = both((lang) => {
    const t = tFor(lang);
    const how = t(`pledges.measurement.${key}`, {
      type: v.transaction_type ?? "",
      days: String(days),
      unit: t(`pledges.measurement.${unit}Day${days === 1 ? "" : "s"}`),
      question: q(lang),
      measure: measure(lang),
      comparison: t(`pledges.measurement.${cmp}`, { threshold }),
    });
    const rest = [
      t("pledges.measurement.share", { share: String(share) }),
      t("pledges.measurement.minSample", { min: String(v.min_sample) }),
    ];
    return [how, ...rest].join(lang === "en" ? " " : "");
  });
  return {
    target: {
      kind: v.target_kind,
      share,
      standard,
      text,
      days: v.target_kind === "timeliness" ? days : null,
      dayUnit: v.target_kind === "timeliness" ? unit : null,
      comparator: v.target_kind === "measured" ? cmp : null,
      threshold: v.target_kind === "measured" ? v.threshold : null,
      unit: v.target_kind === "measured" ? v.measure_unit : null,
      minSample: v.min_sample,
    },
    measurement,
  };
}

/** The prompts of the survey questions satisfaction targets are measured by, keyed "survey:question". */
async function questionPrompts(db: Db, rows: PledgeRow[]): Promise<Map<string, Bilingual>> {
  const wanted = rows.filter((r) => r.version.target_kind === "satisfaction" && r.version.survey_id != null);
  if (wanted.length === 0) return new Map();
  const found = await db
    .selectFrom("surveys as s")
    .innerJoin("survey_questions as q", "q.version_id", "s.current_version_id")
    .select(["s.id as survey_id", "q.question_key", "q.prompt_en", "q.prompt_zh"])
    .where(
      "s.id",
      "in",
      wanted.map((r) => r.version.survey_id!),
    )
    .execute();
  return new Map(
    found.map((f) => [`${f.survey_id}:${f.question_key}`, { en: f.prompt_en, zh: f.prompt_zh }]),
  );
}

function publicResult(r: PledgeResult): PublicResult {
  return {
    period: r.period,
    achieved: r.achieved,
    compliant: r.compliant,
    sample: r.sample,
    target: r.target,
    status: r.status,
  };
}

/**
 * The published pledges of one department (its code, any case) or of all, with results for the
 * last twelve complete months before `now`, the previous year and the current year to date.
 * Null when the department code is unknown.
 */
export async function publicPledgeView(
  db: Db,
  options: { department?: string | null; now: Date },
): Promise<PublicView | null> {
  let departments = db.selectFrom("departments").select(["id", "code", "name_en", "name_zh"]).orderBy("code");
  // A deactivated department leaves the list of all; its own page (its history) stays.
  if (options.department == null) departments = departments.where("is_active", "=", 1);
  else
    departments = departments.where((eb) =>
      eb(eb.fn("upper", ["code"]), "=", options.department!.toUpperCase()),
    );
  const depts = await departments.execute();
  if (options.department != null && depts.length === 0) return null;

  const months = lastCompleteMonths(hkMonth(options.now), 12);
  const current = hkMonth(options.now).slice(0, 4);
  const previous = String(Number(current) - 1);
  const keys = [...months, previous, current];

  const rows = await listPledges(db, {
    departmentId: options.department != null ? depts[0]!.id : null,
    statuses: ["published"],
  });
  const prompts = await questionPrompts(db, rows);
  const { results, computedAt } = await storedPeriodResults(db, rows, keys, options.now);

  const byDepartment = new Map<number, PublicPledge[]>();
  rows.forEach((r, i) => {
    const v = r.version;
    const all = results[i]!.map(publicResult);
    const { target, measurement } = describeTarget(
      v,
      prompts.get(`${v.survey_id}:${v.question_key}`) ?? null,
    );
    const monthly = all.slice(0, months.length);
    const list = byDepartment.get(r.department_id) ?? [];
    list.push({
      code: r.code,
      department: { code: r.department_code, en: r.department_en, zh: r.department_zh },
      service: { en: r.service_en, zh: r.service_zh },
      statement: { en: v.statement_en, zh: v.statement_zh },
      customer: v.customer,
      category: v.category,
      target,
      measurement,
      months: monthly,
      years: all.slice(months.length),
      latest: monthly.at(-1)!,
    });
    byDepartment.set(r.department_id, list);
  });

  return {
    generatedAt: options.now.toISOString(),
    months,
    years: { previous, current },
    departments: depts.map((d) => ({
      code: d.code,
      en: d.name_en,
      zh: d.name_zh,
      pledges: byDepartment.get(d.id) ?? [],
    })),
    resultsComputedAt: computedAt,
  };
}

/** Every pledge of the view, department by department. */
export function viewPledges(view: PublicView): PublicPledge[] {
  return view.departments.flatMap((d) => d.pledges);
}

// ---- Open data: the same view as JSON and CSV ----

export interface OpenDataResult {
  period: string;
  achieved: number | null;
  compliant: number;
  sample: number;
  target: number;
  status: ResultStatus;
}

/**
 * The documented shape of /pledges.json and /pledges/<code>.json:
 * `{ generatedAt, resultsComputedAt, periods, pledges: [{ code, department, service, statement, customer, category,
 * target, measurement, results: [{ period, achieved, compliant, sample, target, status }] }] }`.
 * `periods` lists the twelve months (oldest first), then the previous year, then the current year
 * to date; every pledge has one result per period, in that order. `achieved` is a percentage with
 * one decimal (null when nothing was counted); `status` is met, not_met or insufficient.
 */
export interface OpenData {
  generatedAt: string;
  /** when the results were last brought up to date (the oldest computation among them), or null */
  resultsComputedAt: string | null;
  periods: string[];
  pledges: {
    code: string;
    department: { code: string } & Bilingual;
    service: Bilingual;
    statement: Bilingual;
    customer: "external" | "internal";
    category: "efficiency" | "quality";
    target: PublicTarget;
    measurement: Bilingual;
    results: OpenDataResult[];
  }[];
}

export function openDataJson(view: PublicView): OpenData {
  return {
    generatedAt: view.generatedAt,
    resultsComputedAt: view.resultsComputedAt,
    periods: [...view.months, view.years.previous, view.years.current],
    pledges: viewPledges(view).map((p) => ({
      code: p.code,
      department: p.department,
      service: p.service,
      statement: p.statement,
      customer: p.customer,
      category: p.category,
      target: p.target,
      measurement: p.measurement,
      results: [...p.months, ...p.years],
    })),
  };
}

export const CSV_COLUMNS = [
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
] as const;

/** A cell a spreadsheet would run as a formula (= + - @, tab, CR) starts with ' (OWASP CSV injection). */
export function safeCsvCell(value: string | number): string | number {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One row per pledge and period, UTF-8 with a byte-order mark (so Excel shows Chinese), CRLF. */
export function openDataCsv(view: PublicView): string {
  const rows: (string | number)[][] = [[...CSV_COLUMNS]];
  for (const p of viewPledges(view))
    for (const r of [...p.months, ...p.years])
      rows.push(
        [
          p.code,
          p.department.code,
          p.service.en,
          p.service.zh,
          p.statement.en,
          p.statement.zh,
          p.customer,
          p.category,
          r.target,
          r.period,
          r.achieved ?? "",
          r.sample,
          r.status,
        ].map(safeCsvCell),
      );
  return stringify(rows, { bom: true, record_delimiter: "windows" });
}

/** Headers of the open data: anyone may read it, from any site, and caches may keep it 5 minutes. */
export const OPEN_DATA_HEADERS = {
  "Cache-Control": "public, max-age=300",
  "Access-Control-Allow-Origin": "*",
  "X-Content-Type-Options": "nosniff",
} as const;
