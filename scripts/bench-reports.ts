/**
 * `npx tsx scripts/bench-reports.ts [--responses 1000000] [--feedback 100000] [--cases 50000]
 *   [--month 2026-10] [--db path] [--keep] [--redis redis://127.0.0.1:6379]
 *   [--try-index "create index … on …"]… [--pg postgres://postgres@127.0.0.1:5432/test]`
 *
 * How the monthly report fan-out holds up at scale. Not a test: it prints figures to compare
 * between runs on one machine (shared/performance.md).
 *
 * 1. A fresh SQLite database, migrated and seeded with the demo departments and their twelve
 *    months of pledge activity, then `responses` survey responses (with their answers), `feedback`
 *    feedback entries and `cases` cases inside one Hong Kong month, spread unevenly over the twelve
 *    departments. Bulk-loaded with better-sqlite3: 500-row INSERT statements prepared once, 50,000
 *    responses a transaction, synchronous=OFF, and the tables' secondary indexes dropped for the
 *    load and built again from their stored SQL (the app's own definitions) afterwards.
 *    `--db path` keeps the database there, and reuses it on the next run when it has the data.
 * 2. The real worker process (`node --import tsx jobs/worker.ts`) on that database, local Redis and
 *    a Redis prefix of this run's own; its memory sampled from /proc every 200 ms.
 * 3. The whole fan-out timed: `enqueueMonthlyReports` until the government parent has finished;
 *    each department job's processing time from BullMQ's processedOn/finishedOn.
 * 4. Hand-written SQL GROUP BYs over the same month's responses, best of 3, for comparison; then
 *    every department's report built in this process, one at a time, with every query timed, the
 *    slowest shown with their query plans.
 * 5. The worker stopped (SIGTERM), this run's Redis keys deleted (its prefix only), the database
 *    deleted unless `--keep` or `--db`.
 *
 * `--repeats N` times the fan-out N times (a fresh worker and Redis prefix each) and the GROUP BYs
 * after each; `--json file` writes those figures for `npm run bench`; `--no-profile` skips step 4's
 * per-department profile.
 *
 * `--try-index` (repeatable) builds an index on the bench database for this run only and drops it
 * afterwards: to measure a proposed index before writing its migration. `--pg URL` repeats 2–5 on
 * Postgres, on a copy of the same data in a schema of this run's own (dropped afterwards unless
 * `--keep`); the worker reaches it through `?options=-c search_path=…` in DATABASE_URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { FlowProducer, Job, Queue, QueueEvents } from "bullmq";
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { shiftMonth } from "../app/models/calendar/periods";
import { hkDate, hkMonth } from "../app/models/calendar/time";
import { dueDate, isMet } from "../app/models/calendar/working-days";
import { makeReference } from "../app/models/cases/reference";
import { DEFAULT_CASE_SETTINGS } from "../app/models/cases/settings.server";
import { bullPrefix, QUEUES } from "../app/models/queues/definitions";
import { buildDepartmentReport } from "../app/models/reports/build.server";
import { encryptPii } from "../app/utils/crypto.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import type { Database } from "../db/schema";
import { seed } from "../db/seed";
import { producerConnection, workerConnection } from "../jobs/connection";
import { departmentJobId, enqueueMonthlyReports, governmentJobId } from "../jobs/processors/reports";

// ---- Options ----

interface Options {
  responses: number;
  feedback: number;
  cases: number;
  month: string;
  db: string | null;
  keep: boolean;
  redisUrl: string;
  /** CREATE INDEX statements to try: built before the run, dropped after it (never a migration) */
  tryIndexes: string[];
  /** also measure on Postgres: the same data copied into a schema of this run's own */
  pg: string | null;
  /** fan-outs to time (each with a worker and Redis prefix of its own), and the GROUP BYs with each */
  repeats: number;
  /** skip building every department's report alone in this process (the per-query profile) */
  noProfile: boolean;
  /** write the repeated figures here as JSON (for `npm run bench`) */
  json: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    responses: 1_000_000,
    feedback: 100_000,
    cases: 50_000,
    month: "2026-10",
    db: null,
    keep: false,
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    tryIndexes: [],
    pg: null,
    repeats: 1,
    noProfile: false,
    json: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value().replace(/[_,]/g, ""));
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} needs a whole number`);
      return n;
    };
    if (arg === "--responses") o.responses = count();
    else if (arg === "--feedback") o.feedback = count();
    else if (arg === "--cases") o.cases = count();
    else if (arg === "--month") o.month = value();
    else if (arg === "--db") o.db = path.resolve(value());
    else if (arg === "--keep") o.keep = true;
    else if (arg === "--redis") o.redisUrl = value();
    else if (arg === "--try-index") o.tryIndexes.push(value());
    else if (arg === "--pg") o.pg = value();
    else if (arg === "--repeats") o.repeats = Math.max(1, count());
    else if (arg === "--no-profile") o.noProfile = true;
    else if (arg === "--json") o.json = path.resolve(value());
    else throw new Error(`Unknown argument ${arg}`);
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month)) throw new Error("--month must be YYYY-MM");
  return o;
}

// ---- Small helpers ----

/** A fixed-seed generator (mulberry32): every run inserts the same data. */
function makeRandom(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = makeRandom(20261127);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** A weighted choice from precomputed cumulative weights. */
function chooser<T>(choices: readonly (readonly [T, number])[]): () => T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const cumulative = choices.map(([v, w]) => {
    acc += w / total;
    return [v, acc] as const;
  });
  return () => {
    const r = random();
    for (const [v, c] of cumulative) if (r < c) return v;
    return cumulative[cumulative.length - 1]![0];
  };
}

const DAY = 86_400_000;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const secs = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fmt = (n: number) => n.toLocaleString("en");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (msValue: number) => new Promise((r) => setTimeout(r, msValue));
const iso = (t: number) => new Date(t).toISOString();
/** The end of a Hong Kong date (23:59:59.999 HKT) as epoch ms: a step done by then met it. */
const endOfHkDay = (date: string) => Date.parse(`${date}T23:59:59.999+08:00`);

/** A fixed bench key for the complainants' contact details (32 bytes, base64): not a secret. */
const BENCH_PII_KEY = Buffer.alloc(32, 7).toString("base64");

/** How busy each department is (shares of the month's volume), roughly as in life. */
const RESPONSE_WEIGHTS: Record<string, number> = {
  IMMD: 22,
  FEHD: 16,
  HKP: 14,
  TD: 12,
  WSD: 10,
  HKO: 6,
  GPA: 5,
  GLD: 4,
  TRY: 4,
  OGCIO: 3,
  CSTDI: 3,
  EU: 1,
};
const FEEDBACK_WEIGHTS: Record<string, number> = {
  FEHD: 24,
  HKP: 15,
  TD: 14,
  WSD: 12,
  IMMD: 12,
  GPA: 6,
  HKO: 4,
  GLD: 4,
  TRY: 3,
  OGCIO: 3,
  CSTDI: 2,
  EU: 1,
};

const SURVEY_COMMENTS = [
  "Very helpful staff, thank you.",
  "等候時間太長。",
  "The form was hard to understand.",
  "職員很有禮貌，服務很好。",
  "Please open more counters at lunchtime.",
  "網上預約系統經常出錯。",
  "Quick and efficient service.",
  "指示牌不清楚，找不到櫃位。",
  "The queue ticket machine was broken.",
  "整體滿意，多謝。",
];
const FEEDBACK_SUMMARIES = [
  "Citizen praised the counter staff for clear explanations.",
  "市民建議增加週末服務時間。",
  "Complaint about the long queue at the main counter.",
  "查詢申請進度。",
  "Suggestion: send SMS reminders before appointments.",
  "投訴熱線長時間無人接聽。",
  "Enquiry about the documents needed for renewal.",
  "市民讚揚職員處理迅速。",
  "Complaint that the website was unavailable for two hours.",
  "建議在網站提供更多中文資料。",
];
const CASE_TEXTS = [
  "I waited two hours at the counter and was then told to come back another day.",
  "熱線電話多次無人接聽，問題一直未獲處理。",
  "The notice I received gave the wrong date for my appointment.",
  "職員態度欠佳，沒有解釋拒絕申請的原因。",
  "The street outside my building has not been cleaned for a week.",
];

// ---- 1. Generation ----

interface Dept {
  id: number;
  code: string;
  services: number[];
  staff: number[];
  manager: number | null;
  csat: SurveyInfo;
  caseSurvey: SurveyInfo;
  settings: typeof DEFAULT_CASE_SETTINGS;
  closures: string[];
  /** share of ratings of 4 or 5 this department earns */
  satisfied: number;
}
interface SurveyInfo {
  id: number;
  versionId: number;
  questions: Record<string, number>;
  points: { id: number; code: string; channel: string }[];
}

/** Multi-row INSERTs of `rows` rows, prepared once; rows arrive one at a time. */
function bulkInserter(sqlite: SQLite.Database, table: string, columns: string[], rows = 500) {
  const one = `(${columns.map(() => "?").join(",")})`;
  const head = `insert into ${table} (${columns.join(",")}) values `;
  const full = sqlite.prepare(head + Array(rows).fill(one).join(","));
  let buffer: unknown[] = [];
  let n = 0;
  let total = 0;
  return {
    push(values: unknown[]) {
      for (const v of values) buffer.push(v);
      total++;
      if (++n === rows) {
        full.run(buffer);
        buffer = [];
        n = 0;
      }
    },
    flush() {
      if (n === 0) return;
      sqlite.prepare(head + Array(n).fill(one).join(",")).run(buffer);
      buffer = [];
      n = 0;
    },
    get total() {
      return total;
    },
  };
}

function loadDepartments(sqlite: SQLite.Database): Dept[] {
  const all = <T>(q: string, ...params: unknown[]) => sqlite.prepare(q).all(...params) as T[];
  const survey = (slug: string): SurveyInfo => {
    const s = sqlite.prepare("select id, current_version_id from surveys where slug = ?").get(slug) as {
      id: number;
      current_version_id: number;
    };
    const qs = all<{ id: number; question_key: string }>(
      "select id, question_key from survey_questions where version_id = ?",
      s.current_version_id,
    );
    return {
      id: s.id,
      versionId: s.current_version_id,
      questions: Object.fromEntries(qs.map((q) => [q.question_key, q.id])),
      points: all("select id, code, channel from collection_points where survey_id = ? order by id", s.id),
    };
  };
  const closures = all<{ date: string; department_id: number | null }>(
    "select date, department_id from closure_days",
  );
  return all<{ id: number; code: string }>("select id, code from departments order by id").map((d, i) => {
    const settings = sqlite.prepare("select * from case_settings where department_id = ?").get(d.id) as
      | typeof DEFAULT_CASE_SETTINGS
      | undefined;
    return {
      id: d.id,
      code: d.code,
      services: all<{ id: number }>("select id from services where department_id = ? order by id", d.id).map(
        (s) => s.id,
      ),
      staff: all<{ id: number }>(
        "select id from staff_users where department_id = ? and role in ('case_officer','counter_staff') order by id",
        d.id,
      ).map((s) => s.id),
      manager:
        (
          sqlite
            .prepare("select id from staff_users where department_id = ? and role = 'manager' order by id")
            .get(d.id) as { id: number } | undefined
        )?.id ?? null,
      csat: survey(`${d.code.toLowerCase()}csat`),
      caseSurvey: survey(`${d.code.toLowerCase()}case`),
      settings: settings ?? DEFAULT_CASE_SETTINGS,
      closures: closures
        .filter((c) => c.department_id === null || c.department_id === d.id)
        .map((c) => c.date),
      // From 0.66 to 0.92, by department: the report's shares differ between them.
      satisfied: 0.66 + ((i * 7) % 12) * 0.022,
    };
  });
}

/** A manager (who gets the digest) and a case officer in every department that has none yet. */
function addStaff(sqlite: SQLite.Database, at: string): number {
  const hash = (
    sqlite.prepare("select password_hash from staff_users where password_hash is not null limit 1").get() as {
      password_hash: string;
    }
  ).password_hash;
  const has = sqlite.prepare("select 1 from staff_users where department_id = ? and role = ?");
  const insert = sqlite.prepare(
    `insert into staff_users (department_id, username, display_name, role, password_hash, is_active,
       created_at, updated_at, email) values (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
  );
  let added = 0;
  for (const d of sqlite.prepare("select id, code from departments").all() as {
    id: number;
    code: string;
  }[]) {
    for (const [role, name] of [
      ["manager", "manager"],
      ["case_officer", "officer"],
    ] as const) {
      if (has.get(d.id, role)) continue;
      const username = `${name}.${d.code.toLowerCase()}`;
      insert.run(d.id, username, `${d.code} ${name}`, role, hash, at, at, `${username}@pledge.example`);
      added++;
    }
  }
  return added;
}

