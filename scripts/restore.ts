/**
 * `npm run restore -- <backup folder>`: restores a backup made by `npm run backup` into an EMPTY
 * data directory (DATA_DIR; the database goes to DATABASE_URL). Refuses a data directory that is
 * not empty and a backup whose files do not match its manifest; exits 1 then, with the reason.
 * A bare folder name is looked up under BACKUP_DIR. On Postgres it explains pg_restore, exits 2.
 */
import fs from "node:fs";
import path from "node:path";
import { EnvError, parseStorageEnv } from "../app/utils/env.server";
import { BackupError, keyFingerprint, POSTGRES_BACKUP_HELP, restoreBackup } from "../db/backup";
import { dbKind, sqlitePath } from "../db/client";

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.length !== 1) {
    console.error("Usage: npm run restore -- <backup folder>   (into an empty DATA_DIR)");
    return 2;
  }
  const env = parseStorageEnv(process.env);
  if (dbKind(env.DATABASE_URL) === "postgres") {
    console.error(POSTGRES_BACKUP_HELP);
    return 2;
  }
  const arg = args[0]!;
  const from = fs.existsSync(arg) ? path.resolve(arg) : path.join(env.BACKUP_DIR, arg);
  if (!fs.existsSync(from)) throw new BackupError(`No backup at ${arg}.`);
  const manifest = await restoreBackup({ from, dataDir: env.DATA_DIR, dbFile: sqlitePath(env.DATABASE_URL) });
  const cases = manifest.tables.cases ?? 0;
  console.log(
    `Restored the backup of ${manifest.createdAt} into ${env.DATA_DIR}: ${cases} case(s), ` +
      `${manifest.files.length - 1} attachment(s); checksums, integrity check and row counts verified.`,
  );
  if (manifest.attachmentProblems.length > 0)
    console.log(
      `Note: ${manifest.attachmentProblems.length} attachment(s) were already missing or changed when the backup was taken.`,
    );
  // Contact details need the key they were encrypted with, which no backup holds (ADR 0007).
  const want = manifest.piiKeyFingerprint;
  if (want) {
    const key = process.env.PII_KEY;
    if (!key)
      console.log(
        `Before starting, put the PII key back (fingerprint ${want}): set PII_KEY, or copy the old ` +
          `pii-key file to ${path.join(env.DATA_DIR, "pii-key")}. Without it contact details cannot be read.`,
      );
    else if (keyFingerprint(key) !== want)
      console.log(
        `WARNING: PII_KEY is not the key of this backup (fingerprint ${keyFingerprint(key)}, backup ${want}): contact details will not decrypt.`,
      );
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(e instanceof BackupError || e instanceof EnvError ? e.message : e);
  process.exitCode = 1;
}
