import type { Db } from "../../../db/client";
import { tFor } from "../../utils/meta";
import { recordAudit } from "../audit/audit.server";
import { hkDate } from "../calendar/time";
import { type ActivityFile, activityKindOf, checkActivityRow } from "./activity";
import { ACTIVITY_FILES, type ImportError, type ImportFile, type ImportProblem } from "./format";
import { activityTargets, loadActivityFile } from "./load-activity.server";
import { loadRegistry } from "./load-registry.server";
import { readRegistry } from "./registry.server";
import { eachRow, filesIn, Problems } from "./table.server";

/*
 * A government's folder loaded all or nothing (issue 12, docs/import-format.md): every file is
 * read as a stream and checked first (nothing written); only when no row has a problem is it
 * read again and stored in ONE transaction. Loading the same folder again stores nothing.
 */

export interface ImportProgress {
  file: string;
  rowsRead: number;
  rowsStored: number;
  /** bytes to read over both passes (each file is read twice: checked, then stored) */
  totalBytes: number;
  bytesRead: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** the language of the error messages (en, zh-HK) */
  locale?: string;
  /** the import's date (HK) dates the new version of a changed pledge; tests set it */
  now?: Date;
  /** hears of each file done, per pass (benchmarks: rows per second per file) */
  onFileDone?: (e: { file: string; pass: "check" | "store"; rows: number; ms: number }) => void;
}

export type ImportOutcome =
  | { ok: true; counts: Record<string, number>; changedPledgeIds: number[]; unchanged: boolean }
  | { ok: false; errors: ImportError[] };

const COUNT_OF: Record<ActivityFile, string> = {
  "transactions.csv": "transactions",
  "survey_responses.csv": "survey_responses",
  "readings.csv": "readings",
};

/** A problem in the reader's language. */
export function translateProblems(problems: readonly ImportProblem[], locale = "en"): ImportError[] {
  const t = tFor(locale);
  return problems.map((p) => ({
    file: p.file,
    line: p.line,
    column: p.column,
    message: t(`registryImport.errors.${p.key}`, {
      ...p.values,
      file: p.file,
      interpolation: { escapeValue: false },
    }),
  }));
}

/** The problems of a refused load, with a last line counting those not listed. */
export function listedProblems(problems: Problems): ImportProblem[] {
  if (problems.count <= problems.list.length) return problems.list;
  return [
    ...problems.list,
    {
      file: "",
      line: null,
      column: null,
      key: "moreErrors",
      values: { count: problems.count - problems.list.length },
    },
  ];
}

/** Checks the folder's files, then stores them (ADR 0014); refused with every problem found. */
export async function importGovernment(
  db: Db,
  dir: string,
  opts: ImportOptions = {},
): Promise<ImportOutcome> {
  const r = await runImport(db, dir, opts);
  if (r.ok) return r;
  return { ok: false, errors: translateProblems(r.problems, opts.locale) };
}

/** As importGovernment, with the problems as keys (the worker stores them, the page translates them). */
export async function runImport(
  db: Db,
  dir: string,
  opts: Omit<ImportOptions, "locale"> & {
    onPhase?: (phase: "validating" | "loading") => Promise<void> | void;
  } = {},
): Promise<
  | { ok: true; counts: Record<string, number>; changedPledgeIds: number[]; unchanged: boolean }
  | { ok: false; problems: ImportProblem[] }
