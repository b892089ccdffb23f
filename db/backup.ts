/**
 * Backups of a SQLite deployment (ADR 0010): a consistent online copy of the database (SQLite's
 * backup API, while the web process and the worker keep writing), the attachments its rows name,
 * and a manifest with the sha256 of every file. `npm run backup`, the worker's nightly job and
 * `npm run restore` call these. Postgres deployments use pg_dump / pg_restore instead.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import SQLite from "better-sqlite3";
import { SQLITE_BUSY_TIMEOUT_MS } from "./client";

export const BACKUP_FORMAT = "pledge-backup/1";
export const MANIFEST = "manifest.json";
/** The database's name inside a backup, whatever it was called in DATABASE_URL. */
export const BACKUP_DB = "pledge.sqlite";
export const BACKUP_ATTACHMENTS = "attachments";

export const POSTGRES_BACKUP_HELP =
  "DATABASE_URL is a Postgres database: back it up with pg_dump and restore with pg_restore, e.g.\n" +
  '  pg_dump -Fc -f pledge-$(date +%Y%m%dT%H%M%S).dump "$DATABASE_URL"\n' +
  '  pg_restore --no-owner -d "$NEW_DATABASE_URL" pledge-….dump\n' +
  "and copy the attachments directory under DATA_DIR beside it (README, Backups).";

/** A refusal or failure the scripts print as it is (no stack): it says what to do. */
export class BackupError extends Error {}

export interface ManifestFile {
  /** relative to the backup folder, with "/" */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  /** when the database copy was taken (ISO, UTC) */
  createdAt: string;
  database: typeof BACKUP_DB;
  /** rows per table in the copy */
  tables: Record<string, number>;
  files: ManifestFile[];
  /** attachments the database names that the data directory lacked, or held changed */
  attachmentProblems: { storedName: string; problem: "missing" | "changed" }[];
  /** a one-way fingerprint of the PII key the contact details need (the key is never in a backup) */
  piiKeyFingerprint: string | null;
}

const NAME_RE = /^pledge-\d{8}T\d{6}Z(-\d+)?$/;
/** What our upload code names attachments; anything else in a row is not a path we follow. */
const STORED_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** A fingerprint of a PII key: enough to tell two keys apart, nothing about the key. */
export function keyFingerprint(key: string): string {
  return crypto.createHash("sha256").update(`pledge pii-key fingerprint\n${key}`).digest("hex").slice(0, 16);
}

const sha256 = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