/** Drops a table's secondary indexes for the load; returns the SQL that builds them again. */
function dropIndexes(sqlite: SQLite.Database, tables: string[]): string[] {
  const rows = sqlite
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and sql is not null
         and tbl_name in (${tables.map(() => "?").join(",")})`,
    )
    .all(...tables) as { name: string; sql: string }[];
  for (const r of rows) sqlite.exec(`drop index "${r.name}"`);
  return rows.map((r) => r.sql);
}

function bulkLoad(file: string, o: Options, piiKey: string, now: number): void {
  const sqlite = new SQLite(file);
  // A bulk load into a scratch file that is renamed into place only when complete: the rollback
  // journal in memory, no fsync, a large page cache (the worker later opens it as the app does:
  // WAL, synchronous=FULL). WAL would write every page twice. (better-sqlite3's defensive mode
  // refuses journal_mode=OFF; WAL must go through DELETE to change at all.)
  sqlite.pragma("journal_mode = DELETE");
  sqlite.pragma("journal_mode = MEMORY");
  if (sqlite.pragma("journal_mode", { simple: true }) !== "memory")
    throw new Error("journal_mode is not MEMORY");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -1048576");
  sqlite.pragma("temp_store = MEMORY");
  // Rows are buffered per table (answers may reach the file before their response): foreign keys
  // are checked once at the end instead.
  sqlite.pragma("foreign_keys = OFF");
  const staffAdded = addStaff(sqlite, iso(now));
  const depts = loadDepartments(sqlite);
  const byCode = (weights: Record<string, number>) =>
    chooser(depts.map((d) => [d, weights[d.code] ?? 1] as const));
  const maxId = (table: string) =>
    (sqlite.prepare(`select coalesce(max(id), 0) as m from ${table}`).get() as { m: number }).m;

  const indexSql = dropIndexes(sqlite, ["survey_responses", "survey_answers", "feedback_entries", "cases"]);
  const begin = () => sqlite.exec("begin");
  const commit = () => sqlite.exec("commit");
  const start = Date.parse(`${o.month}-01T00:00:00+08:00`);
  const end = Math.min(Date.parse(`${shiftMonth(o.month, -1)}-01T00:00:00+08:00`), now);
  const span = end - start;
  if (span <= 0) throw new Error(`${o.month} has not started yet`);
  const month = o.month;

  // -- Survey responses and their answers, in the order they arrived (ids follow time).
  let t = process.hrtime.bigint();
  const responses = bulkInserter(sqlite, "survey_responses", [
    "id",
    "survey_id",
    "version_id",
    "department_id",
    "collection_point_id",
    "channel",
    "language",
    "submitted_at",
    "month",
    "received_at",
    "entered_by",
    "batch_id",
  ]);
  const answers = bulkInserter(sqlite, "survey_answers", [
    "response_id",
    "survey_id",
    "question_id",
    "question_key",
    "month",
    "channel",
    "language",
    "collection_point_id",
    "value_number",
    "option_id",
    "value_text",
    "not_applicable",
  ]);
  const responseDept = byCode(RESPONSE_WEIGHTS);
  const channelOf = chooser([
    ["web", 45],
    ["counter", 28],
    ["kiosk", 10],
    ["paper", 10],
    ["api", 7],
  ] as const);
  const rating = (satisfied: number) => {
    const r = random();
    if (r < satisfied) return random() < 0.45 ? 5 : 4;
    const low = random();
    return low < 0.55 ? 3 : low < 0.83 ? 2 : 1;
  };
  let nextResponse = maxId("survey_responses") + 1;
  begin();
  for (let i = 0; i < o.responses; i++) {
    if (i > 0 && i % 50_000 === 0) {
      commit();
      begin();
    }
    const d = responseDept();
    const at = iso(start + ((i + random()) / o.responses) * span);
    const language = random() < 0.7 ? "zh-HK" : "en";
    // A few responses answer the case-handling survey (by invitation, from the closure e-mail).
    const isCase = random() < 0.04;
    const s = isCase ? d.caseSurvey : d.csat;
    let channel: string;
    let point: number | null;
    if (isCase) {
      channel = "email";
      point = s.points[0]!.id;
    } else {
      channel = channelOf();
      point = s.points.find((p) => p.channel === channel)?.id ?? null;
    }
    const paper = channel === "paper";
    const received = paper ? iso(Math.min(Date.parse(at) + (1 + random() * 3) * DAY, now)) : at;
    const id = nextResponse++;
    responses.push([
      id,
      s.id,
      s.versionId,
      d.id,
      point,
      channel,
      language,
      at,
      month,
      received,
      paper && d.staff.length ? pick(d.staff) : null,
      null,
    ]);
    const keys = isCase ? ["overall", "timeliness"] : ["overall", "courtesy", "waiting", "clarity"];
    for (const key of keys) {
      const na = key !== "overall" && random() < 0.04;
      answers.push([
        id,
        s.id,
        s.questions[key],
        key,
        month,
        channel,
        language,
        point,
        na ? null : rating(d.satisfied),
        null,
        null,
        na ? 1 : 0,
      ]);
    }
    if (random() < 0.25) {
      answers.push([
        id,
        s.id,
        s.questions.comments,
        "comments",
        month,
        channel,
        language,
        point,
        null,
        null,
        pick(SURVEY_COMMENTS),
        0,
      ]);
    }
  }
  responses.flush();
  answers.flush();
  commit();
  console.log(
    `  responses: ${fmt(o.responses)} responses and ${fmt(answers.total)} answers in ${secs(ms(t))} ` +
      `(${fmt(Math.round((o.responses + answers.total) / (ms(t) / 1000)))} rows/s)`,
  );

  // -- Feedback logged at counters and hotlines; a few important (managers were e-mailed).
  t = process.hrtime.bigint();
  const feedback = bulkInserter(sqlite, "feedback_entries", [
    "id",
    "department_id",
    "service_id",
    "kind",
    "channel",
    "summary",
    "language",
    "important",
    "logged_by",
    "logged_at",
    "month",
    "case_id",
  ]);
  const notifications = bulkInserter(sqlite, "notifications", [
    "department_id",
    "kind",
    "entity_type",
    "entity_id",
    "created_at",
    "emailed_at",
  ]);
  const feedbackDept = byCode(FEEDBACK_WEIGHTS);
  const kindOf = chooser([
    ["compliment", 22],
    ["suggestion", 18],
    ["complaint", 40],
    ["enquiry", 20],
  ] as const);
  const feedbackChannel = chooser([
    ["counter", 30],
    ["hotline", 25],
    ["suggestion_form", 12],
    ["email", 18],
    ["letter", 7],
    ["meeting", 5],
    ["liaison_group", 3],
  ] as const);
  let nextFeedback = maxId("feedback_entries") + 1;
  begin();
  for (let i = 0; i < o.feedback; i++) {
    const d = feedbackDept();
    const at = start + ((i + random()) / o.feedback) * span;
    const important = random() < 0.008;
    const id = nextFeedback++;
    feedback.push([
      id,
      d.id,
      random() < 0.8 && d.services.length ? pick(d.services) : null,
      kindOf(),
      feedbackChannel(),
      pick(FEEDBACK_SUMMARIES),
      random() < 0.65 ? "zh-HK" : "en",
      important ? 1 : 0,
      d.staff.length ? pick(d.staff) : null,
      iso(at),
      month,
      null,
    ]);
    if (important) {
      notifications.push([
        d.id,
        "important_feedback",
        "feedback",
        id,
        iso(Math.min(at + 60_000, now)),
        iso(Math.min(at + 80_000, now)),
      ]);
    }
  }
  feedback.flush();
  notifications.flush();
  commit();
  console.log(`  feedback: ${fmt(o.feedback)} entries in ${secs(ms(t))}`);

  // -- Cases: references, deadlines from the department's settings and closures, a life so far.
  t = process.hrtime.bigint();
  const caseCols = [
    "id",
    "reference",
    "department_id",
    "service_id",
    "status",
    "channel",
    "language",
    "what_happened",
    "desired_outcome",
    "contact_name_enc",
    "contact_email_enc",
    "contact_phone_enc",
    "consent_at",
    "received_at",
    "month",
    "assigned_to",
    "ack_due",
    "reply_due",
    "acknowledged_at",
    "replied_at",
    "closed_at",
    "ack_met",
    "reply_met",
    "status_before_stop",
    "overdue_notified_at",
    "feedback_id",
    "created_by",
    "purged_at",
    "updated_at",
  ];
  const cases = bulkInserter(sqlite, "cases", caseCols, 200);
  const events = bulkInserter(sqlite, "case_events", [
    "case_id",
    "at",
    "actor_user_id",
    "kind",
    "from_status",
    "to_status",
    "body",
    "visible_to_citizen",
    "department_id",
  ]);
  const stops = bulkInserter(sqlite, "case_clock_stops", ["case_id", "from_at", "to_at", "reason"]);
  const referrals = bulkInserter(sqlite, "case_referrals", [
    "case_id",
    "from_department_id",
    "to_department_id",
    "reason",
    "status",
    "created_by",
    "created_at",
  ]);
  const appeals = bulkInserter(sqlite, "appeals", [
    "case_id",
    "lodged_at",
    "lodged_by",
    "lodged_by_user",
    "grounds",
    "original_handler_id",
    "reviewer_id",
    "due",
    "outcome",
    "reply",
    "decided_at",
    "met",
  ]);
  const caseDept = byCode(FEEDBACK_WEIGHTS);
  const target = chooser([
    ["closed", 72],
    ["replied", 8],
    ["under_investigation", 7],
    ["acknowledged", 3],
    ["awaiting_customer", 4],
    ["referred", 3],
    ["received", 3],
  ] as const);
  const caseChannel = chooser([
    ["web", 45],
    ["email", 20],
    ["hotline", 15],
    ["counter", 12],
    ["letter", 8],
  ] as const);
  const outcomeOf = chooser([
    ["not_upheld", 60],
    ["partly_upheld", 25],
    ["upheld", 15],
  ] as const);
  const period = month.slice(2).replace("-", "");
  const sequences = new Map<number, number>();
  for (const r of sqlite
    .prepare("select department_id, last_value from case_sequences where period = ?")
    .all(period) as {
    department_id: number;
    last_value: number;
  }[])
    sequences.set(r.department_id, r.last_value);
  const today = hkDate(new Date(now));
  let nextCase = maxId("cases") + 1;
  begin();
  for (let i = 0; i < o.cases; i++) {
    const d = caseDept();
    const id = nextCase++;
    const seq = (sequences.get(d.id) ?? 0) + 1;
    sequences.set(d.id, seq);
    const recv = start + ((i + random()) / o.cases) * span;
    const receivedAt = iso(recv);
    const ackDue = dueDate(
      receivedAt,
      { days: d.settings.ack_days, unit: d.settings.ack_unit },
      {
        closures: d.closures,
      },
    )!;
    const replyDue = dueDate(
      receivedAt,
      { days: d.settings.reply_days, unit: d.settings.reply_unit },
      {
        closures: d.closures,
      },
    )!;
    // When each step would happen: mostly in time, some late.
    const ackEnd = endOfHkDay(ackDue);
    const replyEnd = endOfHkDay(replyDue);
    const ackAt =
      random() < 0.05
        ? ackEnd + (0.2 + random() * 5) * DAY
        : recv + (0.02 + random() * 0.9) * (ackEnd - recv);
    const replyAt = Math.max(
      ackAt + 0.1 * DAY,
      random() < 0.08
        ? replyEnd + (0.5 + random() * 10) * DAY
        : recv + (0.1 + random() * 0.85) * (replyEnd - recv),
    );
    const closeAt = replyAt + (0.5 + random() * 5) * DAY;
    // The state it has reached by now: a case cannot be further along than time allows.
    let status: string = target();
    const order = ["received", "acknowledged", "under_investigation", "replied", "closed"];
    const reached = closeAt <= now ? 4 : replyAt <= now ? 3 : ackAt <= now ? 2 : 0;
    if (order.includes(status) && order.indexOf(status) > reached) status = order[reached]!;
    if ((status === "awaiting_customer" || status === "referred") && ackAt > now) status = "received";
    const acknowledged = status !== "received" && status !== "referred";
    const replied = status === "replied" || status === "closed";
    const closed = status === "closed";
    const officer = d.staff.length ? pick(d.staff) : null;
    const channel = caseChannel();
    let caseAckDue: string | null = ackDue;
    let caseReplyDue: string | null = replyDue;
    let lastAt = recv;
    events.push([id, receivedAt, null, "transition", null, "received", null, 1, d.id]);
    if (acknowledged) {
      events.push([id, iso(ackAt), officer, "transition", "received", "acknowledged", null, 1, d.id]);
      lastAt = ackAt;
    }
    if (status === "awaiting_customer") {
      // The clock stopped (an open stop): no deadline runs, as computeDeadlines says.
      const from = Math.min(ackAt + (0.5 + random() * 5) * DAY, now);
      stops.push([id, iso(from), null, "Waiting for the complainant's documents."]);
      events.push([id, iso(from), officer, "transition", "acknowledged", "awaiting_customer", null, 1, d.id]);
      caseAckDue = null;
      caseReplyDue = null;
      lastAt = from;
    }
    if (status === "referred") {
      const other = depts[(depts.indexOf(d) + 1 + Math.floor(random() * (depts.length - 1))) % depts.length]!;
      const at = Math.min(recv + (0.1 + random() * 2) * DAY, now);
      referrals.push([id, d.id, other.id, "Handled by another department.", "pending", officer, iso(at)]);
      events.push([id, iso(at), officer, "refer", "received", "referred", null, 0, d.id]);
      lastAt = at;
    }
    if (replied) {
      events.push([
        id,
        iso(replyAt),
        officer,
        "reply",
        "under_investigation",
        "replied",
        "We have looked into your complaint.",
        1,
        d.id,
      ]);
      lastAt = replyAt;
    }
    if (closed) {
      events.push([id, iso(closeAt), officer, "transition", "replied", "closed", null, 1, d.id]);
      lastAt = closeAt;
    }
    const running = ["received", "acknowledged", "under_investigation"].includes(status);
    const overdue =
      running &&
      ((!acknowledged && caseAckDue !== null && caseAckDue < today) ||
        (!replied && caseReplyDue !== null && caseReplyDue < today));
    if (overdue) {
      // Managers were told already (flagOverdueCases): the worker finds nothing new to flag.
      const due = !acknowledged ? caseAckDue! : caseReplyDue!;
      const at = iso(Math.min(endOfHkDay(due) + 1, now));
      notifications.push([d.id, "case_overdue", "case", id, at, at]);
    }
    const consent = random() < 0.9;
    const lang = random() < 0.6 ? "zh-HK" : "en";
    cases.push([
      id,
      makeReference(d.code, period, seq),
      d.id,
      random() < 0.9 && d.services.length ? pick(d.services) : null,
      status,
      channel,
      lang,
      pick(CASE_TEXTS),
      "An explanation and an apology.",
      encryptPii(piiKey, lang === "en" ? "Chan Tai Man" : "陳大文"),
      random() < 0.7 ? encryptPii(piiKey, `citizen${id}@example.com`) : null,
      random() < 0.5 ? encryptPii(piiKey, `9${String(id).padStart(7, "0").slice(-7)}`) : null,
      consent ? receivedAt : null,
      receivedAt,
      month,
      status === "received" ? null : officer,
      caseAckDue,
      caseReplyDue,
      acknowledged ? iso(ackAt) : null,
      replied ? iso(replyAt) : null,
      closed ? iso(closeAt) : null,
      closed ? (isMet(iso(ackAt), ackDue) ? 1 : 0) : null,
      closed ? (isMet(iso(replyAt), replyDue) ? 1 : 0) : null,
      status === "awaiting_customer" ? "under_investigation" : null,
      overdue ? iso(now) : null,
      null,
      channel === "counter" || channel === "hotline" ? officer : null,
      null,
      iso(lastAt),
    ]);
    // A few closed cases are appealed; most appeals lodged by now are decided.
    if (closed && random() < 0.03) {
      const lodged = closeAt + (1 + random() * 20) * DAY;
      if (lodged <= now) {
        const lodgedAt = iso(lodged);
        const due = dueDate(
          lodgedAt,
          { days: d.settings.appeal_reply_days, unit: d.settings.appeal_reply_unit },
          { closures: d.closures },
        )!;
        const decided = lodged + (2 + random() * 30) * DAY;
        const isDecided = decided <= now && random() < 0.8;
        appeals.push([
          id,
          lodgedAt,
          "citizen",
          null,
          "The reply did not address my complaint.",
          officer,
          d.manager,
          due,
          isDecided ? outcomeOf() : null,
          isDecided ? "We have reviewed the handling of your case." : null,
          isDecided ? iso(decided) : null,
          isDecided ? (isMet(iso(decided), due) ? 1 : 0) : null,
        ]);
      }
    }
  }
  for (const b of [cases, events, stops, referrals, appeals, notifications]) b.flush();
  const upsertSequence = sqlite.prepare(
    `insert into case_sequences (department_id, period, last_value) values (?, ?, ?)
     on conflict (department_id, period) do update set last_value = excluded.last_value`,
  );
  for (const [deptId, last] of sequences) upsertSequence.run(deptId, period, last);
  commit();
  console.log(
    `  cases: ${fmt(o.cases)} cases, ${fmt(events.total)} events, ${fmt(appeals.total)} appeals in ${secs(ms(t))}`,
  );

  t = process.hrtime.bigint();
  for (const q of indexSql) sqlite.exec(q);
  console.log(
    `  indexes: ${indexSql.length} rebuilt in ${secs(ms(t))}${staffAdded ? `; ${staffAdded} staff added` : ""}`,
  );
  t = process.hrtime.bigint();
  const broken = sqlite.pragma("foreign_key_check") as unknown[];
  if (broken.length)
    throw new Error(`${broken.length} rows break foreign keys, e.g. ${JSON.stringify(broken[0])}`);
  console.log(`  foreign keys checked in ${secs(ms(t))}`);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
}

/** Whether a database already holds at least the requested month's data. */
function hasData(file: string, o: Options): boolean {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      (sqlite.prepare(`select count(*) as n from ${table} where month = ?`).get(o.month) as { n: number }).n;
    return (
      count("survey_responses") >= o.responses &&
      count("feedback_entries") >= o.feedback &&
      count("cases") >= o.cases
    );
  } catch {
    return false;
  } finally {
    sqlite.close();
  }
}

async function generate(file: string, o: Options): Promise<void> {
  const tmp = `${file}.generating`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const now = Date.now();
  const t0 = process.hrtime.bigint();
  const db = createDb(tmp);
  await migrateToLatest(db);
  // The twelve months of demo pledge activity end with the bench month, so the report's pledge
  // section and trends have data as they would in life.
  const today = new Date(Math.min(Date.parse(`${shiftMonth(o.month, -1)}-02T00:00:00+08:00`), now));
  await seed(db, { activity: true, piiKey: BENCH_PII_KEY, today });
  await db.destroy();
  console.log(
    `  migrated and seeded (demo activity to ${hkMonth(new Date(today.getTime() - 2 * DAY))}) in ${secs(ms(t0))}`,
  );
  bulkLoad(tmp, o, BENCH_PII_KEY, now);
  fs.renameSync(tmp, file);
  const total = ms(t0);
  console.log(
    `generated ${fmt(o.responses)} responses, ${fmt(o.feedback)} feedback entries, ${fmt(o.cases)} cases ` +
      `for ${o.month} in ${secs(total)}; file ${mb(fs.statSync(file).size)}`,
  );
}

// ---- 2. The worker process ----

interface Memory {
  rss: number;
  hwm: number;
}
function readMemory(pid: number): Memory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}
/** CPU seconds (user + system) the process has used. */
function readCpu(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function startWorkerProcess(
  databaseUrl: string,
  o: Options,
  prefix: string,
  dataDir: string,
): Promise<{ child: ChildProcess; lines: string[] }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    PII_KEY: BENCH_PII_KEY,
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
  };
  delete env.SMTP_URL;
  // BENCH_WORKER_NODE_ARGS: extra node flags for the worker, e.g. "--cpu-prof --cpu-prof-dir=bench/profiles"
  const extra = process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, "--import", "tsx", "jobs/worker.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The worker did not say it was ready in 60 s")), 60_000);
    const onLine = (line: string) => {
      lines.push(line);
      console.log(`  [worker] ${line}`);
      if (line.includes("Pledge worker ready")) {
        clearTimeout(timer);
        resolve({ child, lines });
      }
    };
    readline.createInterface({ input: child.stdout! }).on("line", onLine);
    readline.createInterface({ input: child.stderr! }).on("line", onLine);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The worker exited (code ${code}) before it was ready`));
    });
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timeout = sleep(30_000).then(() => "timeout" as const);
  if ((await Promise.race([exited, timeout])) === "timeout") {
    console.log("  the worker did not stop in 30 s: SIGKILL");
    child.kill("SIGKILL");
    await exited;
  }
}

