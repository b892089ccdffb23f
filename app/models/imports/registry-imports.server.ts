import fs from "node:fs";
import path from "node:path";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { RegistryImport, RegistryImportStatus } from "../../../db/schema";
import { nowIso } from "../calendar/time";
import { recomputeStoredResults } from "../pledges/stored-results.server";
import { QUEUES, queueOptions, REGISTRY_IMPORT_JOB } from "../queues/definitions";
import type { ImportProblem } from "./format";
import { type ImportProgress, runImport, translateProblems } from "./import.server";
import { unzipImport } from "./unzip.server";

/*
 * An import of a government's folder through the page (/central/imports): the uploaded files are
 * kept under DATA_DIR/imports/<id>/, a `registry_imports` row tracks the import, and the worker's
 * `registry.import` job (payload: the id) unpacks a zip, loads the folder (importGovernment's
 * checks and load) writing its progress to the row every second, and brings the stored results up
 * to date. The page reads the row.
 */

/** Where the uploads of imports are kept. */
export function importsRoot(dataDir: string): string {
  return path.join(dataDir, "imports");
}

/** The folder of one import's uploaded files. */
export function importDir(dataDir: string, id: number): string {
  return path.join(importsRoot(dataDir), String(id));
}

/**
 * The progress of a running import, kept in a small file beside its uploads: on SQLite the
 * import's own transaction holds the write lock while it loads, so the row cannot be updated
 * until the end; a file can, and the page reads it.
 */
export function writeLiveProgress(dir: string, p: ImportProgress): void {
  try {
    const tmp = path.join(dir, "progress.json.tmp");
    fs.writeFileSync(tmp, JSON.stringify(p));
    fs.renameSync(tmp, path.join(dir, "progress.json"));
  } catch {
    // progress is a courtesy: a full disk must not fail the import
  }
}

export function readLiveProgress(dataDir: string, id: number): ImportProgress | null {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(importDir(dataDir, id), "progress.json"), "utf8"),
    ) as ImportProgress;
  } catch {
    return null;
  }
}