async function fileSha256(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Flushes a file or directory to disk (a backup that is not on disk is not a backup). */
async function fsyncPath(p: string): Promise<void> {
  const handle = await fsp.open(p, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** Rows per table (our own tables, named by the database itself). */
function tableCounts(db: SQLite.Database): Record<string, number> {
  const names = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
  const out: Record<string, number> = {};
  for (const name of names) {
    out[name] = db
      .prepare(`select count(*) from "${name.replaceAll('"', '""')}"`)
      .pluck()
      .get() as number;
  }
  return out;
}

function checkIntegrity(db: SQLite.Database, what: string): void {
  const result = db.pragma("integrity_check", { simple: true });
  if (result !== "ok") throw new BackupError(`${what} failed SQLite's integrity check: ${String(result)}`);
}

/**
 * An attachment's bytes: its final name, or its `.part` name in the instant between a complaint's
 * commit and the rename that follows it (cases/intake.server.ts); waits up to `waitMs` for either.
 */
async function readAttachment(dir: string, storedName: string, waitMs: number): Promise<Buffer | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const name of [storedName, `${storedName}.part`]) {
      try {
        return await fsp.readFile(path.join(dir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CreateBackupOptions {
  /** the live SQLite file */
  dbFile: string;
  /** the live attachments directory (`<DATA_DIR>/attachments`) */
  attachmentsDir: string;
  /** where backup folders go (BACKUP_DIR) */
  backupDir: string;
  /** the PII key in use, for the manifest's fingerprint only */
  piiKey?: string | null;
  now?: () => Date;
  /** how long to wait for an attachment the database names (see readAttachment) */
  attachmentWaitMs?: number;
}

/**
 * Takes a backup into a new folder `<backupDir>/pledge-<UTC time>`: written under `.partial`,
 * checked, flushed, then renamed, so a folder with the final name is always complete.
 *
 * The database is copied page by page through SQLite's backup API in one step: one read
 * transaction, so the copy is the database as of one instant, while other processes keep
 * writing (WAL: readers do not block writers). Attachments are then copied for every
 * case_attachments row of that copy, and checked against the sha256 stored in the row.
 */
export async function createBackup(
  options: CreateBackupOptions,
): Promise<{ dir: string; manifest: Manifest }> {
  const now = options.now ?? (() => new Date());
  if (!fs.existsSync(options.dbFile))
    throw new BackupError(`No database at ${options.dbFile}: nothing to back up.`);
  await fsp.mkdir(options.backupDir, { recursive: true, mode: 0o700 });
  const startedAt = now();
  let name = `pledge-${stamp(startedAt)}`;
  for (let n = 1; fs.existsSync(path.join(options.backupDir, name)); n++)
    name = `pledge-${stamp(startedAt)}-${n}`;
  const final = path.join(options.backupDir, name);
  const work = `${final}.partial`;
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(path.join(work, BACKUP_ATTACHMENTS), { recursive: true, mode: 0o700 });
  try {
    const copy = path.join(work, BACKUP_DB);
    const source = new SQLite(options.dbFile, { fileMustExist: true });
    try {
      source.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      // Every page in one step: a single snapshot (a copy made in steps restarts whenever
      // another process writes between them, and may never finish under load).
      await source.backup(copy, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    fs.chmodSync(copy, 0o600);

    const db = new SQLite(copy, { fileMustExist: true });
    let tables: Record<string, number>;
    let attachments: { stored_name: string; sha256: string }[];
    try {
      // One self-contained file: no -wal beside it.
      db.pragma("journal_mode = DELETE");
      checkIntegrity(db, "The copy of the database");
      tables = tableCounts(db);
      attachments =
        "case_attachments" in tables
          ? (db.prepare("select stored_name, sha256 from case_attachments order by id").all() as {
              stored_name: string;
              sha256: string;
            }[])
          : [];
    } finally {
      db.close();
    }

    const attachmentProblems: Manifest["attachmentProblems"] = [];
    const files: ManifestFile[] = [{ path: BACKUP_DB, ...(await fileSha256(copy)) }];
    for (const a of attachments) {
      if (!STORED_NAME_RE.test(a.stored_name))
        throw new BackupError(`Unexpected attachment name: ${a.stored_name}`);
      const bytes = await readAttachment(
        options.attachmentsDir,
        a.stored_name,
        options.attachmentWaitMs ?? 2000,
      );
      if (!bytes) {
        attachmentProblems.push({ storedName: a.stored_name, problem: "missing" });
        continue;
      }
      const hash = sha256(bytes);
      if (hash !== a.sha256) {
        attachmentProblems.push({ storedName: a.stored_name, problem: "changed" });
        continue;
      }
      const rel = `${BACKUP_ATTACHMENTS}/${a.stored_name}`;
      await fsp.writeFile(path.join(work, rel), bytes, { flag: "wx", mode: 0o600 });
      files.push({ path: rel, bytes: bytes.length, sha256: hash });
    }

    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: startedAt.toISOString(),
      database: BACKUP_DB,
      tables,
      files,
      attachmentProblems,
      piiKeyFingerprint: options.piiKey ? keyFingerprint(options.piiKey) : null,
    };
    await fsp.writeFile(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    for (const f of files) await fsyncPath(path.join(work, f.path));
    await fsyncPath(path.join(work, MANIFEST));
    await fsyncPath(path.join(work, BACKUP_ATTACHMENTS));
    await fsyncPath(work);
    await fsp.rename(work, final);
    await fsyncPath(options.backupDir);
    return { dir: final, manifest };
  } catch (e) {
    await fsp.rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** Every file under a folder, relative with "/", sorted. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Reads a backup's manifest and checks every file against it: present, same size, same sha256,
 * and nothing that the manifest does not list. Throws a BackupError naming what differs.
 */
export async function verifyBackup(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await fsp.readFile(path.join(dir, MANIFEST), "utf8")) as Manifest;
  } catch {
    throw new BackupError(`${dir} is not a Pledge backup: no readable ${MANIFEST}.`);
  }
  if (manifest?.format !== BACKUP_FORMAT || !Array.isArray(manifest.files))
    throw new BackupError(`${dir}: ${MANIFEST} is not a ${BACKUP_FORMAT} manifest.`);
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    const safe =
      typeof f.path === "string" &&
      (f.path === BACKUP_DB ||
        (f.path.startsWith(`${BACKUP_ATTACHMENTS}/`) &&
          STORED_NAME_RE.test(f.path.slice(BACKUP_ATTACHMENTS.length + 1))));
    if (!safe) {
      problems.push(`${String(f.path)}: not a path a backup holds`);
      continue;
    }
    listed.add(f.path);
    const file = path.join(dir, f.path);
    if (!fs.existsSync(file)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const actual = await fileSha256(file);
    if (actual.bytes !== f.bytes || actual.sha256 !== f.sha256)
      problems.push(`${f.path}: checksum does not match (sha256 ${actual.sha256}, manifest ${f.sha256})`);
  }
  if (!listed.has(BACKUP_DB)) problems.push(`${BACKUP_DB}: not in the manifest`);
  for (const rel of await filesUnder(dir)) {
    if (rel !== MANIFEST && !listed.has(rel)) problems.push(`${rel}: not in the manifest`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).map((p) => `  ${p}`);
    if (problems.length > 20) shown.push(`  … and ${problems.length - 20} more`);
    throw new BackupError(
      `The backup ${dir} does not match its manifest; it has been changed or damaged and is not restored:\n${shown.join("\n")}`,
    );
  }
  return manifest;
}

export interface RestoreOptions {
  /** the backup folder */
  from: string;
  /** DATA_DIR: must be empty or not exist */
  dataDir: string;
  /** the SQLite file to create (DATABASE_URL); must not exist */
  dbFile: string;
}

/**
 * Restores a backup into an empty data directory: checks the backup against its manifest first,
 * copies the database and the attachments, checks the copies again (sha256, SQLite's integrity
 * check, rows per table as the manifest says) and turns WAL back on. On any failure what it
 * wrote is removed and the data directory is left as it was found.
 */
export async function restoreBackup(options: RestoreOptions): Promise<Manifest> {
  const dataDir = path.resolve(options.dataDir);
  const dbFile = path.resolve(options.dbFile);
  const dataDirExisted = fs.existsSync(dataDir);
  if (dataDirExisted && fs.readdirSync(dataDir).length > 0)
    throw new BackupError(
      `The data directory ${dataDir} is not empty: restore only into an empty or new directory. ` +
        "Stop the web process and the worker, move the current data directory aside, then restore.",
    );
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    if (fs.existsSync(f)) throw new BackupError(`${f} already exists: restore never overwrites a database.`);
  }
  const manifest = await verifyBackup(options.from);

  const written: string[] = [];
  try {
    await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
    await fsp.mkdir(path.dirname(dbFile), { recursive: true });
    const attachments = manifest.files.filter((f) => f.path !== BACKUP_DB);
    if (attachments.length > 0) {
      const dir = path.join(dataDir, BACKUP_ATTACHMENTS);
      await fsp.mkdir(dir, { mode: 0o700 });
      written.push(dir);
    }
    for (const f of manifest.files) {
      const target = f.path === BACKUP_DB ? dbFile : path.join(dataDir, f.path);
      await fsp.copyFile(path.join(options.from, f.path), target, fs.constants.COPYFILE_EXCL);
      written.push(target);
      await fsp.chmod(target, 0o600);
      const actual = await fileSha256(target);
      if (actual.sha256 !== f.sha256) throw new BackupError(`${target}: the copy differs from the backup.`);
      await fsyncPath(target);
    }
    const db = new SQLite(dbFile, { fileMustExist: true });
    try {
      checkIntegrity(db, "The restored database");
      const tables = tableCounts(db);
      if (JSON.stringify(tables) !== JSON.stringify(manifest.tables))
        throw new BackupError("The restored database does not have the rows the manifest lists.");
      db.pragma("journal_mode = WAL");
    } finally {
      db.close();
    }
    return manifest;
  } catch (e) {
    for (const p of written.reverse()) await fsp.rm(p, { recursive: true, force: true });
    for (const f of [`${dbFile}-wal`, `${dbFile}-shm`]) await fsp.rm(f, { force: true });
    if (!dataDirExisted) await fsp.rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** The complete backups in a folder, oldest first (folder names sort by time). */
export function listBackups(backupDir: string): string[] {
  if (!fs.existsSync(backupDir)) return [];
  return fs
    .readdirSync(backupDir, { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && NAME_RE.test(e.name) && fs.existsSync(path.join(backupDir, e.name, MANIFEST)),
    )
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/**
 * Keeps the newest `keep` backups and deletes the others, and any `.partial` folder left by a
 * backup that died more than a day ago. Returns the names deleted.
 */
export async function pruneBackups(
  backupDir: string,
  keep: number,
  now: Date = new Date(),
): Promise<string[]> {
  const all = listBackups(backupDir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of removed) await fsp.rm(path.join(backupDir, name), { recursive: true, force: true });
  if (fs.existsSync(backupDir)) {
    for (const e of fs.readdirSync(backupDir, { withFileTypes: true })) {
      if (!e.isDirectory() || !e.name.endsWith(".partial") || !NAME_RE.test(e.name.slice(0, -8))) continue;
      const p = path.join(backupDir, e.name);
      if (now.getTime() - fs.statSync(p).mtimeMs > 24 * 3600_000) {
        await fsp.rm(p, { recursive: true, force: true });
        removed.push(e.name);
      }
    }
  }
  return removed;
}

/** One line about a backup, for the script's and the job's output. */
export function describeBackup(dir: string, manifest: Manifest, ms: number): string {
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const problems = manifest.attachmentProblems.length;
  return (
    `Backup ${dir}: database and ${manifest.files.length - 1} attachment(s), ` +
    `${(bytes / 1024 / 1024).toFixed(1)} MB, in ${(ms / 1000).toFixed(2)} s` +
    (problems > 0 ? `; WARNING: ${problems} attachment(s) missing or changed (see ${MANIFEST})` : "")
  );
}