/** Deletes this run's keys (its prefix only). */
async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = producerConnection(url, { enableOfflineQueue: true });
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

// ---- 3–5. The measurements ----

interface FanOut {
  wallMs: number;
  departments: {
    code: string;
    id: number;
    ms: number;
    waitedMs: number;
    state: string;
    attempts: number;
    error?: string;
  }[];
  parentMs: number;
  rssBefore: number;
  rssPeak: number;
  hwm: number;
  cpuSeconds: number;
}

async function runFanOut(databaseUrl: string, o: Options, pid: number, prefix: string): Promise<FanOut> {
  const db = createDb(databaseUrl);
  const bull = bullPrefix(prefix);
  const producer = producerConnection(o.redisUrl);
  const flow = new FlowProducer({ connection: producer, prefix: bull });
  const queue = new Queue(QUEUES.reports, { connection: producerConnection(o.redisUrl), prefix: bull });
  const events = new QueueEvents(QUEUES.reports, { connection: workerConnection(o.redisUrl), prefix: bull });
  try {
    await events.waitUntilReady();
    const departments = await db.selectFrom("departments").select(["id", "code"]).orderBy("id").execute();
    // Let the worker's start-up jobs (its first escalation run) finish before the baseline.
    await sleep(3000);
    const before = readMemory(pid);
    if (!before) throw new Error("Cannot read the worker's /proc status");
    let peak = before.rss;
    const sampler = setInterval(() => {
      const m = readMemory(pid);
      if (m) peak = Math.max(peak, m.rss);
    }, 200);
    const cpu0 = readCpu(pid);
    const t0 = process.hrtime.bigint();
    let wallMs: number;
    try {
      const { parentId } = await enqueueMonthlyReports(db, flow, o.month);
      const parent = await Job.fromId(queue, parentId);
      if (!parent) throw new Error(`Parent job ${parentId} not found`);
      try {
        await parent.waitUntilFinished(events, 60 * 60_000);
      } catch (e) {
        console.log(`  the government job failed: ${e instanceof Error ? e.message : e}`);
      }
      wallMs = ms(t0);
    } finally {
      clearInterval(sampler);
    }
    const cpuSeconds = readCpu(pid) - cpu0;
    const after = readMemory(pid);
    peak = Math.max(peak, after?.rss ?? 0);
    const rows = [];
    for (const d of departments) {
      const job = await queue.getJob(departmentJobId(d.id, o.month));
      const state = job ? await job.getState() : "missing";
      rows.push({
        code: d.code,
        id: d.id,
        ms: job?.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : Number.NaN,
        waitedMs: job?.processedOn ? job.processedOn - job.timestamp : Number.NaN,
        state,
        attempts: job?.attemptsMade ?? 0,
        ...(job?.failedReason ? { error: job.failedReason } : {}),
      });
    }
    const parent = await Job.fromId(queue, governmentJobId(o.month));
    return {
      wallMs,
      departments: rows,
      parentMs:
        parent?.processedOn && parent.finishedOn ? parent.finishedOn - parent.processedOn : Number.NaN,
      rssBefore: before.rss,
      rssPeak: peak,
      hwm: after?.hwm ?? 0,
      cpuSeconds,
    };
  } finally {
    await events.close();
    await queue.close();
    await flow.close();
    producer.disconnect();
    await db.destroy();
  }
}

