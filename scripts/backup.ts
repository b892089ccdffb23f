/**
 * `npm run backup`: a consistent online copy of the SQLite database and the attachments it names,
 * with a manifest of sha256 checksums, in a new folder under BACKUP_DIR (default
 * `<DATA_DIR>/backups`); then only the newest BACKUP_KEEP backups are kept. Safe while the web
 * process and the worker run. On Postgres it explains pg_dump and exits 2 (ADR 0010).
 */
import fs from "node:fs";
import path from "node:path";
import { attachmentsDir } from "../app/models/cases/intake.server";
import { EnvError, parseStorageEnv } from "../app/utils/env.server";
import { BackupError, createBackup, describeBackup, POSTGRES_BACKUP_HELP, pruneBackups } from "../db/backup";
import { dbKind, sqlitePath } from "../db/client";

/** The PII key in use, for the manifest's fingerprint: PII_KEY, or the generated file if there is one. */
function piiKey(dataDir: string): string | null {
  if (process.env.PII_KEY) return process.env.PII_KEY;
  try {
    return fs.readFileSync(path.join(dataDir, "pii-key"), "utf8").trim();
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const env = parseStorageEnv(process.env);
  if (dbKind(env.DATABASE_URL) === "postgres") {
    console.error(POSTGRES_BACKUP_HELP);
    return 2;
  }
  const started = performance.now();
  const { dir, manifest } = await createBackup({
    dbFile: sqlitePath(env.DATABASE_URL),
    attachmentsDir: attachmentsDir(env.DATA_DIR),
    backupDir: env.BACKUP_DIR,
    piiKey: piiKey(env.DATA_DIR),
  });
  console.log(describeBackup(dir, manifest, performance.now() - started));
  const removed = await pruneBackups(env.BACKUP_DIR, env.BACKUP_KEEP);
  if (removed.length > 0)
    console.log(`Deleted ${removed.length} older backup(s) (BACKUP_KEEP=${env.BACKUP_KEEP}).`);
  console.log("The PII key is not in the backup (ADR 0007): keep a copy of it somewhere else.");
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(e instanceof BackupError || e instanceof EnvError ? e.message : e);
  process.exitCode = 1;
}
