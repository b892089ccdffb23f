/**
 * `npx tsx scripts/measure-dashboard.ts [--cases 100000] [--db /tmp/pledge-dashboard.db]`
 *
 * How long the department dashboard takes with many cases in one department (issue 14: ≤ 300 ms
 * with 100,000 cases). Not a test: a fresh SQLite database, migrated and seeded, then `cases`
 * cases over twelve months in GPA (which has a timeliness pledge measured from cases): ~92 %
 * closed, the rest open in every state, 2 % appealed; then departmentDashboard timed 20 times
 * (after 2 warm-up runs), median and worst printed. The database is deleted afterwards.
 */
import fs from "node:fs";
import SQLite from "better-sqlite3";
import { hkDate, hkMonth } from "../app/models/calendar/time";
import { departmentDashboard } from "../app/models/cases/dashboard.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seed } from "../db/seed";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const CASES = Number(arg("cases", "100000"));
const FILE = arg("db", "/tmp/pledge-dashboard.db");
const NOW = new Date();

for (const f of [FILE, `${FILE}-wal`, `${FILE}-shm`]) fs.rmSync(f, { force: true });
const db = createDb(`file:${FILE}`);
await migrateToLatest(db);
await seed(db, { today: NOW });
const gpa = await db
  .selectFrom("departments")
  .select(["id", "code"])
  .where("code", "=", "GPA")
  .executeTakeFirstOrThrow();
const service = await db
  .selectFrom("services")
  .select("id")
  .where("department_id", "=", gpa.id)
  .where("code", "=", "PROPERTY-MGMT")
  .executeTakeFirstOrThrow();
await db
  .updateTable("pledges")
  .set({ status: "published" })
  .where("code", "=", "GPA-PROPERTY-COMPLAINTS")
  .execute();
await db.destroy();

const raw = new SQLite(FILE);
raw.pragma("journal_mode = WAL");
raw.pragma("synchronous = OFF");
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => hkDate(new Date(ms));
const insertCase =
  raw.prepare(`insert into cases (reference, department_id, service_id, status, channel, language,
  what_happened, desired_outcome, received_at, month, ack_due, reply_due, acknowledged_at, replied_at, closed_at,
  ack_met, reply_met, updated_at) values (?, ?, ?, ?, 'web', 'en', 'x', 'y', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insertAppeal =
  raw.prepare(`insert into appeals (case_id, lodged_at, lodged_by, grounds, due, decided_at)
  values (?, ?, 'citizen', 'g', ?, ?)`);
const OPEN = ["received", "acknowledged", "under_investigation", "awaiting_customer", "replied"];
const t0 = performance.now();
raw.transaction(() => {
  for (let i = 0; i < CASES; i++) {
    // Older cases are closed; the newest ~8 % are open in every state.
    const age = Math.floor((i / CASES) * 365);
    const received = NOW.getTime() - (365 - age) * day + (i % 7) * 3_600_000;
    const open = i > CASES * 0.92;
    const status = open ? OPEN[i % OPEN.length]! : "closed";
    const acked = status !== "received";
    const replied = status === "replied" || status === "closed";
    const r = insertCase.run(
      `GPA-${i}`,
      gpa.id,
      i % 3 === 0 ? null : service.id,
      status,
      iso(received),
      hkMonth(new Date(received)),
      date(received + 3 * day),
      date(received + 14 * day),
      acked ? iso(received + day) : null,
      replied ? iso(received + 10 * day) : null,
      status === "closed" ? iso(received + 12 * day) : null,
      acked ? 1 : null,
      replied ? 1 : null,
      iso(received),
    );
    if (i % 50 === 4 && replied) {
      insertAppeal.run(
        r.lastInsertRowid,
        iso(received + 11 * day),
        date(received + 25 * day),
        open ? null : iso(received + 20 * day),
      );
    }
  }
})();
raw.close();
console.log(`${CASES} cases loaded in ${Math.round(performance.now() - t0)} ms`);

const app = createDb(`file:${FILE}`);
const times: number[] = [];
for (let i = 0; i < 22; i++) {
  const s = performance.now();
  const d = await departmentDashboard(app, gpa, NOW);
  if (i >= 2) times.push(performance.now() - s);
  if (i === 0)
    console.log(
      `open ${d.openCount}, due soon ${d.dueSoon.count}, appeals ${d.appeals.count} (${d.appeals.overdue} overdue), pledges ${d.pledges.length}`,
    );
}
times.sort((a, b) => a - b);
console.log(
  `departmentDashboard: median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, worst ${times.at(-1)!.toFixed(1)} ms (20 runs)`,
);
await app.destroy();
for (const f of [FILE, `${FILE}-wal`, `${FILE}-shm`]) fs.rmSync(f, { force: true });