const GROUP_BYS = {
  responses: `select department_id, channel, count(*) as n from survey_responses
     where month = ? group by department_id, channel`,
  // Satisfaction from the results index (survey_id, question_key, month, value_number, …): each
  // survey's month of "overall" answers, the department from the survey (CROSS JOIN fixes the order).
  satisfaction: `select s.department_id, a.survey_id, count(*) as rated,
       sum(case when a.value_number >= 4 then 1 else 0 end) as satisfied
     from surveys s
     cross join survey_answers a
     where a.survey_id = s.id and a.question_key = 'overall' and a.month = ? and a.value_number is not null
     group by s.department_id, a.survey_id`,
  // The same joined to each answer's response for the department: a row lookup per answer.
  "satisfaction joined to responses": `select r.department_id, a.survey_id, count(*) as rated,
       sum(case when a.value_number >= 4 then 1 else 0 end) as satisfied
     from surveys s
     cross join survey_answers a
     join survey_responses r on r.id = a.response_id
     where a.survey_id = s.id and a.question_key = 'overall' and a.month = ? and a.value_number is not null
     group by r.department_id, a.survey_id`,
};

type Target = { kind: "sqlite"; url: string } | { kind: "postgres"; url: string; schema: string };
type HandWritten = Record<string, { best: number; first: number; rows: number; plan: string }>;

