/**
 * Benchmark of the transactions CSV import (not a test): a temporary SQLite database, migrated and
 * seeded as test/setup/global-setup.ts does, and a generated file of service transactions. Prints
 * rows per second for each stage, measured separately:
 *   parse     RFC 4180 parsing alone (parseCsv)
 *   validate  parsing, every row's checks and its elapsed days (validateTransactionsCsv)
 *   store     one transaction of chunked multi-row INSERTs of the validated rows
 *   import    the whole importTransactions (validate, check stored refs, store, audit) on a fresh table
 *
 *   npx tsx scripts/bench-import.ts [--rows=100000] [--runs=3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { departmentClosureDates } from "../app/models/cases/deadlines.server";
import { insertTransactions } from "../app/models/pledges/transactions.server";
import {
  importTransactions,
  validateTransactionsCsv,
} from "../app/models/pledges/transactions-import.server";
import { parseCsv } from "../app/utils/csv";
import { createDb, type Db } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seed } from "../db/seed";

function arg(name: string, fallback: number): number {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  const n = found ? Number(found.slice(name.length + 3)) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0`);
  return n;
}

const ROWS = arg("rows", 100_000);
const RUNS = arg("runs", 3);

/** `YYYY-MM-DD HH:MM` in Hong Kong time (UTC+8), as a department's spreadsheet writes it. */
const hkLocal = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

/** A file like a department's export: Jan–Oct 2026, an hour to 12 days each, 1 in 50 still open. */
function csvOf(rows: number, prefix: string): string {
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

async function clearTransactions(db: Db) {
  await db.deleteFrom("service_transactions").execute();
  await db.deleteFrom("data_imports").execute();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-import-"));
  const db = createDb(path.join(dir, "bench.sqlite"));
  try {
    await migrateToLatest(db);
    await seed(db);
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
    const text = csvOf(ROWS, "B");
    const closures = await departmentClosureDates(db, dept.id);
    const now = new Date();
    console.log(
      `${ROWS.toLocaleString("en")} rows, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB, median of ${RUNS} runs (SQLite, WAL, synchronous=FULL)`,
    );

    const times = {
      parse: [] as number[],
      validate: [] as number[],
      store: [] as number[],
      import: [] as number[],
    };
    for (let run = 0; run < RUNS; run++) {
      let t0 = performance.now();
      const records = parseCsv(text);
      times.parse.push(performance.now() - t0);
      if (records.length !== ROWS + 1) throw new Error("parse: wrong number of records");

      t0 = performance.now();
      const checked = validateTransactionsCsv(text, dept.id, closures, now);
      times.validate.push(performance.now() - t0);
      if (!checked.ok)
        throw new Error(`validate: ${checked.errorCount} errors, first ${JSON.stringify(checked.errors[0])}`);

      await clearTransactions(db);
      t0 = performance.now();
      await db.transaction().execute((trx) => insertTransactions(trx, checked.rows, 2000));
      times.store.push(performance.now() - t0);

      await clearTransactions(db);
      t0 = performance.now();
      const r = await importTransactions(db, { id: admin.id }, dept.id, "bench.csv", text, now);
      times.import.push(performance.now() - t0);
      if (!r.ok || r.rows !== ROWS) throw new Error("import failed");
    }
    for (const [stage, ms] of Object.entries(times)) {
      const m = median(ms);
      console.log(
        `${stage.padEnd(9)} ${m.toFixed(0).padStart(6)} ms  ${Math.round((ROWS / m) * 1000)
          .toLocaleString("en")
          .padStart(9)} rows/s`,
      );
    }
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
