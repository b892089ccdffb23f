import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffFileType } from "../../app/models/cases/attachments.server";
import { bullPrefix, QUEUES } from "../../app/models/queues/definitions";
import { parseEnv } from "../../app/utils/env.server";
import { keyFingerprint, listBackups, type Manifest, verifyBackup } from "../../db/backup";
import { createDb, type Db } from "../../db/client";
import { producerConnection, workerConnection } from "../../jobs/connection";
import { JOBS, TIMEZONE } from "../../jobs/definitions";
import { buildProcessors } from "../../jobs/processors/registry";
import { type RunningWorker, startWorker, upsertSchedules } from "../../jobs/worker";
import { lodgeComplaint, type Reply } from "../setup/citizen";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { TEST_PII_KEY } from "../setup/global-setup";
import { type RunningServer, startServer } from "../setup/server";
import { until } from "../setup/wait";

const TEMPLATE_DB = path.resolve(".cache/test/template.sqlite");

/** Runs `npm run backup` / `npm run restore` as they run in production: their own process. */
function runScript(
  script: "backup" | "restore",
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const base = { ...process.env };
  for (const k of ["DATABASE_URL", "DATA_DIR", "BACKUP_DIR", "BACKUP_KEEP", "PII_KEY"]) delete base[k];
  const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d.toString();
  });
  child.stderr.on("data", (d) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}

/** Rows per table, as a user of the database would count them. */
function rowCounts(file: string): Record<string, number> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const names = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      names.map((n) => [n, db.prepare(`select count(*) from "${n}"`).pluck().get() as number]),
    );
  } finally {
    db.close();
  }
}

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