export async function createRegistryImport(
  db: Db,
  input: { files: string[]; totalBytes: number; createdBy: number | null },
): Promise<number> {
  const row = await db
    .insertInto("registry_imports")
    .values({
      status: "queued",
      files: JSON.stringify(input.files),
      total_bytes: input.totalBytes,
      created_at: nowIso(),
      errors: null,
      started_at: null,
      finished_at: null,
      created_by: input.createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getRegistryImport(db: Db, id: number): Promise<RegistryImport | undefined> {
  return db.selectFrom("registry_imports").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listRegistryImports(db: Db, limit = 20): Promise<RegistryImport[]> {
  return db.selectFrom("registry_imports").selectAll().orderBy("id", "desc").limit(limit).execute();
}

/** Adds the worker's job for an import (its id only); a fixed job id, so a double submit runs once. */
export async function enqueueRegistryImport(
  redis: Redis,
  redisPrefix: string,
  importId: number,
): Promise<void> {
  const queue = new Queue(QUEUES.imports, queueOptions(redis, redisPrefix));
  try {
    await queue.add(REGISTRY_IMPORT_JOB, { importId }, { jobId: `registry-import-${importId}`, attempts: 2 });
  } finally {
    await queue.close();
  }
}

/** An import whose job could not be queued (Redis down): failed, saying so; upload it again. */
export async function markQueueDown(db: Db, id: number): Promise<void> {
  await setStatus(db, id, "failed", {
    errors: JSON.stringify([{ file: "", line: null, column: null, key: "queueDown" }]),
    finished_at: nowIso(),
  });
}

async function setStatus(
  db: Db,
  id: number,
  status: RegistryImportStatus,
  extra: Partial<RegistryImport> = {},
) {
  await db
    .updateTable("registry_imports")
    .set({ status, ...extra })
    .where("id", "=", id)
    .execute();
}

/**
 * The worker's run of an import: unpack, check, load, recompute. A finished import (done or
 * refused) is left as it is, so a job run twice does the work once.
 */
export async function runRegistryImport(
  db: Db,
  opts: { dataDir: string; importId: number; log?: (m: string) => void; progressEveryMs?: number },
): Promise<{ status: RegistryImportStatus; counts?: Record<string, number> }> {
  const { importId: id } = opts;
  const row = await getRegistryImport(db, id);
  if (!row) throw new Error(`No registry import ${id}`);
  if (row.status === "done" || row.status === "refused") return { status: row.status };
  const dir = importDir(opts.dataDir, id);
  await setStatus(db, id, "validating", { started_at: nowIso(), errors: null });
  const refuse = async (problems: ImportProblem[]) => {
    await setStatus(db, id, "refused", { errors: JSON.stringify(problems), finished_at: nowIso() });
    return { status: "refused" as const };
  };
  try {
    let folder = dir;
    const zips = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith(".zip"))
      : [];
    if (zips.length) {
      folder = path.join(dir, "unzipped");
      fs.rmSync(folder, { recursive: true, force: true });
      const u = await unzipImport(path.join(dir, zips[0]!), folder);
      if (!u.ok) {
        fs.rmSync(dir, { recursive: true, force: true });
        return await refuse([u.problem]);
      }
      opts.log?.(`unzipped ${u.files.join(", ")}`);
    }
    let last = 0;
    const every = opts.progressEveryMs ?? 1000;
    const r = await runImport(db, folder, {
      onPhase: (phase) => setStatus(db, id, phase),
      onProgress: (p) => {
        if (Date.now() - last < every) return;
        last = Date.now();
        writeLiveProgress(dir, p);
      },
    });
    if (!r.ok) {
      const live = readLiveProgress(opts.dataDir, id);
      if (live)
        await setStatus(db, id, "validating", {
          rows_read: live.rowsRead,
          bytes_read: live.bytesRead,
          total_bytes: live.totalBytes,
        });
      fs.rmSync(dir, { recursive: true, force: true });
      return await refuse(r.problems);
    }
    const stored = Object.values(r.counts).reduce((a, b) => a + b, 0);
    const live = readLiveProgress(opts.dataDir, id);
    // "done" is said once the public results are recomputed, so a page that shows it shows what
    // is true. The uploads go after it: a job retried before then finds them still there.
    const results = await recomputeStoredResults(db, { pledgeIds: r.changedPledgeIds });
    await setStatus(db, id, "done", {
      rows_read: live?.rowsRead ?? 0,
      rows_stored: stored,
      total_bytes: live?.totalBytes ?? 0,
      bytes_read: live?.totalBytes ?? 0,
      finished_at: nowIso(),
    });
    fs.rmSync(dir, { recursive: true, force: true });
    opts.log?.(
      `import ${id}: ${JSON.stringify(r.counts)}; results of ${results.pledges} pledge(s) recomputed`,
    );
    return { status: "done", counts: r.counts };
  } catch (e) {
    await setStatus(db, id, "failed", {
      errors: JSON.stringify([{ file: "", line: null, column: null, key: "failed" }]),
      finished_at: nowIso(),
    }).catch(() => undefined);
    throw e;
  }
}

export interface RegistryImportView {
  id: number;
  status: RegistryImportStatus;
  files: string[];
  rowsRead: number;
  rowsStored: number;
  /** 0–100 */
  percent: number;
  /** seconds, while running and once it can be judged */
  secondsLeft: number | null;
  running: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  errors: { file: string; line: number | null; column: string | null; message: string }[];
}

/** An import as the page shows it, its errors in the reader's language. */
export function viewRegistryImport(
  row: RegistryImport,
  locale: string,
  live: ImportProgress | null = null,
  now = new Date(),
): RegistryImportView {
  const running = row.status === "queued" || row.status === "validating" || row.status === "loading";
  const p = running && live ? live : null;
  const total = p ? p.totalBytes : Number(row.total_bytes) || 0;
  const read = p ? p.bytesRead : Number(row.bytes_read) || 0;
  const share = row.status === "done" ? 1 : total ? Math.min(1, read / total) : 0;
  let secondsLeft: number | null = null;
  if (running && row.started_at && share > 0.01) {
    const elapsed = (now.getTime() - Date.parse(row.started_at)) / 1000;
    secondsLeft = Math.max(0, Math.round((elapsed / share) * (1 - share)));
  }
  const problems = row.errors ? (JSON.parse(row.errors) as ImportProblem[]) : [];
  return {
    id: row.id,
    status: row.status,
    files: JSON.parse(row.files) as string[],
    rowsRead: p ? p.rowsRead : Number(row.rows_read),
    rowsStored: p ? p.rowsStored : Number(row.rows_stored),
    percent: Math.round(share * 100),
    secondsLeft,
    running,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    errors: translateProblems(problems, locale),
  };
}