> {
  const now = opts.now ?? new Date();
  const problems = new Problems();
  const files = filesIn(dir, problems);
  const progress: ImportProgress = {
    file: "",
    rowsRead: 0,
    rowsStored: 0,
    totalBytes: 2 * [...files.values()].reduce((n, f) => n + f.bytes, 0),
    bytesRead: 0,
  };
  let last = 0;
  const report = (force = false) => {
    const t = Date.now();
    if (!opts.onProgress || (!force && t - last < 200)) return;
    last = t;
    opts.onProgress({ ...progress });
  };
  const onBytes = (n: number) => {
    progress.bytesRead += n;
    report();
  };
  const onRows = (n: number) => {
    progress.rowsRead += n;
  };
  if (problems.count) return { ok: false, problems: listedProblems(problems) };
  if (files.size === 0)
    return { ok: false, problems: [{ file: "", line: null, column: null, key: "noFiles" }] };

  // ---- First pass: check everything, write nothing ----
  await opts.onPhase?.("validating");
  progress.file = "pledges.csv";
  let fileStart = Date.now();
  const reg = await readRegistry(db, files, problems, onBytes, onRows);
  opts.onFileDone?.({ file: "registry", pass: "check", rows: progress.rowsRead, ms: Date.now() - fileStart });
  const kindOf = (code: string) => {
    const stored = reg.stored.pledges.get(code);
    return reg.pledges.get(code)?.kind ?? (stored ? activityKindOf(stored.version) : undefined);
  };
  if (!problems.count) {
    for (const file of ACTIVITY_FILES) {
      const f = files.get(file);
      if (!f) continue;
      progress.file = file;
      fileStart = Date.now();
      const before = progress.rowsRead;
      await eachRow(
        file,
        f.path,
        problems,
        (get, line) => {
          progress.rowsRead++;
          const c = checkActivityRow(file, get, line, kindOf);
          if (!c.ok) for (const p of c.problems) problems.add(p);
          else if (file === "survey_responses.csv" && !reg.pledges.has(c.item.pledge)) {
            // a stored satisfaction pledge needs a five-point question to store answers in
            const v = reg.stored.pledges.get(c.item.pledge)?.version;
            if (!v?.survey_id)
              problems.add({
                file,
                line,
                column: "pledge_id",
                key: "noSurvey",
                values: { value: c.item.pledge },
              });
          }
        },
        onBytes,
      );
      opts.onFileDone?.({
        file,
        pass: "check",
        rows: progress.rowsRead - before,
        ms: Date.now() - fileStart,
      });
    }
  }
  report(true);
  if (problems.count) return { ok: false, problems: listedProblems(problems) };

  // ---- Second pass: store, all or nothing ----
  await opts.onPhase?.("loading");
  const registryBytes = (["departments.csv", "services.csv", "pledges.csv"] as ImportFile[]).reduce(
    (n, f) => n + (files.get(f)?.bytes ?? 0),
    0,
  );
  // The registry (thousands of rows) in one transaction; the activity in batches of its own (ADR
  // 0014): everything was checked above, so a bad file has stored nothing, and a load cut short
  // (a crash) is completed by loading the same folder again, the stored rows skipped by their keys.
  // One transaction for 800,000 rows would hold SQLite's write lock for a minute, and the
  // citizens' complaints and survey answers written meanwhile would fail.
  const result = await (async (trx: Db) => {
    fileStart = Date.now();
    const written = await trx.transaction().execute((t) => loadRegistry(t, reg, hkDate(now), now));
    opts.onFileDone?.({ file: "registry", pass: "store", rows: written.pledges, ms: Date.now() - fileStart });
    progress.bytesRead += registryBytes;
    progress.rowsStored += written.departments + written.services + written.pledges;
    const changed = new Set(written.changedPledgeIds);
    const counts: Record<string, number> = {
      departments: written.departments,
      services: written.services,
      pledges: written.pledges,
      transactions: 0,
      survey_responses: 0,
      readings: 0,
    };
    const targets = await activityTargets(trx);
    for (const file of ACTIVITY_FILES) {
      const f = files.get(file);
      if (!f) continue;
      progress.file = file;
      fileStart = Date.now();
      const r = await loadActivityFile(trx, file, f.path, targets, now, {
        onBytes,
        onStored: (n) => {
          progress.rowsStored += n;
        },
      });
      counts[COUNT_OF[file]] = r.stored;
      opts.onFileDone?.({ file, pass: "store", rows: r.stored, ms: Date.now() - fileStart });
      for (const id of r.pledgeIds) changed.add(id);
    }
    const unchanged = Object.values(counts).every((n) => n === 0);
    if (!unchanged) {
      await recordAudit(trx, {
        action: "registry.import",
        actorUserId: null,
        departmentId: null,
        entityType: "registry_import",
        entityId: null,
        detail: counts,
      });
    }
    return { counts, changedPledgeIds: [...changed].sort((a, b) => a - b), unchanged };
  })(db);
  report(true);
  return { ok: true, ...result };
}
