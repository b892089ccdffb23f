import { pathToFileURL } from "node:url";
import { lastCompleteMonths } from "../app/models/calendar/periods";
import { hkMonth } from "../app/models/calendar/time";
import { recomputeAllStoredResults } from "../app/models/pledges/stored-results.server";
import { hashPassword } from "../app/models/staff/accounts.server";
import { CASE_HANDLING_TEMPLATE, CSAT5_TEMPLATE } from "../app/models/surveys/templates";
import type { Db } from "./client";
import { seedDemoCases } from "./seed-cases";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEPARTMENTS } from "./seed-data";
import { seedFeedbackActivity } from "./seed-feedback";
import { seedLiaisonGroups } from "./seed-liaison";
import { seedActivity, seedPledges } from "./seed-pledges";

// A fixed instant so demo data (and screenshots of it) are the same on every machine.
const SEEDED_AT = "2026-01-01T00:00:00.000Z";

export async function isEmpty(db: Db): Promise<boolean> {
  const count = async (table: "departments" | "staff_users") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  // A database with an administrator (npm run admin:create) but no department yet is not empty:
  // a later `npm start` must not pour the demo over it.
  return (await count("departments")) === 0 && (await count("staff_users")) === 0;
}

export interface SeedOptions {
  /**
   * also twelve months of transactions, cases, responses and readings behind the annex pledges,
   * and a year of the demo department's complaint cases in every state (seed-cases.ts)
   */
  activity?: boolean;
  /** the key that encrypts demo complainants' contact details */
  piiKey?: string;
  today?: Date;
}

/**
 * Inserts the demo departments, services, accounts, surveys and annex pledges; skips what exists.
 * With `activity`, adds the twelve months of data the pledges are measured by.
 */
export async function seed(
  db: Db,
  options: SeedOptions = {},
): Promise<{ departments: number; accounts: number }> {
  const today = options.today ?? new Date();
  const result = await seedBase(db);
  const months = lastCompleteMonths(hkMonth(today), 12);
  await seedPledges(db, `${months[0]}-01`);
  if (options.activity) {
    await seedActivity(db, options.piiKey ?? "", today);
    await seedFeedbackActivity(db, today);
    await seedDemoCases(db, options.piiKey ?? "", today);
    await seedLiaisonGroups(db, today);
  }
  // The pages read stored results: the demo starts with them brought up to date.
  await recomputeAllStoredResults(db, { now: today });
  return result;
}

async function seedBase(db: Db): Promise<{ departments: number; accounts: number }> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let accounts = 0;
  let departments = 0;
  await db.transaction().execute(async (trx) => {
    const ids = new Map<string, number>();
    for (const d of DEPARTMENTS) {
      let row = await trx
        .selectFrom("departments")
        .select("id")
        .where("code", "=", d.code)
        .executeTakeFirst();
      if (!row) {
        row = await trx
          .insertInto("departments")
          .values({ code: d.code, name_en: d.en, name_zh: d.zh, created_at: SEEDED_AT })
          .returning("id")
          .executeTakeFirstOrThrow();
        departments++;
        await trx
          .insertInto("services")
          .values(
            d.services.map((s) => ({
              department_id: row!.id,
              code: s.code,
              name_en: s.en,
              name_zh: s.zh,
              created_at: SEEDED_AT,
            })),
          )
          .execute();
      }
      ids.set(d.code, row.id);
    }
    for (const d of DEPARTMENTS) {
      await seedSurvey(trx, ids.get(d.code)!, `${d.code.toLowerCase()}csat`, CSAT5_TEMPLATE, true);
      await seedSurvey(trx, ids.get(d.code)!, `${d.code.toLowerCase()}case`, CASE_HANDLING_TEMPLATE, false);
      // The case-handling survey is the one a closed case's complainant is invited to (a setting
      // each department administrator can change on /admin/case-settings).
      await trx
        .insertInto("department_settings")
        .columns(["department_id", "closure_survey_id", "updated_at"])
        .expression((eb) =>
          eb
            .selectFrom("surveys")
            .select(["department_id", "id", eb.val(SEEDED_AT).as("updated_at")])
            .where("slug", "=", `${d.code.toLowerCase()}case`),
        )
        .onConflict((oc) => oc.column("department_id").doNothing())
        .execute();
    }
    for (const a of DEMO_ACCOUNTS) {
      const exists = await trx
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", a.username)
        .executeTakeFirst();
      if (exists) continue;
      await trx
        .insertInto("staff_users")
        .values({
          username: a.username,
          display_name: a.displayName,
          role: a.role,
          department_id: a.department ? (ids.get(a.department) ?? null) : null,
          password_hash: passwordHash,
          email: a.email,
          is_active: 1,
          created_at: SEEDED_AT,
          updated_at: SEEDED_AT,
        })
        .execute();
      accounts++;
    }
  });
  return { departments, accounts };
}

