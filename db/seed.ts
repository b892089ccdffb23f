import { pathToFileURL } from "node:url";
import { hashPassword } from "../app/models/staff.server";
import type { Db } from "./client";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEPARTMENTS } from "./seed-data";

// A fixed instant so demo data (and screenshots of it) are the same on every machine.
const SEEDED_AT = "2026-01-01T00:00:00.000Z";

export async function isEmpty(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("departments")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0) === 0;
}

/** Inserts the demo departments, services and accounts in one transaction; skips what exists. */
export async function seed(db: Db): Promise<{ departments: number; accounts: number }> {
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

/** The sign-in details printed at start-up. */
export function demoAccountsText(): string {
  const rows = DEMO_ACCOUNTS.map(
    (a) => `  ${a.username.padEnd(14)} ${a.role.padEnd(18)} ${a.department ?? "(all)"}`,
  );
  return `Demo accounts (password for each: ${DEMO_PASSWORD}):\n${rows.join("\n")}`;
}

async function main() {
  const { loadEnv } = await import("../app/utils/env.server");
  const { createDb } = await import("./client");
  const { migrateToLatest } = await import("./migrate");
  const db = createDb(loadEnv().DATABASE_URL);
  try {
    await migrateToLatest(db);
    const r = await seed(db);
    console.log(`Seeded ${r.departments} departments and ${r.accounts} accounts.`);
    console.log(demoAccountsText());
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
