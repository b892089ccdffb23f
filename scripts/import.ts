/**
 * `npm run import -- DIR`: loads a government's folder of CSV files (docs/import-format.md) into
 * the database, all or nothing, without the web or the worker running; then brings the stored
 * results of the pledges it changed up to date, and ends. Progress goes to stderr; a refused load
 * prints each problem (file, line, column, reason) and exits 1.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { type ImportProgress, importGovernment } from "../app/models/imports/import.server";
import { recomputeStoredResults } from "../app/models/pledges/stored-results.server";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { runCli, UsageError } from "./cli";

const USAGE = "Usage: npm run import -- DIR [--locale en|zh-HK]";

/** "1 m 05 s" from seconds. */
function duration(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m} m ${String(Math.round(s % 60)).padStart(2, "0")} s` : `${Math.round(s)} s`;
}

/** A progress line: rows read and stored, and the time left judged from the bytes read so far. */
export function progressLine(p: ImportProgress, elapsedMs: number): string {
  const share = p.totalBytes ? p.bytesRead / p.totalBytes : 0;
  const left = share > 0.01 ? duration(((elapsedMs / share) * (1 - share)) / 1000) : "…";
  return `${p.file}: ${p.rowsRead.toLocaleString("en")} rows read, ${p.rowsStored.toLocaleString("en")} stored, ${Math.round(share * 100)}%, about ${left} left`;
}

runCli("import", async () => {
  let parsed: { values: { locale?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      strict: true,
      allowPositionals: true,
      options: { locale: { type: "string", default: "en" } },
    });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(USAGE);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`Not a folder: ${dir}\n${USAGE}`);
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    const started = Date.now();
    let last = 0;
    const r = await importGovernment(db, dir, {
      locale: values.locale,
      onProgress: (p) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        console.error(progressLine(p, Date.now() - started));
      },
    });
    if (!r.ok) {
      console.error(`Refused: nothing was stored. ${r.errors.length} problem(s):`);
      for (const e of r.errors) {
        const where = [e.file, e.line === null ? null : `line ${e.line}`, e.column]
          .filter(Boolean)
          .join(", ");
        console.error(`${where ? `${where}: ` : ""}${e.message}`);
      }
      return 1;
    }
    const loaded = Date.now();
    console.error(
      `Stored in ${duration((loaded - started) / 1000)}: ${Object.entries(r.counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ")}${r.unchanged ? " (nothing new)" : ""}.`,
    );
    const results = await recomputeStoredResults(db, { pledgeIds: r.changedPledgeIds });
    console.log(
      `Imported ${dir}: ${Object.entries(r.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(
          ", ",
        )}; results of ${results.pledges} pledge(s) recomputed (${results.rows} rows) in ${duration((Date.now() - loaded) / 1000)}.`,
    );
  } finally {
    await db.destroy();
  }
  return 0;
});
