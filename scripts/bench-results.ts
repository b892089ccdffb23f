/**
 * `npx tsx scripts/bench-results.ts [responses]`: how survey results and exports hold up with a
 * million responses in one survey (SQLite). Not a test: it prints figures to compare between
 * runs on one machine (shared/performance.md). Needs `npx remix build` first for the page figure.
 *
 * 1. A temporary database, migrated and seeded like the test template.
 * 2. `responses` responses (1,000,000 by default) with their answers, through better-sqlite3
 *    prepared statements, 20,000 responses a transaction.
 * 3. The results model cold (a fresh connection) and warm; the results page's loader; the whole
 *    page (loader and React render) through the Remix request handler; the CSV export's rows per
 *    second and the process's peak RSS while it streams; the same for XLSX over one month.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "@remix-run/node";
import SQLite from "better-sqlite3";
import { hkMonth } from "../app/models/calendar/time";
import { createSession } from "../app/models/staff/sessions.server";
import { getSurveyResults } from "../app/models/surveys/results.server";
import { addMonths, parseResultsFilter } from "../app/models/surveys/results-filter.server";
import { loader as csvLoader } from "../app/routes/staff.surveys.$id.export[.]csv";
import { loader as xlsxLoader } from "../app/routes/staff.surveys.$id.export[.]xlsx";
import { loader as resultsLoader } from "../app/routes/staff.surveys.$id.results";
import { sessionCookie } from "../app/utils/cookies.server";
import { parseEnv } from "../app/utils/env.server";
import { createDb, type Db } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seed } from "../db/seed";

const RESPONSES = Number(process.argv[2] ?? 1_000_000);
const BATCH = 20_000;
const ORIGIN = "http://localhost";

// A fixed-seed generator: every run inserts the same data.
let state = 20261127;
function random(): number {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
}
function weighted<T>(choices: [T, number][]): T {
  let r = random() * choices.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of choices) {
    r -= w;
    if (r < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [ms(start), value];
}

/** Samples the process's resident memory while `fn` runs. */
async function peakRss<T>(fn: () => Promise<T>): Promise<[number, T]> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await fn();
    return [Math.max(peak, process.memoryUsage.rss()), value];
  } finally {
    clearInterval(timer);
  }
}

/** Reads a response body to the end; returns its bytes and line count. */
async function drain(res: Response): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 10) lines++;
  }
  return { bytes, lines };
}

function bulkInsert(file: string) {
  const sqlite = new SQLite(file);
  // A bulk load on a scratch file: no fsync per commit (the app itself runs synchronous=FULL).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const survey = sqlite
    .prepare("select id, department_id, current_version_id from surveys where slug = 'immdcsat'")
    .get() as { id: number; department_id: number; current_version_id: number };
  const questions = sqlite
    .prepare("select id, question_key from survey_questions where version_id = ?")
    .all(survey.current_version_id) as { id: number; question_key: string }[];
  const q = Object.fromEntries(questions.map((x) => [x.question_key, x.id])) as Record<string, number>;
  const points = Object.fromEntries(
    (
      sqlite.prepare("select id, code from collection_points where survey_id = ?").all(survey.id) as {
        id: number;
        code: string;
      }[]
    ).map((p) => [p.code.endsWith("ctr") ? "ctr" : "web", p.id]),
  ) as Record<"web" | "ctr", number>;
  const insertResponse = sqlite.prepare(
    `insert into survey_responses (survey_id, version_id, department_id, collection_point_id, channel,
       language, submitted_at, month, received_at, entered_by, batch_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)`,
  );
  const insertAnswer = sqlite.prepare(
    `insert into survey_answers (response_id, survey_id, question_id, question_key, month, channel, language,
       collection_point_id, value_number, option_id, value_text, not_applicable)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`,
  );
  const comments = [
    "Very helpful staff, thank you.",
    "等候時間太長。",
    "The form was hard to understand.",
    "職員很有禮貌，服務很好。",
    '=HYPERLINK("http://example.com")',
    "Please open more counters at lunchtime.",
  ];
  // Responses over the last twelve months, in the order they arrived (ids follow time, as they
  // do in life), so the page's default filter sees them all.
  const span = 365 * 24 * 3600_000;
  const start = Date.now() - span;
  let n = 0;
  let answers = 0;
  const insertBatch = sqlite.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      const at = new Date(start + ((n++ + random()) / RESPONSES) * span).toISOString();
      const month = hkMonth(at);
      const channel = weighted<string>([
        ["web", 50],
        ["counter", 30],
        ["kiosk", 10],
        ["paper", 10],
      ]);
      const point = channel === "web" ? points.web : channel === "counter" ? points.ctr : null;
      const language = random() < 0.7 ? "zh-HK" : "en";
      const id = insertResponse.run(
        survey.id,
        survey.current_version_id,
        survey.department_id,
        point,
        channel,
        language,
        at,
        month,
        at,
      ).lastInsertRowid;
      const rating = () =>
        weighted<number>([
          [1, 5],
          [2, 8],
          [3, 17],
          [4, 40],
          [5, 30],
        ]);
      for (const key of ["overall", "courtesy", "waiting", "clarity"]) {
        const na = key !== "overall" && random() < 0.04;
        insertAnswer.run(
          id,
          survey.id,
          q[key],
          key,
          month,
          channel,
          language,
          point,
          na ? null : rating(),
          null,
          na ? 1 : 0,
        );
        answers++;
      }
      if (random() < 0.6) {
        const text = comments[Math.floor(random() * comments.length)]!;
        insertAnswer.run(
          id,
          survey.id,
          q.comments,
          "comments",
          month,
          channel,
          language,
          point,
          null,
          text,
          0,
        );
        answers++;
      }
    }
  });
  for (let done = 0; done < RESPONSES; done += BATCH) insertBatch(Math.min(BATCH, RESPONSES - done));
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  return { answers };
}

