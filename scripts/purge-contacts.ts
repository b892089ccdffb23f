/** `npm run purge:contacts`: deletes contact details of cases closed longer ago than each department allows. */
import { purgeClosedContacts } from "../app/models/case.server";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { parseCliArgs, runCli } from "./cli";

runCli("purge:contacts", async () => {
  parseCliArgs({ options: {} }, "Usage: npm run purge:contacts");
  const db = createDb(loadEnv().DATABASE_URL);
  try {
    await migrateToLatest(db);
    const n = await purgeClosedContacts(db);
    console.log(`Contact details deleted from ${n} closed case(s).`);
  } finally {
    await db.destroy();
  }
  return 0;
});
