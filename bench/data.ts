/**
 * The data-path figures of `npm run bench`:
 *   fan-out     the monthly report fan-out over 1,000,000 responses (scripts/bench-reports.ts: the
 *               real worker, BullMQ, local Redis) beside the two hand-written GROUP BYs the report
 *               needs over the same month; goal ≤ 3×
 *   import      the transactions CSV import (importTransactions: parse, validate, check stored
 *               refs, store, audit) beside a raw batched insert of the same rows into the same
 *               indexed table (better-sqlite3, 500-row INSERTs prepared once, one transaction);
 *               goal ≥ 0.3×
 *   csv-export  a survey's 1,000,000 responses exported as CSV through the web process (signed in
 *               as the department's administrator): rows/s and the web process's peak RSS growth
 *               (/proc/<pid>/status every 20 ms); goal ≤ 50 MB
 * The generated databases are kept under .cache/bench/ and reused by the next run.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import {
  importTransactions,
  validateTransactionsCsv,
} from "../app/models/pledges/transactions-import.server";
import { newCsrfToken } from "../app/utils/csrf.server";
import { createDb } from "../db/client";
import { DEMO_PASSWORD } from "../db/seed-data";
import { prepare, ROOT, startProduct } from "./http";
import { num, range, type Summary, summarize } from "./stats";

export interface DataFigure {
  name: string;
  rows: {
    figure: string;
    product: string;
    reference: string;
    ratio?: Summary;
    goal?: string;
    reached?: boolean;
  }[];
  raw: unknown;
}

export interface DataTarget {
  name: string;
  describe: string;
  run(o: { repeats: number; quick: boolean }): Promise<DataFigure>;
}

const CACHE = path.join(ROOT, ".cache/bench");
const TEMPLATE_DB = path.join(ROOT, ".cache/test/template.sqlite");

// ---- fan-out ----

async function fanOut(o: { repeats: number; quick: boolean }): Promise<DataFigure> {
  const responses = o.quick ? 100_000 : 1_000_000;
  const db = path.join(CACHE, `reports-${responses}.sqlite`);
  const json = path.join(os.tmpdir(), `pledge-bench-fanout-${process.pid}.json`);
  fs.mkdirSync(CACHE, { recursive: true });
  const args = [
    "--import",
    "tsx",
    path.join(ROOT, "scripts/bench-reports.ts"),
    "--db",
    db,
    "--responses",
    String(responses),
    "--feedback",
    String(responses / 10),
    "--cases",
    String(responses / 20),
    "--repeats",
    String(o.repeats),
    "--no-profile",
    "--json",
    json,
  ];
  console.log(
    `  node ${args.slice(2).join(" ")}${fs.existsSync(db) ? "" : " (generating the data first: minutes)"}`,
  );
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n"))
        if (/fan-out|repeat|GROUP BY|generated|loaded|responses:/.test(line))
          console.log(`    ${line.trim()}`);
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`bench-reports exited with ${code}`)),
    );
  });
  const r = JSON.parse(fs.readFileSync(json, "utf8")) as {
    cpuSeconds: number[];
    fanOutMs: number[];
    responsesMs: number[];
    satisfactionMs: number[];
  };
  fs.rmSync(json, { force: true });
  const hand = r.responsesMs.map((x, i) => x + r.satisfactionMs[i]!);
  const ratio = summarize(r.fanOutMs.map((f, i) => f / hand[i]!));
  // On a machine shared with other work the wall time is mostly waiting for a core: the worker's
  // own CPU time over the fan-out, beside the same GROUP BYs, says what the product costs.
  const cpuRatio = summarize(r.cpuSeconds.map((c, i) => (c * 1000) / hand[i]!));
  return {
    name: "fan-out",
    rows: [
      {
        figure: `monthly fan-out, ${num(responses)} responses (SQLite): wall time`,
        product: range(summarize(r.fanOutMs.map((x) => x / 1000)), " s"),
        reference: `the two GROUP BYs ${range(summarize(hand))} ms`,
        ratio,
        goal: "≤ 3",
        reached: ratio.median <= 3,
      },
      {
        figure: "monthly fan-out: the worker's CPU time over it",
        product: range(summarize(r.cpuSeconds), " s"),
        reference: `the two GROUP BYs ${range(summarize(hand))} ms`,
        ratio: cpuRatio,
      },
    ],
    raw: r,
  };
}

// ---- transactions import ----

/** `YYYY-MM-DD HH:MM` in Hong Kong time (UTC+8), as a department's spreadsheet writes it. */
const hkLocal = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

