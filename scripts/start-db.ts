/**
 * What `npm start` does to the database before it starts the web and the worker: migrate, then,
 * for the demo, seed an empty database (departments, demo accounts, a year of activity) and build
 * last month's reports. `npm start -- --no-demo` and `npm run start:web` never seed: a production
 * database starts empty, and its first account comes from `npm run admin:create`.
 */
import type { Db } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { demoAccountsText, isEmpty, seed } from "../db/seed";
import { DEMO_ACCOUNTS } from "../db/seed-data";
import { monthJustEnded, runDepartmentReport, runGovernmentSummary } from "../jobs/processors/reports";

/** Lines to print: what was done to the database. */
export async function prepareDatabase(db: Db, options: { demo: boolean; piiKey: string }): Promise<string[]> {
  await migrateToLatest(db);
  const empty = await isEmpty(db);
  if (!options.demo) {
    return empty
      ? [
          "No demo data (--no-demo): the database is empty.",
          "Create the first administrator with: npm run admin:create -- --username NAME",
        ]
      : [];
  }
  if (!empty) {
    // The demo's database, started again: remind who can sign in. Another database: nothing to say.
    const demo = await db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", DEMO_ACCOUNTS[0].username)
      .executeTakeFirst();
    return demo ? [demoAccountsText()] : [];
  }
  const r = await seed(db, { activity: true, piiKey: options.piiKey });
  const lines = [`First start: seeded ${r.departments} departments and ${r.accounts} demo accounts.`];
  // Last month's reports, as the worker's monthly run would have made them on the 1st, so
  // managers find one in their inbox (/reports) straight away.
  const month = monthJustEnded();
  const deps = { db, piiKey: options.piiKey };
  const departments = await db.selectFrom("departments").select("id").execute();
  for (const d of departments) await runDepartmentReport(deps, { departmentId: d.id, month });
  await runGovernmentSummary(deps, { month });
  lines.push(`Generated the monthly reports for ${month}.`, demoAccountsText());
  return lines;
}
