import { hkDate } from "../app/models/calendar/time";
import type { Db } from "./client";

/**
 * Demo liaison groups (issue 16): the Immigration Department's customer liaison group and user
 * committee, meeting every quarter over the last three years, so that the review's evidence for
 * "liaison groups" has something to show; and a Hongkong Post committee that was disbanded.
 * Dates are counted back from `today`; skipped for a department that already has a group.
 */
const GROUPS = [
  {
    department: "IMMD",
    kind: "liaison-group" as const,
    en: "Identity Card and Passport Customer Liaison Group",
    zh: "身份證及護照顧客聯絡小組",
    services: ["ID-CARD", "PASSPORT"],
    active: 1,
    meetings: 12,
    everyMonths: 3,
    topics: [
      ["Waiting times at the Kowloon office", "九龍辦事處的輪候時間"],
      ["Online appointment booking", "網上預約服務"],
      ["Replacement of lost passports", "補領遺失護照"],
    ],
  },
  {
    department: "IMMD",
    kind: "user-committee" as const,
    en: "Birth Registration User Committee",
    zh: "出生登記用戶委員會",
    services: ["BIRTH-REG"],
    active: 1,
    meetings: 6,
    everyMonths: 6,
    topics: [
      ["Registration at hospitals", "在醫院辦理登記"],
      ["Forms in plain language", "以淺白語言撰寫表格"],
    ],
  },
  {
    department: "HKP",
    kind: "user-committee" as const,
    en: "Speedpost Business Users Committee",
    zh: "特快專遞商業用戶委員會",
    services: ["SPEEDPOST"],
    active: 0,
    meetings: 2,
    everyMonths: 12,
    topics: [["Collection times for business customers", "商業顧客的收件時間"]],
  },
];

/** YYYY-MM-15 of the month `monthsBack` months before today's (Hong Kong) month. */
function dayMonthsBack(today: Date, monthsBack: number): string {
  const [y, m] = hkDate(today).split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) - monthsBack;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-15`;
}

export async function seedLiaisonGroups(db: Db, today: Date): Promise<void> {
  const createdAt = new Date(Date.UTC(today.getUTCFullYear() - 3, 0, 1)).toISOString();
  await db.transaction().execute(async (trx) => {
    for (const g of GROUPS) {
      const dept = await trx
        .selectFrom("departments")
        .select("id")
        .where("code", "=", g.department)
        .executeTakeFirst();
      if (!dept) continue;
      const has = await trx
        .selectFrom("liaison_groups")
        .select("id")
        .where("department_id", "=", dept.id)
        .where("name_en", "=", g.en)
        .executeTakeFirst();
      if (has) continue;
      const group = await trx
        .insertInto("liaison_groups")
        .values({
          department_id: dept.id,
          kind: g.kind,
          name_en: g.en,
          name_zh: g.zh,
          is_active: g.active,
          created_at: createdAt,
          created_by: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const services = await trx
        .selectFrom("services")
        .select("id")
        .where("department_id", "=", dept.id)
        .where("code", "in", g.services)
        .execute();
      if (services.length > 0)
        await trx
          .insertInto("liaison_group_services")
          .values(services.map((s) => ({ group_id: group.id, service_id: s.id })))
          .execute();
      // The newest meeting last month (a disbanded group's a year or more ago), then back in steps.
      const first = g.active ? 1 : 12;
      await trx
        .insertInto("liaison_meetings")
        .values(
          Array.from({ length: g.meetings }, (_, i) => {
            const [en, zh] = g.topics[i % g.topics.length] as [string, string];
            return {
              group_id: group.id,
              met_on: dayMonthsBack(today, first + i * g.everyMonths),
              summary_en: `Members discussed: ${en.toLowerCase()}. The department will report back at the next meeting.`,
              summary_zh: `委員討論：${zh}。部門會在下次會議匯報跟進。`,
              created_at: createdAt,
              created_by: null,
            };
          }),
        )
        .execute();
    }
  });
}
