/**
 * Benchmark of the registry import (issue 12: 75 departments, 1,200 pledges, ~800,000 activity
 * rows in ≤ 3 minutes on SQLite). Writes a synthetic folder (deterministic), loads it into a new
 * SQLite database with importGovernment, and prints rows per second per file and pass, the total
 * time and the growth of the process's memory; then loads it again (nothing new: the re-import).
 *
 *   npx tsx scripts/bench-registry-import.ts [--transactions 500000] [--responses 200000]
 *     [--readings 100000] [--departments 75] [--pledges 1200] [--dir /tmp/bench-registry]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { importGovernment } from "../app/models/imports/import.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const { values } = parseArgs({
  options: {
    transactions: { type: "string", default: "500000" },
    responses: { type: "string", default: "200000" },
    readings: { type: "string", default: "100000" },
    departments: { type: "string", default: "75" },
    pledges: { type: "string", default: "1200" },
    dir: { type: "string", default: path.join(os.tmpdir(), "bench-registry") },
  },
});
const N = {
  transactions: Number(values.transactions),
  responses: Number(values.responses),
  readings: Number(values.readings),
  departments: Number(values.departments),
  pledges: Number(values.pledges),
};

let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** Writes a file line by line through a stream (the benchmark itself holds no file in memory). */
async function writeLines(file: string, header: string, count: number, line: (i: number) => string) {
  const out = fs.createWriteStream(file);
  out.write(`${header}\n`);
  let buf = "";
  for (let i = 0; i < count; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.once("finish", () => r()));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");
const START = Date.parse("2023-11-01T00:00:00+08:00");
const SPAN = 36 * 30 * 86_400_000;

async function generate(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const depts = Array.from({ length: N.departments }, (_, i) => `D${String(i + 1).padStart(3, "0")}`);
  await writeLines(path.join(dir, "departments.csv"), "code,name_en,name_zh,type", depts.length, (i) =>
    [depts[i], `Department ${i + 1}`, `部門${i + 1}`, i % 7 === 0 ? "bureau" : "department"].join(","),
  );
  await writeLines(
    path.join(dir, "services.csv"),
    "department_code,service_code,name_en,name_zh",
    depts.length * 4,
    (i) => [depts[Math.floor(i / 4)], `S${i % 4}`, `Service ${i % 4}`, `服務${i % 4}`].join(","),
  );
  const kinds: { kind: string; unit: string; threshold: string; measure: string }[] = [];
  await writeLines(
    path.join(dir, "pledges.csv"),
    "pledge_id,department_code,service_code,customer,nature,kind,statement_en,statement_zh,target_share,threshold,unit,measure_unit,effective_from,change,change_date,previous_target_share,previous_threshold",
    N.pledges,
    (i) => {
      const r = i % 10;
      const k =
        r < 6
          ? {
              kind: "timeliness",
              unit: r < 4 ? "working_days" : "calendar_days",
              threshold: String(3 + (i % 10)),
              measure: "",
            }
          : r < 8
            ? { kind: "satisfaction", unit: "top_two_box", threshold: "", measure: "" }
            : {
                kind: "measured",
                unit: r === 8 ? "value_max" : "value_min",
                threshold: "50",
                measure: "mg/L",
              };
      kinds.push(k);
      const change = i % 20 === 1 ? "strengthened" : i % 20 === 2 ? "retired" : i % 20 === 3 ? "new" : "none";
      return [
        `P${String(i + 1).padStart(5, "0")}`,
        depts[i % depts.length],
        `S${i % 4}`,
        i % 5 === 0 ? "internal" : "external",
        k.kind === "timeliness" ? "efficiency" : "quality",
        k.kind,
        `"Pledge ${i + 1}, as promised"`,
        `承諾${i + 1}`,
        "0.9",
        k.threshold,
        k.unit,
        k.measure,
        "2023-01-01",
        change,
        change === "none" ? "" : "2025-01-01",
        change === "strengthened" ? "0.85" : "",
        "",
      ].join(",");
    },
  );
  const ofKind = (kind: string) =>
    kinds.flatMap((k, i) => (k.kind === kind ? [`P${String(i + 1).padStart(5, "0")}`] : []));
  const timely = ofKind("timeliness");
  const sat = ofKind("satisfaction");
  const meas = ofKind("measured");
  await writeLines(
    path.join(dir, "transactions.csv"),
    "pledge_id,received_at,completed_at",
    N.transactions,
    () => {
      const at = START + Math.floor(rand() * SPAN);
      return `${pick(timely)},${iso(at)},${iso(at + Math.floor(rand() * 15 * 86_400_000))}`;
    },
  );
  await writeLines(
    path.join(dir, "survey_responses.csv"),
    "pledge_id,submitted_at,score",
    N.responses,
    () => {
      return `${pick(sat)},${iso(START + Math.floor(rand() * SPAN))},${1 + Math.floor(rand() * 5)}`;
    },
  );
  await writeLines(path.join(dir, "readings.csv"), "pledge_id,taken_at,value", N.readings, () => {
    return `${pick(meas)},${iso(START + Math.floor(rand() * SPAN))},${(rand() * 60).toFixed(2)}`;
  });
}

async function main() {
  const dir = values.dir!;
  console.log(`Writing ${dir} …`);
  await generate(dir);
  const dbFile = path.join(dir, "..", `${path.basename(dir)}.sqlite`);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
  const db = createDb(dbFile);
  try {
    await migrateToLatest(db);
    for (const round of ["first load", "same folder again"]) {
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 100);
      const t0 = Date.now();
      const r = await importGovernment(db, dir, {
        onFileDone: (e) =>
          console.log(
            `  ${e.pass.padEnd(5)} ${e.file.padEnd(22)} ${String(e.rows).padStart(8)} rows ${String(e.ms).padStart(7)} ms ${e.ms ? Math.round((e.rows / e.ms) * 1000) : "-"} rows/s`,
          ),
      });
      clearInterval(timer);
      const ms = Date.now() - t0;
      if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 5)));
      console.log(
        `${round}: ${(ms / 1000).toFixed(1)} s; ${JSON.stringify(r.counts)}; memory growth ${Math.round((peak - rss0) / 1048576)} MB`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