/** Hand-written GROUP BYs on a connection of their own (the app's settings), best of 3 each. */
async function handWritten(target: Target, month: string): Promise<HandWritten> {
  const result: HandWritten = {};
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      for (const [name, query] of Object.entries(GROUP_BYS)) {
        const text = query.replace("?", "$1");
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < 3; i++) {
          const t = process.hrtime.bigint();
          rows = (await client.query(text, [month])).rowCount ?? 0;
          times.push(ms(t));
        }
        const plan = (await client.query(`explain ${text}`, [month])).rows
          .map((r: Record<string, string>) => String(Object.values(r)[0]).trim())
          .join(" | ");
        result[name] = { best: Math.min(...times), first: times[0]!, rows, plan };
      }
    } finally {
      await client.end();
    }
    return result;
  }
  const sqlite = new SQLite(target.url, { readonly: true });
  try {
    for (const [name, query] of Object.entries(GROUP_BYS)) {
      const stmt = sqlite.prepare(query);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 3; i++) {
        const t = process.hrtime.bigint();
        rows = stmt.all(month).length;
        times.push(ms(t));
      }
      const plan = (sqlite.prepare(`explain query plan ${query}`).all(month) as { detail: string }[])
        .map((r) => r.detail)
        .join(" | ");
      result[name] = { best: Math.min(...times), first: times[0]!, rows, plan };
    }
    return result;
  } finally {
    sqlite.close();
  }
}