function explain(file: string) {
  const sqlite = new SQLite(file, { readonly: true });
  const { id } = sqlite.prepare("select id from surveys where slug = 'immdcsat'").get() as { id: number };
  const plans: [string, string][] = [
    [
      "results GROUP BY",
      `select question_key, month, value_number, option_id, count(*) from survey_answers
       where survey_id = ${id} and month >= '2026-01' and month <= '2026-12'
         and question_key in ('overall','courtesy','waiting','clarity','comments')
       group by question_key, month, value_number, option_id`,
    ],
    [
      "export page",
      `select id from survey_responses where survey_id = ${id} and month = '2026-06'
         and id > 500000 order by id limit 2000`,
    ],
    [
      "latest comments",
      `select id, value_text from survey_answers where survey_id = ${id} and month >= '2026-01' and month <= '2026-12'
         and question_key = 'comments' and value_text is not null
       order by month desc, value_number desc, option_id desc, id desc limit 20`,
    ],
  ];
  for (const [name, query] of plans) {
    const rows = sqlite.prepare(`explain query plan ${query}`).all() as { detail: string }[];
    console.log(`  plan, ${name}: ${rows.map((r) => r.detail).join(" | ")}`);
  }
  sqlite.close();
}

async function main() {
  // BENCH_DB=path keeps the database there and reuses it on the next run (no second bulk load).
  const keep = process.env.BENCH_DB ? path.resolve(process.env.BENCH_DB) : null;
  const dir = keep ? path.dirname(keep) : fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-"));
  const file = keep ?? path.join(dir, "bench.sqlite");
  try {
    console.log(`Node ${process.version}, ${os.cpus().length} cores; database ${file}`);
    if (!keep || !fs.existsSync(file)) {
      const setupDb = createDb(file);
      await migrateToLatest(setupDb);
      await seed(setupDb);
      await setupDb.destroy();
      const [loadMs, loaded] = await time(async () => bulkInsert(file));
      const total = RESPONSES + loaded.answers;
      console.log(
        `inserted ${RESPONSES.toLocaleString("en")} responses and ${loaded.answers.toLocaleString("en")} answers ` +
          `in ${(loadMs / 1000).toFixed(1)} s (${Math.round(total / (loadMs / 1000)).toLocaleString("en")} rows/s); ` +
          `file ${mb(fs.statSync(file).size)}`,
      );
    }
    explain(file);

    const db: Db = createDb(file);
    const survey = await db
      .selectFrom("surveys")
      .selectAll()
      .where("slug", "=", "immdcsat")
      .executeTakeFirstOrThrow();
    const filter = parseResultsFilter(new URLSearchParams());

    // 1. The results model: cold is the first query on a fresh connection (SQLite's page cache is
    //    empty; the operating system's file cache is not, having just written the file).
    const [cold, first] = await time(() => getSurveyResults(db, survey, filter, "en"));
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await time(() => getSurveyResults(db, survey, filter, "en")))[0]);
    console.log(
      `results model, ${first.totalResponses.toLocaleString("en")} responses, default 12 months: ` +
        `cold ${cold.toFixed(0)} ms, warm ${median(warm).toFixed(0)} ms (median of 5)`,
    );
    const filtered = parseResultsFilter(new URLSearchParams("channel=counter&language=zh-HK"));
    const filteredMs: number[] = [];
    for (let i = 0; i < 3; i++)
      filteredMs.push((await time(() => getSurveyResults(db, survey, filtered, "en")))[0]);
    console.log(`results model, filtered by channel and language: warm ${median(filteredMs).toFixed(0)} ms`);
    const oneMonth = parseResultsFilter(
      new URLSearchParams(`from=${hkMonth(new Date())}&to=${hkMonth(new Date())}`),
    );
    const monthMs: number[] = [];
    for (let i = 0; i < 3; i++)
      monthMs.push((await time(() => getSurveyResults(db, survey, oneMonth, "en")))[0]);
    console.log(`results model, this month only: warm ${median(monthMs).toFixed(0)} ms`);

    // A signed-in manager, and the context a loader gets (no Redis: these loaders do not use it).
    const env = parseEnv({
      NODE_ENV: "production",
      DATA_DIR: dir,
      DATABASE_URL: file,
      SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
      APP_ORIGIN: ORIGIN,
    });
    const manager = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "manager.immd")
      .executeTakeFirstOrThrow();
    const token = await createSession(db, manager.id, 12);
    const cookie = (await sessionCookie(env).serialize(token)).split(";")[0]!;
    const context = { env, db, clientAddress: "127.0.0.1", csrfToken: "x".repeat(43) } as AppLoadContext;
    const request = (p: string) => new Request(`${ORIGIN}${p}`, { headers: { Cookie: cookie } });
    const base = `/staff/surveys/${survey.id}`;

    // 2. The page's loader, and the whole page through Remix (loader, root loader, React render).
    const loaderMs: number[] = [];
    let loaderJson = 0;
    for (let i = 0; i < 3; i++) {
      const [t, data] = await time(() =>
        resultsLoader({ request: request(`${base}/results`), context, params: { id: String(survey.id) } }),
      );
      loaderMs.push(t);
      loaderJson = JSON.stringify(data).length;
    }
    console.log(
      `results loader: ${median(loaderMs).toFixed(0)} ms (median of 3), ${loaderJson} bytes of data`,
    );
    const buildFile = path.resolve("build/index.js");
    if (fs.existsSync(buildFile)) {
      const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
      const handle = createRequestHandler(build, "production");
      const pageMs: number[] = [];
      let html = 0;
      for (let i = 0; i < 3; i++) {
        const [t, body] = await time(async () => {
          const res = await handle(request(`${base}/results`), context);
          if (res.status !== 200) throw new Error(`page answered ${res.status}`);
          return res.text();
        });
        pageMs.push(t);
        html = body.length;
      }
      console.log(
        `results page through Remix (loaders + server render): ${median(pageMs).toFixed(0)} ms (median of 3), ` +
          `${(html / 1024).toFixed(0)} KiB of HTML; render alone ≈ ${(median(pageMs) - median(loaderMs)).toFixed(0)} ms`,
      );
    } else {
      console.log("results page: skipped (run `npx remix build` first)");
    }

    // 3. The CSV export of everything, read as fast as we can; memory sampled as it streams.
    global.gc?.();
    const before = process.memoryUsage.rss();
    const [csvPeak, [csvMs, csv]] = await peakRss(() =>
      time(async () => {
        const res = await csvLoader({
          request: request(`${base}/export.csv`),
          context,
          params: { id: String(survey.id) },
        });
        return drain(res as Response);
      }),
    );
    const rows = csv.lines - 1;
    console.log(
      `CSV export: ${rows.toLocaleString("en")} rows, ${mb(csv.bytes)} in ${(csvMs / 1000).toFixed(1)} s = ` +
        `${Math.round(rows / (csvMs / 1000)).toLocaleString("en")} rows/s; RSS ${mb(before)} before, peak ${mb(csvPeak)}`,
    );

    // 4. XLSX for one month (the zip compression is the slow part, so a month keeps this bounded).
    const month = addMonths(hkMonth(new Date()), -1);
    const xBefore = process.memoryUsage.rss();
    const [xPeak, [xMs, xlsx]] = await peakRss(() =>
      time(async () => {
        const res = await xlsxLoader({
          request: request(`${base}/export.xlsx?from=${month}&to=${month}`),
          context,
          params: { id: String(survey.id) },
        });
        return drain(res as Response);
      }),
    );
    const xRows = first.trend.find((p) => p.month === month)?.responses ?? 0;
    console.log(
      `XLSX export, ${month}: ${xRows.toLocaleString("en")} rows, ${mb(xlsx.bytes)} in ${(xMs / 1000).toFixed(1)} s = ` +
        `${Math.round(xRows / (xMs / 1000)).toLocaleString("en")} rows/s; RSS ${mb(xBefore)} before, peak ${mb(xPeak)}`,
    );
    await db.destroy();
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
