/**
 * `npx tsx scripts/bench-stored-results.ts [--pledges 1200] [--months 36] [--per-month 20]`:
 * how stored pledge results hold up at the paper's scale (SQLite). Not a test: it prints figures
 * to compare between runs on one machine (shared/performance.md).
 *
 * 1. A temporary database, migrated and seeded like the test template (no activity).
 * 2. 75 departments with one service each and `pledges` published pledges spread over them
 *    (nine in ten measured by transactions, one in ten by quality readings; a few strengthened,
 *    new or retired), in force for the whole `months`; about `per-month` transactions per pledge
 *    and month (≈ 800,000 rows at the defaults), loaded with better-sqlite3 prepared statements.
 * 3. recomputeStoredResults over everything, timed (and once more, warm); one transaction's
 *    refresh (mark + results.refresh's work), timed.
 * 4. The overview (governmentOverview) and its JSON route, and the public view of all pledges,
 *    median of 20 each.
 * 5. With `npx remix build` done: /pledges, /pledges.json, /pledges/<DEPT>, /central/overview and
 *    /central/overview.json through Remix's request handler (loaders and server render), median of 20.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "@remix-run/node";
import SQLite from "better-sqlite3";
import { monthsBetween, shiftMonth } from "../app/models/calendar/periods";
import { hkMonth } from "../app/models/calendar/time";
import { governmentOverview, lastCompleteMonth } from "../app/models/pledges/overview.server";
import { openDataJson, publicPledgeView } from "../app/models/pledges/public.server";
import {
  markResultsStale,
  recomputeStoredResults,
  refreshStaleResults,
} from "../app/models/pledges/stored-results.server";
import { createSession } from "../app/models/staff/sessions.server";
import { sessionCookie } from "../app/utils/cookies.server";
import { parseEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seed } from "../db/seed";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const PLEDGES = arg("pledges", 1200);
const MONTHS = arg("months", 36);
const PER_MONTH = arg("per-month", 20);
const DEPARTMENTS = 75;
const ORIGIN = "http://localhost";

let state = 20261207;
function random(): number {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
}

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

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-stored-"));
  const file = path.join(dir, "bench.sqlite");
  try {
    const setup = createDb(file);
    await migrateToLatest(setup);
    await seed(setup);
    await setup.destroy();

    const now = new Date();
    const thisMonth = hkMonth(now);
    const first = shiftMonth(thisMonth, MONTHS);
    const months = monthsBetween(first, shiftMonth(thisMonth, 1));
    const stamp = now.toISOString();
    const load = performance.now();
    const raw = new SQLite(file);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = OFF");
    const insDept = raw.prepare(
      "insert into departments (code, name_en, name_zh, kind, is_active, created_at) values (?, ?, ?, 'department', 1, ?)",
    );
    const insService = raw.prepare(
      "insert into services (department_id, code, name_en, name_zh, created_at) values (?, 'S1', ?, ?, ?)",
    );
    const insPledge = raw.prepare(
      "insert into pledges (department_id, service_id, code, status, current_version_id, created_at, updated_at, published_at, retired_at) values (?, ?, ?, ?, null, ?, ?, ?, ?)",
    );
    const insVersion =
      raw.prepare(`insert into pledge_versions (pledge_id, version_no, statement_en, statement_zh,
      customer, category, target_kind, target_share, timeliness_source, transaction_type, days, day_unit,
      measure_unit, comparator, threshold, min_sample, effective_from, change_reason, created_at)
      values (?, ?, 'A pledge', '一項承諾', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`);
    const setCurrent = raw.prepare("update pledges set current_version_id = ? where id = ?");
    const insTx =
      raw.prepare(`insert into service_transactions (department_id, transaction_type, external_ref,
      received_at, completed_at, month, working_days, calendar_days, import_id, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, null, ?)`);
    const insReading = raw.prepare(
      "insert into quality_readings (pledge_id, taken_on, month, value, evidence_note, entered_by, import_id, created_at) values (?, ?, ?, ?, null, null, null, ?)",
    );
    let rows = 0;
    raw.transaction(() => {
      const depts: { id: number; service: number }[] = [];
      for (let d = 0; d < DEPARTMENTS; d++) {
        const id = Number(
          insDept.run(`B${String(d).padStart(3, "0")}`, `Bench ${d}`, `測試 ${d}`, stamp).lastInsertRowid,
        );
        const service = Number(insService.run(id, "Service", "服務", stamp).lastInsertRowid);
        depts.push({ id, service });
      }
      for (let p = 0; p < PLEDGES; p++) {
        const dept = depts[p % DEPARTMENTS]!;
        const code = `BENCH-${p}`;
        const measured = p % 10 === 9;
        const retired = p % 37 === 5;
        const from = p % 29 === 3 ? `${months[20]}-01` : `${months[0]}-01`;
        const id = Number(
          insPledge.run(
            dept.id,
            dept.service,
            code,
            retired ? "retired" : "published",
            stamp,
            stamp,
            stamp,
            retired ? `${months[30]}-10T00:00:00.000Z` : null,
          ).lastInsertRowid,
        );
        const version = (no: number, share: number, effective: string, reason: string) =>
          Number(
            insVersion.run(
              id,
              no,
              p % 11 === 0 ? "internal" : "external",
              measured ? "quality" : "efficiency",
              measured ? "measured" : "timeliness",
              share,
              measured ? null : "transactions",
              measured ? null : code,
              measured ? null : 10,
              measured ? null : "calendar",
              measured ? "m" : null,
              measured ? "gte" : null,
              measured ? 15 : null,
              effective,
              reason,
              stamp,
            ).lastInsertRowid,
          );
        let current = version(1, 90, from, p % 29 === 3 ? "new_service" : "initial");
        if (p % 5 === 1) current = version(2, 95, `${months[18]}-01`, "strengthened");
        setCurrent.run(current, id);
        for (const m of months) {
          if (m < from.slice(0, 7)) continue;
          if (measured) {
            for (let i = 0; i < 5; i++) {
              insReading.run(id, `${m}-1${i}`, m, 14 + random() * 4, stamp);
              rows++;
            }
          } else {
            const n = Math.max(1, Math.round(PER_MONTH * (0.5 + random())));
            for (let i = 0; i < n; i++) {
              const days = Math.floor(random() * 13);
              const completed = `${m}-15T02:00:00.000Z`;
              const received = new Date(Date.parse(completed) - days * 86_400_000).toISOString();
              insTx.run(dept.id, code, `${m}-${i}`, received, completed, m, days, days, stamp);
              rows++;
            }
          }
        }
      }
    })();
    raw.close();
    console.log(
      `loaded ${DEPARTMENTS} departments, ${PLEDGES} pledges, ${rows.toLocaleString("en")} activity rows over ${months.length} months in ${((performance.now() - load) / 1000).toFixed(1)} s`,
    );

    const db = createDb(file);
    const cold = await time(() => recomputeStoredResults(db, { now }));
    console.log(
      `recomputeStoredResults, everything (cold): ${(cold.ms / 1000).toFixed(2)} s — ${cold.value.pledges} pledges, ${cold.value.rows.toLocaleString("en")} rows`,
    );
    const warm = await time(() => recomputeStoredResults(db, { now }));
    console.log(`recomputeStoredResults, everything (again): ${(warm.ms / 1000).toFixed(2)} s`);

    const dept = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "B001")
      .executeTakeFirstOrThrow();
    const one = await time(async () => {
      await markResultsStale(db, [{ departmentId: dept.id, month: months.at(-1)! }]);
      return refreshStaleResults(db, { now });
    });
    console.log(
      `one transaction's refresh (a department's month): ${one.ms.toFixed(0)} ms — ${one.value.pledges} pledges, ${one.value.rows} rows`,
    );

    const end = lastCompleteMonth(now);
    console.log(
      `governmentOverview (median of 20): ${(await median(20, () => governmentOverview(db, end))).toFixed(1)} ms`,
    );
    console.log(
      `overview JSON body (median of 20): ${(await median(20, async () => JSON.stringify(await governmentOverview(db, end)))).toFixed(1)} ms`,
    );
    console.log(
      `publicPledgeView, all pledges + JSON (median of 20): ${(await median(20, async () => JSON.stringify(openDataJson((await publicPledgeView(db, { now }))!)))).toFixed(1)} ms`,
    );
    console.log(
      `publicPledgeView, one department (median of 20): ${(await median(20, () => publicPledgeView(db, { department: "B001", now }))).toFixed(1)} ms`,
    );
    // 5. The whole pages through Remix (loaders and server render), when built.
    const buildFile = path.resolve("build/index.js");
    if (fs.existsSync(buildFile)) {
      const env = parseEnv({
        NODE_ENV: "production",
        DATA_DIR: dir,
        DATABASE_URL: file,
        SESSION_SECRET: "bench-secret-bench-secret-bench-secret-00",
        APP_ORIGIN: ORIGIN,
      });
      const reviewer = await db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", "reviewer")
        .executeTakeFirstOrThrow();
      const cookie = (await sessionCookie(env).serialize(await createSession(db, reviewer.id, 12))).split(
        ";",
      )[0]!;
      const context = { env, db, clientAddress: "127.0.0.1", csrfToken: "x".repeat(43) } as AppLoadContext;
      const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
      const handle = createRequestHandler(build, "production");
      for (const p of [
        "/pledges",
        "/pledges.json",
        "/pledges/B001",
        "/central/overview",
        "/central/overview.json",
      ]) {
        let bytes = 0;
        const ms = await median(20, async () => {
          const res = await handle(new Request(`${ORIGIN}${p}`, { headers: { Cookie: cookie } }), context);
          if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
          bytes = (await res.text()).length;
        });
        console.log(
          `${p} through Remix (median of 20): ${ms.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB`,
        );
      }
    } else console.log("pages: skipped (run `npx remix build` first)");
    if (process.env.BENCH_KEEP) fs.copyFileSync(file, process.env.BENCH_KEEP);
    await db.destroy();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
