/**
 * The nightly backup (ADR 0010): the same backup as `npm run backup`, taken by the worker, and
 * only the newest BACKUP_KEEP kept. On Postgres it does nothing and says so: pg_dump's job.
 */
import path from "node:path";
import { attachmentsDir } from "../../app/models/cases/intake.server";
import type { Env } from "../../app/utils/env.server";
import { createBackup, describeBackup, pruneBackups } from "../../db/backup";
import { dbKind, sqlitePath } from "../../db/client";

export type BackupEnv = Pick<Env, "DATABASE_URL" | "DATA_DIR" | "BACKUP_DIR" | "BACKUP_KEEP" | "PII_KEY">;

export async function runNightlyBackup(
  env: BackupEnv,
  ctx: { log: (message: string) => void },
): Promise<{ backup: string | null; deleted: number; attachmentProblems: number; ms: number }> {
  if (dbKind(env.DATABASE_URL) === "postgres") {
    ctx.log("Postgres: nothing to do here; back up with pg_dump (README, Backups).");
    return { backup: null, deleted: 0, attachmentProblems: 0, ms: 0 };
  }
  const started = performance.now();
  const { dir, manifest } = await createBackup({
    dbFile: sqlitePath(env.DATABASE_URL),
    attachmentsDir: attachmentsDir(env.DATA_DIR),
    backupDir: env.BACKUP_DIR,
    piiKey: env.PII_KEY,
  });
  const ms = Math.round(performance.now() - started);
  ctx.log(describeBackup(dir, manifest, ms));
  const deleted = await pruneBackups(env.BACKUP_DIR, env.BACKUP_KEEP);
  if (deleted.length > 0) ctx.log(`deleted ${deleted.join(", ")}`);
  return {
    backup: path.basename(dir),
    deleted: deleted.length,
    attachmentProblems: manifest.attachmentProblems.length,
    ms,
  };
}