/** The month's volume per department, for the table. */
function volumes(
  file: string,
  month: string,
): Map<number, { responses: number; feedback: number; cases: number }> {
  const sqlite = new SQLite(file, { readonly: true });
  const out = new Map<number, { responses: number; feedback: number; cases: number }>();
  try {
    const count = (table: string) =>
      sqlite
        .prepare(
          `select department_id as d, count(*) as n from ${table} where month = ? group by department_id`,
        )
        .all(month) as { d: number; n: number }[];
    const get = (d: number) => {
      let v = out.get(d);
      if (!v) {
        v = { responses: 0, feedback: 0, cases: 0 };
        out.set(d, v);
      }
      return v;
    };
    for (const r of count("survey_responses")) get(r.d).responses = r.n;
    for (const r of count("feedback_entries")) get(r.d).feedback = r.n;
    for (const r of count("cases")) get(r.d).cases = r.n;
    return out;
  } finally {
    sqlite.close();
  }
}

interface Profile {
  totalMs: number;
  queries: number;
  dbMs: number;
  /** the slowest statements (by SQL text, calls added up) with their plans */
  top: { sql: string; ms: number; calls: number; plan: string }[];
}

/**
 * Builds one department's report in this process with every query timed (Kysely's log), on a
 * connection opened as the app opens it (default page cache), nothing else running.
 */
async function profileDepartment(target: Target, departmentId: number, month: string): Promise<Profile> {
  const timings = new Map<string, { ms: number; calls: number; params: readonly unknown[] }>();
  const log = (event: LogEvent) => {
    const key = event.query.sql;
    const t = timings.get(key) ?? { ms: 0, calls: 0, params: event.query.parameters };
    t.ms += event.queryDurationMillis;
    t.calls++;
    timings.set(key, t);
  };
  let explain: (query: string, params: unknown[]) => Promise<string>;
  let db: Kysely<Database>;
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    explain = async (query, params) =>
      (await pool.query(`explain ${query}`, params)).rows
        .map((r: Record<string, string>) => String(Object.values(r)[0]).trim())
        .join(" | ");
  } else {
    const sqlite = new SQLite(target.url);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("busy_timeout = 5000");
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log });
    explain = async (query, params) =>
      (sqlite.prepare(`explain query plan ${query}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join(" | ");
  }
  try {
    const t0 = process.hrtime.bigint();
    await buildDepartmentReport(db, departmentId, month);
    const totalMs = ms(t0);
    const sorted = [...timings.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const top: Profile["top"] = [];
    for (const [query, t] of sorted.slice(0, 5)) {
      top.push({
        sql: query.replace(/\s+/g, " "),
        ms: t.ms,
        calls: t.calls,
        plan: await explain(query, [...t.params]),
      });
    }
    return {
      totalMs,
      queries: sorted.reduce((a, [, t]) => a + t.calls, 0),
      dbMs: sorted.reduce((a, [, t]) => a + t.ms, 0),
      top,
    };
  } finally {
    await db.destroy();
  }
}

function printProfile(code: string, why: string, p: Profile): void {
  console.log(
    `profile of ${code}'s report (${why}): ${p.totalMs.toFixed(0)} ms alone, ${p.queries} queries, ` +
      `${p.dbMs.toFixed(0)} ms in the database (summed: on Postgres the report's parallel queries overlap); the slowest:`,
  );
  for (const q of p.top) {
    console.log(
      `  ${q.ms.toFixed(0).padStart(6)} ms ${q.calls > 1 ? `(${q.calls} calls) ` : ""}` +
        `${q.sql.slice(0, 260)}${q.sql.length > 260 ? "…" : ""}`,
    );
    console.log(`           plan: ${q.plan}`);
  }
}

/** Runs statements on the target (one connection). */
async function execOn(target: Target, statements: string[]): Promise<void> {
  if (statements.length === 0) return;
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      for (const st of statements) await client.query(st);
    } finally {
      await client.end();
    }
    return;
  }
  const sqlite = new SQLite(target.url);
  try {
    for (const st of statements) sqlite.exec(st);
  } finally {
    sqlite.close();
  }
}

/** Builds the indexes to try (for this run only); returns their names, to drop afterwards. */
async function buildTryIndexes(target: Target, statements: string[]): Promise<string[]> {
  const names: string[] = [];
  for (const statement of statements) {
    const name = /^\s*create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?"?(\w+)"?\s+on\s/i.exec(
      statement,
    )?.[1];
    if (!name) throw new Error(`--try-index takes a CREATE INDEX statement, not: ${statement}`);
    const t = process.hrtime.bigint();
    await execOn(target, [statement]);
    names.push(name);
    console.log(`trying index ${name} on ${target.kind} (for this run only): built in ${secs(ms(t))}`);
  }
  return names;
}