/** A file like a department's export (scripts/bench-import.ts): an hour to 12 days each, 1 in 50 open. */
export function transactionsCsv(rows: number, prefix: string): string {
  const start = Date.parse("2026-01-02T09:00:00+08:00");
  const lines = ["transaction_type,external_ref,received_at,completed_at"];
  for (let i = 0; i < rows; i++) {
    const received = start + (i % 280) * 86_400_000 + (i % 480) * 60_000;
    const completed =
      i % 50 === 0 ? "" : hkLocal(received + (i % 12) * 86_400_000 + (1 + (i % 5)) * 3_600_000);
    lines.push(`ID-CARD,${prefix}${i},${hkLocal(received)},${completed}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function transactionsImport(o: { repeats: number; quick: boolean }): Promise<DataFigure> {
  await prepare(false);
  const rows = o.quick ? 20_000 : 100_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-import-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(TEMPLATE_DB, file);
  const db = createDb(file);
  const raw = new SQLite(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  try {
    const dept = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const admin = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "admin.immd")
      .executeTakeFirstOrThrow();
    const text = transactionsCsv(rows, "B");
    const now = new Date();
    const checked = validateTransactionsCsv(text, dept.id, new Set<string>(), now);
    if (!checked.ok) throw new Error("the generated transactions do not validate");
    const clear = () => raw.exec("delete from service_transactions; delete from data_imports;");
    const cols = [
      "department_id",
      "transaction_type",
      "external_ref",
      "received_at",
      "completed_at",
      "month",
      "working_days",
      "calendar_days",
      "import_id",
      "created_at",
    ] as const;
    const batch = 500;
    const one = `(${cols.map(() => "?").join(",")})`;
    const head = `insert into service_transactions (${cols.join(",")}) values `;
    const full = raw.prepare(head + Array(batch).fill(one).join(","));
    const values = checked.rows.map((r) => cols.map((c) => (r as Record<string, unknown>)[c] ?? null));
    const rawInsert = raw.transaction(() => {
      for (let i = 0; i < values.length; i += batch) {
        const chunk = values.slice(i, i + batch);
        if (chunk.length === batch) full.run(chunk.flat());
        else raw.prepare(head + Array(chunk.length).fill(one).join(",")).run(chunk.flat());
      }
    });
    const importRate: number[] = [];
    const rawRate: number[] = [];
    for (let rep = 0; rep < o.repeats; rep++) {
      clear();
      let t = performance.now();
      const r = await importTransactions(db, { id: admin.id }, dept.id, "bench.csv", text, now);
      const importMs = performance.now() - t;
      if (!r.ok || r.rows !== rows) throw new Error("the import failed");
      clear();
      t = performance.now();
      rawInsert();
      const rawMs = performance.now() - t;
      importRate.push((rows / importMs) * 1000);
      rawRate.push((rows / rawMs) * 1000);
      console.log(
        `  [${rep + 1}/${o.repeats}] import ${num(importRate.at(-1)!)} rows/s, raw batched insert ${num(rawRate.at(-1)!)} rows/s`,
      );
    }
    const ratio = summarize(importRate.map((x, i) => x / rawRate[i]!));
    return {
      name: "import",
      rows: [
        {
          figure: `transactions import, ${num(rows)} rows (SQLite): rows/s`,
          product: range(summarize(importRate)),
          reference: `raw batched insert ${range(summarize(rawRate))}`,
          ratio,
          goal: "≥ 0.3",
          reached: ratio.median >= 0.3,
        },
      ],
      raw: { rows, importRate, rawRate },
    };
  } finally {
    raw.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- CSV export ----

/** The seeded database plus `n` responses to immdcsat over 2026-01..2026-12 (kept for reuse). */
function exportDatabase(n: number): string {
  const file = path.join(CACHE, `export-${n}.sqlite`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.copyFileSync(TEMPLATE_DB, tmp);
  const db = new SQLite(tmp);
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -524288");
  const t0 = performance.now();
  const s = db
    .prepare("select id, current_version_id as v, department_id as d from surveys where slug = 'immdcsat'")
    .get() as {
    id: number;
    v: number;
    d: number;
  };
  const qs = db
    .prepare("select id, question_key as k from survey_questions where version_id = ?")
    .all(s.v) as {
    id: number;
    k: string;
  }[];
  const points = db.prepare("select id, channel from collection_points where survey_id = ?").all(s.id) as {
    id: number;
    channel: string;
  }[];
  const comments = [
    "Quick and friendly service.",
    "等候時間太長。",
    "The form was hard to understand.",
    "整體滿意，多謝。",
  ];
  const response = db.prepare(
    `insert into survey_responses (survey_id, version_id, department_id, collection_point_id, channel, language,
       submitted_at, month, received_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const answer = db.prepare(
    `insert into survey_answers (response_id, survey_id, question_id, question_key, month, channel, language,
       collection_point_id, value_number, value_text) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.parse("2026-01-01T00:00:00+08:00");
  const span = Date.parse("2026-12-01T00:00:00+08:00") - start;
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = new Date(start + Math.floor((i / n) * span));
      const iso = at.toISOString();
      const month = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
      const p = points[i % points.length]!;
      const lang = i % 3 === 0 ? "en" : "zh-HK";
      const id = Number(response.run(s.id, s.v, s.d, p.id, p.channel, lang, iso, month, iso).lastInsertRowid);
      for (const q of qs) {
        if (q.k === "comments") {
          if (i % 5 === 0)
            answer.run(
              id,
              s.id,
              q.id,
              q.k,
              month,
              p.channel,
              lang,
              p.id,
              null,
              comments[i % comments.length],
            );
        } else answer.run(id, s.id, q.id, q.k, month, p.channel, lang, p.id, 1 + ((i * 7 + q.id) % 5), null);
      }
    }
  });
  for (let i = 0; i < n; i += 50_000) chunk(i, Math.min(n, i + 50_000));
  db.pragma("journal_mode = WAL");
  db.close();
  fs.renameSync(tmp, file);
  console.log(
    `  generated ${num(n)} responses to immdcsat in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${file}`,
  );
  return file;
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
}

async function csvExport(o: { repeats: number; quick: boolean }): Promise<DataFigure> {
  await prepare(false);
  const n = o.quick ? 100_000 : 1_000_000;
  const source = exportDatabase(n);
  const server = await startProduct({}, source);
  try {
    const csrf = newCsrfToken();
    const signIn = await fetch(`${server.baseUrl}/staff/sign-in`, {
      method: "POST",
      headers: {
        Origin: server.baseUrl,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: `pledge_csrf=${csrf}`,
      },
      body: new URLSearchParams({
        username: "admin.immd",
        password: DEMO_PASSWORD,
        redirectTo: "/staff",
        csrf,
      }),
      redirect: "manual",
    });
    const session = signIn.headers
      .getSetCookie()
      .find((c) => /^(__Host-)?pledge_session=/.test(c))
      ?.split(";")[0];
    if (!session)
      throw new Error(
        `could not sign in (${signIn.status} ${signIn.headers.get("location")} ${signIn.headers.getSetCookie().join(" ")})`,
      );
    const surveyId = (
      new SQLite(server.dbPath, { readonly: true })
        .prepare("select id from surveys where slug = 'immdcsat'")
        .get() as {
        id: number;
      }
    ).id;
    const url = `${server.baseUrl}/staff/surveys/${surveyId}/export.csv?from=2026-01&to=2026-12`;
    const rates: number[] = [];
    const growth: number[] = [];
    for (let rep = 0; rep < o.repeats; rep++) {
      global.gc?.();
      await new Promise((r) => setTimeout(r, 500));
      const before = rssOf(server.pid);
      let peak = before;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, rssOf(server.pid));
        } catch {
          // the process is gone: the fetch fails too
        }
      }, 20);
      const t = performance.now();
      let lines = 0;
      try {
        const res = await fetch(url, { headers: { Cookie: `${session}; pledge_csrf=${csrf}` } });
        if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
        for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
          for (let i = 0; i < part.length; i++) if (part[i] === 10) lines++;
        }
      } finally {
        clearInterval(sampler);
      }
      const ms = performance.now() - t;
      peak = Math.max(peak, rssOf(server.pid));
      const rows = lines - 1;
      if (rows !== n) throw new Error(`the export had ${rows} rows, not ${n}`);
      rates.push((rows / ms) * 1000);
      growth.push((peak - before) / 2 ** 20);
      console.log(
        `  [${rep + 1}/${o.repeats}] ${num(rows)} rows in ${(ms / 1000).toFixed(1)} s: ${num(rates.at(-1)!)} rows/s; ` +
          `web RSS ${(before / 2 ** 20).toFixed(0)} MB before, peak +${growth.at(-1)!.toFixed(0)} MB`,
      );
    }
    const g = summarize(growth);
    return {
      name: "csv-export",
      rows: [
        {
          figure: `CSV export, ${num(n)} responses, through the web process: rows/s`,
          product: range(summarize(rates)),
          reference: "",
        },
        {
          figure: "CSV export: web process peak RSS growth (MB)",
          product: range(g, " MB"),
          reference: "",
          goal: "≤ 50 MB (every repeat)",
          reached: g.max <= 50,
        },
      ],
      raw: { rows: n, rates, growthMb: growth },
    };
  } finally {
    await server.stop();
  }
}

export const DATA_TARGETS: DataTarget[] = [
  {
    name: "fan-out",
    describe: "Monthly fan-out beside the hand-written GROUP BYs (scripts/bench-reports.ts)",
    run: fanOut,
  },
  { name: "import", describe: "Transactions import beside a raw batched insert", run: transactionsImport },
  {
    name: "csv-export",
    describe: "CSV export of a survey's responses through the web process",
    run: csvExport,
  },
];