/**
 * One published satisfaction survey per department, from the template, with a web and a counter
 * collection point. Codes are derived from the department code so links in demos stay the same.
 */
async function seedSurvey(
  trx: Db,
  departmentId: number,
  slug: string,
  template: typeof CSAT5_TEMPLATE | typeof CASE_HANDLING_TEMPLATE,
  withCounter: boolean,
) {
  if (await trx.selectFrom("surveys").select("id").where("slug", "=", slug).executeTakeFirst()) return;
  const survey = await trx
    .insertInto("surveys")
    .values({
      department_id: departmentId,
      service_id: null,
      slug,
      status: "published",
      current_version_id: null,
      created_by: null,
      created_at: SEEDED_AT,
      updated_at: SEEDED_AT,
      published_at: SEEDED_AT,
      listed: withCounter ? 1 : 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const version = await trx
    .insertInto("survey_versions")
    .values({
      survey_id: survey.id,
      version_no: 1,
      title_en: template.titleEn,
      title_zh: template.titleZh,
      intro_en: template.introEn,
      intro_zh: template.introZh,
      created_at: SEEDED_AT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [position, q] of template.questions.entries()) {
    await trx
      .insertInto("survey_questions")
      .values({
        version_id: version.id,
        position,
        question_key: q.key,
        type: q.type,
        required: q.required ? 1 : 0,
        prompt_en: q.promptEn,
        prompt_zh: q.promptZh,
        max_length: null,
      })
      .execute();
  }
  await trx
    .updateTable("surveys")
    .set({ current_version_id: version.id })
    .where("id", "=", survey.id)
    .execute();
  await trx
    .insertInto("collection_points")
    .values([
      {
        survey_id: survey.id,
        code: withCounter ? `${slug}web` : `${slug}mail`,
        name_en: withCounter ? "Web" : "Case closure e-mail",
        name_zh: withCounter ? "網上" : "結案電郵",
        channel: withCounter ? "web" : "email",
        is_active: 1,
        created_at: SEEDED_AT,
      },
      ...(withCounter
        ? [
            {
              survey_id: survey.id,
              code: `${slug}ctr`,
              name_en: "Main counter",
              name_zh: "主櫃位",
              channel: "counter" as const,
              is_active: 1,
              created_at: SEEDED_AT,
            },
          ]
        : []),
    ])
    .execute();
}

/** The sign-in details printed at start-up. */
export function demoAccountsText(): string {
  const rows = DEMO_ACCOUNTS.map(
    (a) => `  ${a.username.padEnd(14)} ${a.role.padEnd(18)} ${a.department ?? "(all)"}`,
  );
  return `Demo accounts (password for each: ${DEMO_PASSWORD}):\n${rows.join("\n")}`;
}

async function main(): Promise<undefined> {
  const { parseCliArgs } = await import("../scripts/cli");
  parseCliArgs({ options: {} }, "Usage: npm run db:seed");
  const { loadEnv } = await import("../app/utils/env.server");
  const { createDb } = await import("./client");
  const { migrateToLatest } = await import("./migrate");
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    const r = await seed(db, { activity: true, piiKey: env.PII_KEY });
    console.log(`Seeded ${r.departments} departments and ${r.accounts} accounts.`);
    console.log(demoAccountsText());
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void import("../scripts/cli").then(({ runCli }) => runCli("db:seed", main));
}