describe("backups of a SQLite deployment", () => {
  let work: string;
  let server: RunningServer;
  let live: Db;
  let backupDir: string;
  let backupRun: { code: number | null; out: string };
  const replies: Reply[] = [];
  let before: { cases: number; attachments: number };
  let during: { cases: number; attachments: number };
  let backup: string;

  const counts = async () => {
    const [cases, attachments] = await Promise.all(
      (["cases", "case_attachments"] as const).map(async (t) =>
        Number(
          (
            await live
              .selectFrom(t)
              .select((eb) => eb.fn.countAll().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    );
    return { cases: cases!, attachments: attachments! };
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-backup-"));
    backupDir = path.join(work, "backups");
    server = await startServer({ PII_KEY: TEST_PII_KEY }, { demoActivity: true });
    live = createDb(server.dbPath);
    const dept = await live
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const service = await live
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", dept.id)
      .orderBy("code")
      .executeTakeFirstOrThrow();
    // Every complaint from an address of its own (the public form is limited per address).
    let n = 0;
    const lodge = async () => {
      const i = n++;
      const address = `127.1.${Math.floor(i / 200)}.${(i % 200) + 1}`;
      replies.push(
        await lodgeComplaint(server.baseUrl, address, { departmentId: dept.id, serviceId: service.id, n: i }),
      );
    };
    // A few complaints with attachments first, then three citizens at a time go on lodging them
    // while `npm run backup` runs.
    for (let i = 0; i < 5; i++) await lodge();
    let loading = true;
    const load = [1, 2, 3].map(async () => {
      while (loading) await lodge();
    });
    await until("complaints under way", async () => replies.length >= 10);
    before = await counts();
    backupRun = await runScript("backup", [], {
      DATA_DIR: path.dirname(server.dbPath),
      DATABASE_URL: server.dbPath,
      BACKUP_DIR: backupDir,
      PII_KEY: TEST_PII_KEY,
    });
    during = await counts();
    loading = false;
    await Promise.all(load);
    backup = path.join(backupDir, listBackups(backupDir)[0] ?? "none");
  }, 120_000);

  afterAll(async () => {
    await live?.destroy();
    await server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("copies the database and its attachments under write load; restored, it is the same", async () => {
    expect(backupRun.code, backupRun.out).toBe(0);
    expect(backupRun.out).toMatch(/^Backup .*pledge-\d{8}T\d{6}Z: database and \d+ attachment\(s\)/m);
    // The load was real and never failed: complaints were stored while the backup ran.
    expect(replies.every((r) => r.status === 303)).toBe(true);
    expect(during.cases).toBeGreaterThan(before.cases);
    const after = await counts();

    expect(listBackups(backupDir)).toHaveLength(1);
    const manifest = await verifyBackup(backup);
    // At least every row committed before the backup started, at most what was there after.
    expect(manifest.tables.cases).toBeGreaterThanOrEqual(before.cases);
    expect(manifest.tables.cases).toBeLessThanOrEqual(after.cases);
    expect(manifest.tables.case_attachments).toBeGreaterThanOrEqual(before.attachments);
    // One snapshot: every complaint in it has its one attachment row (none half-stored).
    expect(manifest.tables.cases! - manifest.tables.case_attachments!).toBe(
      before.cases - before.attachments,
    );
    expect(manifest.attachmentProblems).toEqual([]);
    expect(manifest.files).toHaveLength(1 + manifest.tables.case_attachments!);
    expect(manifest.piiKeyFingerprint).toBe(keyFingerprint(TEST_PII_KEY));

    const restored = path.join(work, "restored");
    const run = await runScript("restore", [backup], { DATA_DIR: restored });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain("Restored the backup of");
    // The key is never in a backup: the restore says how to put it back.
    expect(run.out).toContain(`put the PII key back (fingerprint ${keyFingerprint(TEST_PII_KEY)})`);

    const file = path.join(restored, "pledge.sqlite");
    const db = new SQLite(file, { fileMustExist: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
    const restoredCounts = rowCounts(file);
    expect(restoredCounts).toEqual(manifest.tables);
    expect(restoredCounts.cases).toBeGreaterThanOrEqual(before.cases);

    // Every attachment the restored rows name opens, with the bytes the citizen sent.
    const rdb = createDb(file);
    try {
      const rows = await rdb
        .selectFrom("case_attachments")
        .select(["stored_name", "sha256", "size"])
        .execute();
      expect(rows.length).toBeGreaterThanOrEqual(before.attachments);
      for (const a of rows) {
        const bytes = fs.readFileSync(path.join(restored, "attachments", a.stored_name));
        const original = fs.readFileSync(
          path.join(path.dirname(server.dbPath), "attachments", a.stored_name),
        );
        expect(bytes.equals(original)).toBe(true);
        expect(sha256(bytes)).toBe(a.sha256);
        expect(bytes.length).toBe(a.size);
        expect(sniffFileType(bytes)?.mime).toBe("image/png");
      }
    } finally {
      await rdb.destroy();
    }
  });

  it("refuses to restore into a data directory that is not empty", async () => {
    const target = path.join(work, "in-use");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "pledge.sqlite"), "the live database");
    const run = await runScript("restore", [backup], { DATA_DIR: target });
    expect(run.code).toBe(1);
    expect(run.out).toContain(`The data directory ${target} is not empty`);
    expect(fs.readdirSync(target)).toEqual(["pledge.sqlite"]);
    expect(fs.readFileSync(path.join(target, "pledge.sqlite"), "utf8")).toBe("the live database");
  });

  it("refuses a backup whose files do not match their checksums, and writes nothing", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(backup, "manifest.json"), "utf8")) as Manifest;
    const attachment = manifest.files.find((f) => f.path.startsWith("attachments/"))!.path;
    const cases: [string, (dir: string) => void, string][] = [
      [
        "an attachment changed",
        (dir) => {
          const f = path.join(dir, attachment);
          const bytes = fs.readFileSync(f);
          bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
          fs.writeFileSync(f, bytes);
        },
        `${attachment}: checksum does not match`,
      ],
      [
        "the database changed",
        (dir) => fs.appendFileSync(path.join(dir, "pledge.sqlite"), Buffer.alloc(4096)),
        "pledge.sqlite: checksum does not match",
      ],
      ["an attachment removed", (dir) => fs.rmSync(path.join(dir, attachment)), `${attachment}: missing`],
      [
        "a file added",
        (dir) => fs.writeFileSync(path.join(dir, "attachments", "extra.pdf"), "%PDF-1.4"),
        "attachments/extra.pdf: not in the manifest",
      ],
    ];
    for (const [what, tamper, message] of cases) {
      const copy = path.join(work, `tampered-${crypto.randomBytes(4).toString("hex")}`);
      fs.cpSync(backup, copy, { recursive: true });
      tamper(copy);
      const target = path.join(work, `target-${crypto.randomBytes(4).toString("hex")}`);
      const run = await runScript("restore", [copy], { DATA_DIR: target });
      expect({ what, code: run.code }).toEqual({ what, code: 1 });
      expect(run.out).toContain("does not match its manifest");
      expect(run.out).toContain(message);
      expect(fs.existsSync(target)).toBe(false);
    }
  });

  it("on Postgres, explains pg_dump and pg_restore and exits non-zero", async () => {
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test", DATA_DIR: path.join(work, "pg") };
    const backupRun = await runScript("backup", [], env);
    expect(backupRun.code).toBe(2);
    expect(backupRun.out).toContain("pg_dump -Fc");
    const restoreRun = await runScript("restore", [backup], env);
    expect(restoreRun.code).toBe(2);
    expect(restoreRun.out).toContain("pg_restore");
  });
});

describe("the nightly backup in the worker", () => {
  let dir: string;
  let worker: RunningWorker | undefined;
  let db: Db;
  const prefix = testPrefix();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-nightly-"));
    fs.copyFileSync(TEMPLATE_DB, path.join(dir, "pledge.sqlite"));
    db = createDb(path.join(dir, "pledge.sqlite"));
  });
  afterAll(async () => {
    await worker?.close();
    await db.destroy();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is scheduled once at 02:30 Hong Kong time, and keeps the newest BACKUP_KEEP", async () => {
    const env = parseEnv({
      DATA_DIR: dir,
      BACKUP_KEEP: "2",
      PII_KEY: TEST_PII_KEY,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    expect(env.BACKUP_DIR).toBe(path.join(dir, "backups"));
    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.maintenance, { connection, prefix: bullPrefix(prefix) });
    const events = new QueueEvents(QUEUES.maintenance, {
      connection: workerConnection(TEST_REDIS_URL),
      prefix: bullPrefix(prefix),
    });
    try {
      await events.waitUntilReady();
      // Three worker starts: still one schedule.
      for (let i = 0; i < 3; i++) await upsertSchedules({ [QUEUES.maintenance]: queue });
      const nightly = (await queue.getJobSchedulers()).filter((s) => s.key === "backup-nightly");
      expect(nightly.map((s) => [s.name, s.pattern, s.tz])).toEqual([
        [JOBS.backupNightly, "30 2 * * *", TIMEZONE],
      ]);
      // 02:30 in Hong Kong is 18:30 UTC.
      expect(new Date(Number(nightly[0]!.next)).toISOString()).toMatch(/T18:30:00\.000Z$/);

      worker = await startWorker({
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix,
        log: () => undefined,
        processors: buildProcessors({ db, env, mailer: null }),
      });
      const results: { backup: string; deleted: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const job = await queue.add(JOBS.backupNightly, {});
        results.push(await job.waitUntilFinished(events, 30_000));
      }
      expect(results.map((r) => r.deleted)).toEqual([0, 0, 1]);
      const kept = listBackups(env.BACKUP_DIR);
      expect(kept).toEqual([results[1]!.backup, results[2]!.backup]);
      for (const name of kept) await verifyBackup(path.join(env.BACKUP_DIR, name));
    } finally {
      await events.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
