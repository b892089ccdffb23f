import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { submitComplaint } from "~/models/cases/intake.server";
import { QUEUES, queueOptions } from "../../app/models/queues/definitions";
import { producerConnection } from "../../jobs/connection";
import { JOBS, TIMEZONE } from "../../jobs/definitions";
import { deletePrefix, TEST_REDIS_URL, testPrefix } from "../setup/context";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { until } from "../setup/wait";
import { spawnWorker, type WorkerProcess } from "../setup/worker-process";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]);

/** The worker process runs the retention purge nightly, on one schedule however often it starts. */
describe.each(DB_KINDS)("the nightly retention job [%s]", (kind) => {
  let t: TestDb;
  let dataDir: string;
  let prefix: string;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    t = await freshDb(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-retention-"));
    prefix = testPrefix();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop("SIGKILL");
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await t.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("one 03:00 Hong Kong schedule after two worker starts; its job deletes a long-closed case's contacts and files", async () => {
    const immd = await t.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const r = await submitComplaint(
      t.db,
      TEST_PII_KEY,
      dataDir,
      {
        department: String(immd.id),
        service: "",
        whatHappened: "Lost form",
        desiredOutcome: "",
        name: "Chan",
        email: "chan@example.com",
        phone: "",
        consent: "yes",
        language: "en",
      },
      [{ name: "a.png", size: PNG.byteLength, bytes: PNG }],
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    await t.db
      .updateTable("cases")
      .set({ status: "closed", closed_at: new Date(Date.now() - 800 * 86_400_000).toISOString() })
      .where("id", "=", r.caseId)
      .execute();
    expect(fs.readdirSync(path.join(dataDir, "attachments"))).toHaveLength(1);

    const env = {
      DATABASE_URL: t.processUrl,
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PII_KEY: TEST_PII_KEY,
    };
    workers.push(await spawnWorker(env));
    workers.push(await spawnWorker(env));

    const connection = producerConnection(TEST_REDIS_URL);
    const queue = new Queue(QUEUES.maintenance, queueOptions(connection, prefix));
    try {
      const schedulers = await until("the schedules", async () => {
        const s = await queue.getJobSchedulers();
        return s.length > 3 && s;
      });
      expect(
        schedulers
          .map((s) => ({ key: s.key, name: s.name, pattern: s.pattern, tz: s.tz }))
          .sort((a, b) => a.key.localeCompare(b.key)),
      ).toEqual([
        { key: "backup-nightly", name: JOBS.backupNightly, pattern: "30 2 * * *", tz: TIMEZONE },
        { key: "results-nightly", name: JOBS.resultsNightly, pattern: "30 3 * * *", tz: TIMEZONE },
        { key: "results-refresh-every-20s", name: JOBS.resultsRefresh, pattern: undefined, tz: undefined },
        { key: "retention-nightly", name: JOBS.retentionPurge, pattern: "0 3 * * *", tz: TIMEZONE },
      ]);
      // Tonight's run, now.
      await queue.add(JOBS.retentionPurge, {});
      const c = await until("the case's contacts purged", async () => {
        const row = await t.db
          .selectFrom("cases")
          .select(["purged_at", "contact_email_enc"])
          .where("id", "=", r.caseId)
          .executeTakeFirstOrThrow();
        return row.purged_at ? row : undefined;
      });
      expect(c.contact_email_enc).toBeNull();
      expect(fs.readdirSync(path.join(dataDir, "attachments"))).toEqual([]);
      expect(
        await t.db
          .selectFrom("outbox_messages")
          .select("id")
          .where("complainant_case_id", "=", r.caseId)
          .execute(),
      ).toEqual([]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);
});
