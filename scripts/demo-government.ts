/**
 * `npm run demo:government -- [--departments 75] [--pledges 1200] [--months 36] [--end YYYY-MM]
 * [--rows 19] [--seed 1] [--out DIR] [--no-load]`: writes a synthetic government in the registry
 * import format (docs/import-format.md; db/demo-government.ts) and loads it into the database
 * (DATABASE_URL, or the SQLite file in DATA_DIR), as `npm run import -- DIR` would: the files,
 * then every stored result. The same options write the same files; `--end` defaults to the last
 * complete month, so that the demo's figures are current.
 */
import path from "node:path";
import { importGovernment } from "../app/models/imports/import.server";
import { recomputeStoredResults } from "../app/models/pledges/stored-results.server";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { writeGovernment } from "../db/demo-government";
import { migrateToLatest } from "../db/migrate";
import { parseCliArgs, runCli, UsageError } from "./cli";

const USAGE =
  "Usage: npm run demo:government -- [--departments 75] [--pledges 1200] [--months 36] [--end YYYY-MM] [--rows 19] [--seed 1] [--out DIR] [--no-load]";

function lastCompleteMonth(): string {
  const hk = new Date(Date.now() + 8 * 3600_000);
  return new Date(Date.UTC(hk.getUTCFullYear(), hk.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

function whole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.\n${USAGE}`);
  return n;
}

runCli("demo:government", async () => {
  const { values } = parseCliArgs(
    {
      options: {
        departments: { type: "string" },
        pledges: { type: "string" },
        months: { type: "string" },
        end: { type: "string" },
        rows: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        "no-load": { type: "boolean" },
      },
    },
    USAGE,
  );
  const end = values.end ?? lastCompleteMonth();
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(end))
    throw new UsageError(`--end must be a month as YYYY-MM.\n${USAGE}`);
  const departments = whole("departments", values.departments, 75, 1, 1000);
  const options = {
    departments,
    pledges: whole("pledges", values.pledges, 1200, departments, 100_000),
    months: whole("months", values.months, 36, 1, 240),
    end,
    rowsPerMonth: whole("rows", values.rows, 19, 0, 10_000),
    seed: whole("seed", values.seed, 1, 0, 2 ** 31),
  };
  const env = loadEnv();
  const out = path.resolve(values.out ?? path.join(env.DATA_DIR, "demo-government"));
  let t0 = performance.now();
  const written = await writeGovernment(out, options);
  console.log(`Wrote ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
  for (const [file, rows] of Object.entries(written.rows)) console.log(`  ${file.padEnd(22)} ${rows} rows`);
  if (values["no-load"]) return 0;

  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    t0 = performance.now();
    let last = 0;
    const loaded = await importGovernment(db, out, {
      onProgress: (p) => {
        const now = performance.now();
        if (now - last < 1000) return;
        last = now;
        const share = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
        const elapsed = (now - t0) / 1000;
        const left = share > 0.02 ? ` about ${Math.round(elapsed / share - elapsed)} s left` : "";
        process.stderr.write(`  ${p.file}: ${p.rowsRead} rows read, ${p.rowsStored} stored;${left}\n`);
      },
    });
    if (!loaded.ok) {
      for (const e of loaded.errors)
        console.error(
          `${e.file}${e.line ? `, line ${e.line}` : ""}${e.column ? `, ${e.column}` : ""}: ${e.message}`,
        );
      console.error("Nothing was stored.");
      return 1;
    }
    console.log(`Loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
    t0 = performance.now();
    const r = await recomputeStoredResults(db, { pledgeIds: loaded.changedPledgeIds });
    console.log(
      `Stored ${r.rows} results of ${r.pledges} pledges in ${((performance.now() - t0) / 1000).toFixed(1)} s. ` +
        "The central bureau's figures: /central/overview.",
    );
  } finally {
    await db.destroy();
  }
  return 0;
});
