/**
 * `npm run purge:contacts`: applies the retention periods now (the worker does it nightly at
 * 03:00): contact details, attachments and the complainant's e-mails in the outbox of cases closed
 * longer ago than their department keeps them; attachments and outbox copies older than
 * RETENTION_ATTACHMENT_DAYS / RETENTION_OUTBOX_DAYS (app/models/retention/purge.server.ts).
 */
import { purgeExpired } from "../app/models/retention/purge.server";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { parseCliArgs, runCli } from "./cli";

runCli("purge:contacts", async () => {
  parseCliArgs({ options: {} }, "Usage: npm run purge:contacts");
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    const r = await purgeExpired(db, {
      dataDir: env.DATA_DIR,
      attachmentDays: env.RETENTION_ATTACHMENT_DAYS,
      outboxDays: env.RETENTION_OUTBOX_DAYS,
    });
    console.log(
      `Contact details deleted from ${r.contacts} closed case(s); ${r.attachments} attachment(s) and ` +
        `${r.messages} e-mail(s) to complainants deleted; ${r.partFiles} unfinished upload(s) removed.`,
    );
  } finally {
    await db.destroy();
  }
  return 0;
});