/** The same URL with the schema first (and only) on Postgres's search_path (pg reads `options`). */
function withSearchPath(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/**
 * Copies the SQLite bench database into a new Postgres schema: migrated by the app's migrations,
 * then every table's rows with one `INSERT … SELECT * FROM unnest($1::type[], …)` per 20,000 rows,
 * foreign-key triggers off for the copy (session_replication_role), secondary indexes built after,
 * sequences moved past the copied ids, then VACUUM ANALYZE (as autovacuum would after a bulk load).
 */
async function loadPostgres(file: string, base: string, schema: string): Promise<Target> {
  const t0 = process.hrtime.bigint();
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const db = createDb(base, { pgSchema: schema, poolSize: 2 });
  try {
    await migrateToLatest(db, schema);
  } finally {
    await db.destroy();
  }
  const url = withSearchPath(base, schema);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sqlite = new SQLite(file, { readonly: true });
  let rows = 0;
  try {
    await client.query("set session_replication_role = replica");
    await client.query("set maintenance_work_mem = '512MB'");
    const indexes = (
      await client.query(
        `select i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = $1
            and not exists (select 1 from pg_constraint c
                             where c.conname = i.indexname and c.connamespace = $1::regnamespace)`,
        [schema],
      )
    ).rows as { indexname: string; indexdef: string }[];
    for (const r of indexes) await client.query(`drop index "${r.indexname}"`);
    const tables = sqlite
      .prepare(
        `select name from sqlite_master where type = 'table'
           and name not like 'sqlite_%' and name not like 'kysely_%'`,
      )
      .all() as { name: string }[];
    for (const { name } of tables) {
      const cols = (
        await client.query(
          `select column_name, udt_name from information_schema.columns
            where table_schema = $1 and table_name = $2 order by ordinal_position`,
          [schema, name],
        )
      ).rows as { column_name: string; udt_name: string }[];
      if (cols.length === 0) throw new Error(`No table ${name} in Postgres`);
      const list = cols.map((c) => `"${c.column_name}"`).join(", ");
      const insert = `insert into "${name}" (${list}) select * from unnest(${cols
        .map((c, i) => `$${i + 1}::${c.udt_name}[]`)
        .join(", ")})`;
      let arrays: unknown[][] = cols.map(() => []);
      let n = 0;
      const flush = async () => {
        if (n === 0) return;
        await client.query(insert, arrays);
        arrays = cols.map(() => []);
        n = 0;
      };
      for (const row of sqlite.prepare(`select ${list} from "${name}"`).raw(true).iterate() as Iterable<
        unknown[]
      >) {
        for (let i = 0; i < row.length; i++) arrays[i]!.push(row[i]);
        rows++;
        if (++n === 20_000) await flush();
      }
      await flush();
      const seq = cols.some((c) => c.column_name === "id")
        ? ((await client.query("select pg_get_serial_sequence($1, 'id') as seq", [`${schema}.${name}`]))
            .rows[0]?.seq as string | null)
        : null;
      if (seq) {
        await client.query(`select setval($1, (select coalesce(max(id), 0) + 1 from "${name}"), false)`, [
          seq,
        ]);
      }
    }
    const t1 = process.hrtime.bigint();
    for (const r of indexes) await client.query(r.indexdef);
    const indexMs = ms(t1);
    // As autovacuum would have by the time of a monthly run: statistics, and the visibility map
    // that index-only scans need.
    await client.query("vacuum analyze");
    console.log(
      `copied ${fmt(rows)} rows into Postgres schema ${schema} in ${secs(ms(t0))} ` +
        `(${indexes.length} indexes built in ${secs(indexMs)}, then VACUUM ANALYZE)`,
    );
  } finally {
    sqlite.close();
    await client.end();
  }
  return { kind: "postgres", url, schema };
}

async function dropSchema(base: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
}

type Volume = Map<number, { responses: number; feedback: number; cases: number }>;

/**
 * Steps 2–5 on one database: the worker on it, the fan-out timed, the hand-written GROUP BYs, every
 * department's report built alone; prints the figures. Stops the worker and deletes its Redis keys.
 */
async function measure(target: Target, o: Options, volume: Volume, dir: string): Promise<void> {
  const prefix = `pledge-bench-${process.pid}-${target.kind}-${Date.now().toString(36)}`;
  const label = target.kind === "sqlite" ? "SQLite" : "Postgres";
  console.log(`\n--- ${label}: Redis prefix ${prefix} ---`);
  let worker: ChildProcess | null = null;
  let tried: string[] = [];
  try {
    tried = await buildTryIndexes(target, o.tryIndexes);
    // 2. The worker.
    const workerDataDir = path.join(dir, `worker-data-${target.kind}`);
    fs.mkdirSync(workerDataDir, { recursive: true });
    running.prefix = prefix;
    worker = (await startWorkerProcess(target.url, o, prefix, workerDataDir)).child;
    running.worker = worker;

    // 3. The fan-out.
    console.log(
      `fan-out for ${o.month}: enqueueMonthlyReports → government parent finished ` +
        `(load average ${os.loadavg()[0]!.toFixed(2)}: other processes share these ${os.cpus().length} cores)`,
    );
    const f = await runFanOut(target.url, o, worker.pid!, prefix);
    const done = f.departments.filter((d) => Number.isFinite(d.ms));
    const durations = done.map((d) => d.ms);
    const slow = f.departments.filter((d) => d.ms > 60_000);

    // 4. Hand-written SQL over the same month, on a connection of its own, the worker idle.
    const hand = await handWritten(target, o.month);
    console.log(
      `repeat 1: fan-out ${(f.wallMs / 1000).toFixed(2)} s (worker CPU ${f.cpuSeconds.toFixed(2)} s), GROUP BYs ${hand.responses!.best.toFixed(0)} + ${hand.satisfaction!.best.toFixed(0)} ms`,
    );
    const repeated = {
      cpuSeconds: [f.cpuSeconds],
      fanOutMs: [f.wallMs],
      responsesMs: [hand.responses!.best],
      satisfactionMs: [hand.satisfaction!.best],
    };
    // More repeats: each fan-out with a fresh worker and Redis prefix (the job ids are per month),
    // the hand-written GROUP BYs after each.
    for (let rep = 1; rep < o.repeats; rep++) {
      await stopWorker(worker!);
      await deleteRedisKeys(o.redisUrl, running.prefix!).catch(() => 0);
      const again = `${prefix}-r${rep}`;
      running.prefix = again;
      worker = (await startWorkerProcess(target.url, o, again, workerDataDir)).child;
      running.worker = worker;
      const fr = await runFanOut(target.url, o, worker.pid!, again);
      const hr = await handWritten(target, o.month);
      repeated.fanOutMs.push(fr.wallMs);
      repeated.cpuSeconds.push(fr.cpuSeconds);
      repeated.responsesMs.push(hr.responses!.best);
      repeated.satisfactionMs.push(hr.satisfaction!.best);
      console.log(
        `repeat ${rep + 1}: fan-out ${(fr.wallMs / 1000).toFixed(2)} s (worker CPU ${fr.cpuSeconds.toFixed(2)} s), GROUP BYs ${hr.responses!.best.toFixed(0)} + ${hr.satisfaction!.best.toFixed(0)} ms`,
      );
    }
    if (o.json)
      fs.writeFileSync(o.json, `${JSON.stringify({ target: target.kind, month: o.month, ...repeated })}\n`);

    // Each department's report built here, one at a time, every query timed: the worker runs two
    // jobs at once on one thread (better-sqlite3 is synchronous), so a job's time counts the other's.
    const alone = new Map<number, Profile>();
    if (o.noProfile) return;
    for (const d of f.departments) alone.set(d.id, await profileDepartment(target, d.id, o.month));
    const aloneMs = [...alone.values()].map((p) => p.totalMs);

    console.log("  dept    responses  feedback   cases   job ms  alone ms  waited ms  state");
    for (const d of [...f.departments].sort((a, b) => b.ms - a.ms)) {
      const v = volume.get(d.id) ?? { responses: 0, feedback: 0, cases: 0 };
      console.log(
        `  ${d.code.padEnd(6)} ${fmt(v.responses).padStart(10)} ${fmt(v.feedback).padStart(9)} ${fmt(v.cases).padStart(7)} ` +
          `${d.ms.toFixed(0).padStart(8)} ${alone.get(d.id)!.totalMs.toFixed(0).padStart(9)} ` +
          `${d.waitedMs.toFixed(0).padStart(10)}  ${d.state}` +
          `${d.attempts > 1 ? ` (${d.attempts} attempts)` : ""}${d.error ? `: ${d.error}` : ""}`,
      );
    }
    const slowest = [...f.departments].sort(
      (a, b) => alone.get(b.id)!.totalMs - alone.get(a.id)!.totalMs,
    )[0]!;
    const busiest = [...f.departments].sort(
      (a, b) => (volume.get(b.id)?.responses ?? 0) - (volume.get(a.id)?.responses ?? 0),
    )[0]!;
    printProfile(slowest.code, "the slowest built alone", alone.get(slowest.id)!);
    if (busiest !== slowest) printProfile(busiest.code, "the most responses", alone.get(busiest.id)!);

    const handTotal = hand.responses!.best + hand.satisfaction!.best;
    const joinedTotal = hand.responses!.best + hand["satisfaction joined to responses"]!.best;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log("");
    console.log(`=== Figures: ${label}${tried.length ? ` with ${tried.join(", ")}` : ""} ===`);
    console.log(
      `fan-out wall time (enqueue → government parent finished): ${(f.wallMs / 1000).toFixed(2)} s`,
    );
    console.log(
      `department jobs (${done.length} of ${f.departments.length} finished): min ${Math.min(...durations).toFixed(0)} ms, ` +
        `median ${median(durations).toFixed(0)} ms, max ${Math.max(...durations).toFixed(0)} ms ` +
        `(${f.departments.find((d) => d.ms === Math.max(...durations))?.code}); ` +
        `sum ${(sum(durations) / 1000).toFixed(1)} s at concurrency 2`,
    );
    console.log(
      `the same reports built one at a time in this process: min ${Math.min(...aloneMs).toFixed(0)} ms, ` +
        `median ${median(aloneMs).toFixed(0)} ms, max ${Math.max(...aloneMs).toFixed(0)} ms (${slowest.code}); ` +
        `sum ${(sum(aloneMs) / 1000).toFixed(1)} s`,
    );
    console.log(
      `government summary job: ${f.parentMs.toFixed(0)} ms; worker CPU over the fan-out ${f.cpuSeconds.toFixed(1)} s`,
    );
    for (const [name, h] of Object.entries(hand)) {
      console.log(
        `hand-written GROUP BY (${name}): best of 3 ${h.best.toFixed(0)} ms (first ${h.first.toFixed(0)} ms), ` +
          `${h.rows} rows; plan: ${h.plan}`,
      );
    }
    console.log(
      `fan-out ${(f.wallMs / 1000).toFixed(2)} s vs the responses GROUP BY ${(hand.responses!.best / 1000).toFixed(3)} s: ` +
        `ratio ${(f.wallMs / hand.responses!.best).toFixed(0)}×; vs responses + satisfaction GROUP BYs ` +
        `${(handTotal / 1000).toFixed(3)} s: ${(f.wallMs / handTotal).toFixed(0)}×; vs responses + joined satisfaction ` +
        `${(joinedTotal / 1000).toFixed(3)} s: ${(f.wallMs / joinedTotal).toFixed(1)}×`,
    );
    console.log(
      `worker memory: RSS ${mb(f.rssBefore)} before the run, peak ${mb(f.rssPeak)} (200 ms samples); VmHWM ${mb(f.hwm)}`,
    );
    if (slow.length) {
      console.log(
        `SLOW: ${slow.map((d) => `${d.code} ${secs(d.ms)}`).join(", ")} over 60 s: see the profile above`,
      );
    }
  } finally {
    if (worker) await stopWorker(worker);
    running.worker = null;
    const last = running.prefix ?? prefix;
    const deleted = await deleteRedisKeys(o.redisUrl, last).catch((e) => {
      console.log(`  could not delete Redis keys under ${last}: ${e instanceof Error ? e.message : e}`);
      return 0;
    });
    await execOn(
      target,
      tried.map((n) => `drop index if exists "${n}"`),
    ).catch(() => undefined);
    running.prefix = null;
    console.log(
      `cleaned up: worker stopped, ${deleted} Redis keys under ${prefix}:* deleted` +
        (tried.length ? `, tried index(es) ${tried.join(", ")} dropped` : ""),
    );
  }
}

// ---- Main ----

/**
 * What an interrupted run (Ctrl-C, SIGTERM, a closed pipe) must still undo: the worker it started,
 * its Redis keys, its Postgres schema and temporary folder. `finally` blocks do not run on a signal.
 */
const running: {
  worker: ChildProcess | null;
  prefix: string | null;
  redisUrl: string;
  pg: { base: string; schema: string } | null;
  dir: string | null;
} = { worker: null, prefix: null, redisUrl: "", pg: null, dir: null };

async function interrupted(reason: string): Promise<never> {
  console.error(`\ninterrupted (${reason}): cleaning up`);
  const w = running.worker;
  if (w && w.exitCode === null && w.signalCode === null) {
    // Let it stop before its keys go, or a closing worker could write some back.
    const exited = new Promise((r) => w.once("exit", r));
    w.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
  }
  if (running.prefix) await deleteRedisKeys(running.redisUrl, running.prefix).catch(() => 0);
  if (running.pg) await dropSchema(running.pg.base, running.pg.schema).catch(() => undefined);
  if (running.dir) fs.rmSync(running.dir, { recursive: true, force: true });
  process.exit(130);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-reports-"));
  const file = o.db ?? path.join(dir, "bench.sqlite");
  const keepDb = o.keep || o.db !== null;
  const schema = `bench_reports_${process.pid}`;
  let pgLoaded = false;
  running.redisUrl = o.redisUrl;
  running.dir = o.keep && o.db === null ? null : dir;
  process.once("SIGINT", () => void interrupted("SIGINT"));
  process.once("SIGTERM", () => void interrupted("SIGTERM"));
  // Output piped into `head` that has closed: stop, but clean up first.
  process.stdout.on("error", () => void interrupted("stdout closed"));
  try {
    console.log(`Node ${process.version}, ${os.cpus().length} cores; database ${file}; Redis ${o.redisUrl}`);
    // 1. The data.
    if (fs.existsSync(file)) {
      if (!hasData(file, o)) {
        throw new Error(`${file} exists without ${o.month}'s data at this scale: give another --db path`);
      }
      console.log(`reusing ${file} (${mb(fs.statSync(file).size)}): it has ${o.month}'s data at this scale`);
      // Migrations added since it was made (new indexes) apply to it as to any deployment.
      const db = createDb(file);
      const t0 = process.hrtime.bigint();
      await migrateToLatest(db);
      await db.destroy();
      console.log(`  migrated to the latest schema in ${secs(ms(t0))}`);
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await generate(file, o);
    }
    const volume = volumes(file, o.month);
    await measure({ kind: "sqlite", url: file }, o, volume, dir);
    if (o.pg) {
      pgLoaded = true;
      if (!o.keep) running.pg = { base: o.pg, schema };
      const target = await loadPostgres(file, o.pg, schema);
      await measure(target, o, volume, dir);
    }
  } finally {
    if (pgLoaded && o.pg) {
      if (o.keep) console.log(`Postgres schema kept: ${schema}`);
      else await dropSchema(o.pg, schema).catch((e) => console.log(`could not drop ${schema}: ${e}`));
    }
    if (keepDb) console.log(`database kept: ${file}`);
    if (keepDb && o.db === null) {
      // --keep without --db: the database stays in its temporary folder, the worker's data goes.
      for (const f of fs.readdirSync(dir))
        if (f.startsWith("worker-data")) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    } else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
