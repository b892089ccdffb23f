/**
 * `npx tsx --expose-gc scripts/bench-cases.ts [--cases 100000] [--feedback 500000]`: the case and
 * feedback lists of issue 14 at a big department's volume (SQLite). Not a test: it prints figures
 * to compare between runs on one machine.
 *
 * 1. A database, migrated and seeded, with `cases` cases and `feedback` feedback entries in one
 *    department (Immigration), a year of them, loaded with better-sqlite3 prepared statements in
 *    one transaction; cached under .cache/bench-cases/ (keyed by sizes and migrations) and copied.
 * 2. Through the routes' loaders (real Requests, a signed-in officer; no HTML render): filtered
 *    list pages, the 2,000th page against the first, the search box, full-text lists, feedback
 *    log pages — median of 20 each — and exports of every case (CSV, XLSX) read to the end, with
 *    the process's memory growth sampled while they stream.
 * Targets (issue 14): list ≤ 150 ms, 2,000th page as fast as the first, search ≤ 100 ms,
 * export growth ≤ 50 MB.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  type AppLoadContext,
  createRequestHandler,
  type LoaderFunctionArgs,
  type ServerBuild,
} from "@remix-run/node";
import SQLite from "better-sqlite3";
import { hkDate, hkMonth } from "../app/models/calendar/time";
import { encodeCursor } from "../app/models/cases/list.server";
import { makeReference } from "../app/models/cases/reference";
import { createSession } from "../app/models/staff/sessions.server";
import { loader as listLoader } from "../app/routes/staff.cases._index";
import { loader as csvLoader } from "../app/routes/staff.cases.export[.]csv";
import { loader as xlsxLoader } from "../app/routes/staff.cases.export[.]xlsx";
import { loader as feedbackLoader } from "../app/routes/staff.feedback";
import { loader as searchLoader } from "../app/routes/staff.search";
import { sessionCookie } from "../app/utils/cookies.server";
import { encryptPii } from "../app/utils/crypto.server";
import { parseEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { migrations } from "../db/migrations/index";
import { seed } from "../db/seed";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const CASES = arg("cases", 100_000);
const FEEDBACK = arg("feedback", 500_000);
const ORIGIN = "http://localhost";
const PII_KEY = crypto.createHash("sha256").update("bench-cases-pii").digest("base64");

let state = 20261207;
function random(): number {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const WORDS = (
  "counter queue waited hours staff rude helpful form passport visa identity card appointment " +
  "office phone call letter reply late wrong fee refund photo document application renewal " +
  "extension birth marriage registration officer manager hall lobby booking online system"
).split(" ");
const text = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(" ");

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)]!;
}

/** Builds (or reuses) the big database; returns its file. */
async function buildDatabase(): Promise<string> {
  const cacheDir = path.resolve(".cache/bench-cases");
  fs.mkdirSync(cacheDir, { recursive: true });
  const key = crypto
    .createHash("sha256")
    .update(JSON.stringify([CASES, FEEDBACK, Object.keys(migrations), 3]))
    .digest("hex")
    .slice(0, 12);
  const cached = path.join(cacheDir, `bench-${key}.sqlite`);
  if (fs.existsSync(cached)) return cached;

  const t0 = performance.now();
  const tmp = `${cached}.part`;
  fs.rmSync(tmp, { force: true });
  const setup = createDb(tmp);
  await migrateToLatest(setup);
  await seed(setup);
  await setup.destroy();

  const sq = new SQLite(tmp);
  sq.pragma("journal_mode = WAL");
  sq.pragma("synchronous = OFF");
  const dept = sq.prepare("select id from departments where code = 'IMMD'").get() as { id: number };
  const services = (
    sq.prepare("select id from services where department_id = ?").all(dept.id) as { id: number }[]
  ).map((s) => s.id);
  const officers = (
    sq
      .prepare("select id from staff_users where department_id = ? and role in ('case_officer','manager')")
      .all(dept.id) as { id: number }[]
  ).map((s) => s.id);
  const insertCase =
    sq.prepare(`insert into cases (reference, department_id, service_id, status, channel, language,
    what_happened, desired_outcome, contact_name_enc, contact_email_enc, contact_phone_enc, consent_at, received_at,
    month, assigned_to, ack_due, reply_due, acknowledged_at, replied_at, closed_at, ack_met, reply_met, updated_at)
    values (?, ?, ?, ?, ?, 'en', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAppeal = sq.prepare(
    "insert into appeals (case_id, lodged_at, lodged_by, grounds, due, decided_at, outcome) values (?, ?, 'citizen', 'grounds', ?, ?, ?)",
  );
  const insertFeedback =
    sq.prepare(`insert into feedback_entries (department_id, service_id, kind, channel, summary,
    language, important, logged_by, logged_at, month, case_id) values (?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, null)`);
  const start = Date.parse("2025-12-01T00:00:00+08:00");
  const span = 365 * 86_400_000;
  const seq = new Map<string, number>();
  const day = (ms: number) => hkDate(new Date(ms));
  const statuses = [
    "received",
    "acknowledged",
    "under_investigation",
    "awaiting_customer",
    "replied",
    "referred",
  ] as const;
  const channels = ["web", "counter", "hotline", "email", "letter"] as const;
  const contactSamples = Array.from({ length: 200 }, (_, i) => ({
    name: encryptPii(PII_KEY, `Citizen ${i}`),
    email: encryptPii(PII_KEY, `citizen${i}@example.com`),
    phone: encryptPii(PII_KEY, `9${String(1000000 + i * 37).slice(0, 7)}`),
  }));
  sq.transaction(() => {
    for (let i = 0; i < CASES; i++) {
      const at = start + Math.floor((i / CASES) * span) + Math.floor(random() * 60_000);
      const iso = new Date(at).toISOString();
      const month = hkMonth(iso);
      const period = month.slice(2, 4) + month.slice(5, 7);
      const n = (seq.get(period) ?? 0) + 1;
      seq.set(period, n);
      const old = at < start + span - 40 * 86_400_000;
      const closed = old ? random() < 0.92 : random() < 0.3;
      const status = closed ? "closed" : pick(statuses);
      const ackDue = day(at + 10 * 86_400_000);
      const replyDue = day(at + 30 * 86_400_000);
      const acked = status !== "received" ? new Date(at + 3 * 86_400_000).toISOString() : null;
      const replied =
        closed || status === "replied"
          ? new Date(at + (random() < 0.85 ? 20 : 40) * 86_400_000).toISOString()
          : null;
      const closedAt = closed && replied ? new Date(Date.parse(replied) + 86_400_000).toISOString() : null;
      const c = pick(contactSamples);
      const rare = random() < 0.01 ? " zebracrossing" : "";
      const row = insertCase.run(
        makeReference("IMMD", period, n),
        dept.id,
        random() < 0.9 ? pick(services) : null,
        status,
        pick(channels),
        text(12) + rare,
        c.name,
        random() < 0.8 ? c.email : null,
        c.phone,
        iso,
        iso,
        month,
        random() < 0.8 ? pick(officers) : null,
        ackDue,
        replyDue,
        acked,
        replied,
        closedAt,
        closed ? 1 : null,
        closed ? (replied && Date.parse(replied) - at < 30 * 86_400_000 ? 1 : 0) : null,
        iso,
      );
      if (closed && random() < 0.02) {
        const lodged = new Date(Date.parse(closedAt!) + 5 * 86_400_000).toISOString();
        const decided = random() < 0.7 ? new Date(Date.parse(lodged) + 20 * 86_400_000).toISOString() : null;
        insertAppeal.run(
          row.lastInsertRowid,
          lodged,
          day(Date.parse(lodged) + 30 * 86_400_000),
          decided,
          decided ? "not_upheld" : null,
        );
      }
    }
    const kinds = ["compliment", "suggestion", "complaint", "enquiry"] as const;
    const fch = ["counter", "hotline", "suggestion_form", "email", "letter"] as const;
    for (let i = 0; i < FEEDBACK; i++) {
      const iso = new Date(start + Math.floor((i / FEEDBACK) * span)).toISOString();
      insertFeedback.run(
        dept.id,
        random() < 0.9 ? pick(services) : null,
        pick(kinds),
        pick(fch),
        text(8) + (random() < 0.01 ? " zebracrossing" : ""),
        random() < 0.03 ? 1 : 0,
        pick(officers),
        iso,
        hkMonth(iso),
      );
    }
  })();
  sq.exec("analyze");
  sq.pragma("wal_checkpoint(TRUNCATE)");
  sq.close();
  fs.renameSync(tmp, cached);
  for (const ext of ["-wal", "-shm"]) fs.rmSync(`${tmp}${ext}`, { force: true });
  console.log(
    `built ${CASES} cases and ${FEEDBACK} feedback entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return cached;
}

async function main() {
  const cached = await buildDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-cases-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(cached, file);
  const db = createDb(file);
  try {
    const env = parseEnv({
      NODE_ENV: "production",
      DATA_DIR: dir,
      DATABASE_URL: file,
      SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
      PII_KEY,
      APP_ORIGIN: ORIGIN,
    });
    const officer = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "officer.immd")
      .executeTakeFirstOrThrow();
    const cookie = (await sessionCookie(env).serialize(await createSession(db, officer.id, 12))).split(
      ";",
    )[0]!;
    const context = { env, db, clientAddress: "127.0.0.1", csrfToken: "x".repeat(43) } as AppLoadContext;
    const get = (p: string) => new Request(`${ORIGIN}${p}`, { headers: { Cookie: cookie } });
    type AnyLoader = (args: LoaderFunctionArgs) => Promise<unknown>;
    const call = async (loader: AnyLoader, p: string, expect = 200) => {
      let res: Response;
      try {
        res = (await loader({ request: get(p), context, params: {} })) as Response;
      } catch (e) {
        if (e instanceof Response) res = e;
        else throw e;
      }
      if (res.status !== expect) throw new Error(`${p} answered ${res.status}`);
      return res;
    };
    const count = (
      await db
        .selectFrom("cases")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n;
    console.log(`cases: ${count}; SQLite ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
    const service = (
      await db
        .selectFrom("services as s")
        .innerJoin("departments as d", "d.id", "s.department_id")
        .select("s.id")
        .where("d.code", "=", "IMMD")
        .orderBy("s.id")
        .executeTakeFirstOrThrow()
    ).id;
    const lists: [string, string][] = [
      ["default tab (unassigned, open)", "/staff/cases"],
      ["tab=overdue", "/staff/cases?tab=overdue"],
      ["tab=mine", "/staff/cases?tab=mine"],
      ["status=closed, -received", "/staff/cases?status=closed&sort=-received"],
      ["status=under_investigation, due", "/staff/cases?status=under_investigation&sort=due"],
      ["status=received&status=acknowledged", "/staff/cases?status=received&status=acknowledged"],
      [`service=${service}`, `/staff/cases?service=${service}`],
      ["channel=hotline, -received", "/staff/cases?channel=hotline&sort=-received"],
      [`officer=${officer.id}`, `/staff/cases?officer=${officer.id}`],
      ["received_month=2026-06", "/staff/cases?received_month=2026-06"],
      ["received_from/to one week", "/staff/cases?received_from=2026-03-01&received_to=2026-03-07"],
      ["closed_month=2026-05", "/staff/cases?closed_month=2026-05"],
      ["due_from/to, sort=due", "/staff/cases?due_from=2026-04-01&due_to=2026-04-30&sort=due"],
      ["within_pledge=0", "/staff/cases?within_pledge=0"],
      ["appeal=any", "/staff/cases?appeal=any"],
      ["appeal=decided&appeal_month=2026-06", "/staff/cases?appeal=decided&appeal_month=2026-06"],
      ["q=passport (common word)", "/staff/cases?q=passport"],
      ["q=zebracrossing (1 in 100)", "/staff/cases?q=zebracrossing"],
      ["q=passport visa + status=closed", "/staff/cases?q=passport+visa&status=closed"],
    ];
    console.log("\nCase list loader, median of 20 (target ≤ 150 ms):");
    for (const [name, p] of lists) {
      let rows = 0;
      const ms = await median(20, async () => {
        rows = ((await (await call(listLoader, p)).json()) as { rows: unknown[] }).rows.length;
      });
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms  (${rows} rows)`);
    }

    // The 2,000th page: its cursor is the last row of page 1,999 (found once by OFFSET here only).
    const key = env.SESSION_SECRET;
    for (const sort of ["received", "-received", "due"] as const) {
      const desc = sort.startsWith("-");
      const col = sort.includes("due") ? "reply_due" : "received_at";
      const row = await db
        .selectFrom("cases")
        .select(["id", "received_at", "reply_due"])
        .orderBy(col, desc ? "desc" : "asc")
        .orderBy("id", desc ? "desc" : "asc")
        .offset(1999 * 50 - 1)
        .limit(1)
        .executeTakeFirst();
      if (!row) continue;
      const cursor = encodeCursor(key, {
        sort,
        value: col === "reply_due" ? row.reply_due : row.received_at,
        id: row.id,
      });
      const first = await median(20, () => call(listLoader, `/staff/cases?sort=${sort}`));
      const deep = await median(20, () => call(listLoader, `/staff/cases?sort=${sort}&cursor=${cursor}`));
      console.log(
        `  every case, sort=${sort}: page 1 ${first.toFixed(1)} ms, page 2,000 ${deep.toFixed(1)} ms`,
      );
    }

    // The whole pages through Remix's request handler (loaders and server render), when built.
    const buildFile = path.resolve("build/index.js");
    if (fs.existsSync(buildFile)) {
      const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
      const handle = createRequestHandler(build, "production");
      const last = await db
        .selectFrom("cases")
        .select(["id", "received_at"])
        .orderBy("received_at")
        .orderBy("id")
        .offset(1999 * 50 - 1)
        .limit(1)
        .executeTakeFirst();
      const deep = last
        ? `/staff/cases?sort=received&cursor=${encodeCursor(key, { sort: "received", value: last.received_at, id: last.id })}`
        : null;
      console.log(
        "\nWhole HTML pages through Remix (loader + server render), median of 20 (target ≤ 150 ms):",
      );
      for (const p of [
        "/staff/cases",
        "/staff/cases?status=closed&closed_month=2026-05",
        "/staff/cases?q=passport",
        "/staff/cases?sort=received",
        ...(deep ? [deep] : []),
        "/staff/feedback?fk=complaint",
      ]) {
        let bytes = 0;
        const ms = await median(20, async () => {
          const res = await handle(get(p), context);
          if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
          bytes = (await res.text()).length;
        });
        const name = p.includes("cursor=") ? "/staff/cases?sort=received (page 2,000)" : p;
        console.log(`  ${name.padEnd(50)} ${ms.toFixed(1).padStart(7)} ms, ${(bytes / 1024).toFixed(0)} KiB`);
      }
    } else console.log("\nwhole pages: skipped (run `npm run build` first)");

    const ref = (
      await db
        .selectFrom("cases")
        .select("reference")
        .where("id", "=", Math.floor(count / 2))
        .executeTakeFirstOrThrow()
    ).reference;
    console.log("\nSearch box, median of 20 (target ≤ 100 ms):");
    for (const [name, q] of [
      ["full reference", ref],
      ["reference without check character", ref.slice(0, -2)],
      ["wrong check character", `${ref.slice(0, -1)}${ref.endsWith("A") ? "B" : "A"}`],
      ["words (redirect to the list)", "passport photo"],
    ] as const) {
      const expect = name === "wrong check character" ? 400 : 302;
      const ms = await median(20, () =>
        call(searchLoader, `/staff/search?${new URLSearchParams({ q })}`, expect),
      );
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms`);
    }

    console.log("\nFeedback log loader, median of 20:");
    for (const [name, p] of [
      ["latest (no filter)", "/staff/feedback"],
      ["fk=complaint", "/staff/feedback?fk=complaint"],
      ["fi=1", "/staff/feedback?fi=1"],
      ["month=2026-06&fc=hotline", "/staff/feedback?month=2026-06&fc=hotline"],
      ["from/to one week", "/staff/feedback?from=2026-03-01&to=2026-03-07"],
      ["q=zebracrossing", "/staff/feedback?q=zebracrossing"],
      ["q=passport", "/staff/feedback?q=passport"],
    ] as const) {
      const ms = await median(20, () => call(feedbackLoader, p));
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms`);
    }

    console.log("\nExport of every case, read to the end (target: memory growth ≤ 50 MB):");
    const gc = (globalThis as { gc?: () => void }).gc;
    for (const [name, loader] of [
      ["CSV", csvLoader],
      ["XLSX", xlsxLoader],
    ] as const) {
      gc?.();
      const base = process.memoryUsage();
      let peakRss = base.rss;
      let peakHeap = base.heapUsed;
      const sample = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      const t0 = performance.now();
      const res = await call(loader, `/staff/cases/export.${name.toLowerCase()}?sort=received`);
      let bytes = 0;
      let chunks = 0;
      // Live memory: every 100 chunks a full collection, then the heap in use (garbage not counted).
      let liveHeap = base.heapUsed;
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
        if (gc && ++chunks % 100 === 0) {
          gc();
          liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
        }
      }
      clearInterval(sample);
      const ms = performance.now() - t0;
      console.log(
        `  ${name.padEnd(5)} ${(ms / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB; growth: peak rss +${((peakRss - base.rss) / 1e6).toFixed(1)} MB, live heap +${((liveHeap - base.heapUsed) / 1e6).toFixed(1)} MB (peak heap with garbage +${((peakHeap - base.heapUsed) / 1e6).toFixed(1)} MB)${gc ? "" : " (run with --expose-gc for the live heap)"}`,
      );
    }
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
