import { monthsBetween } from "~/models/calendar/periods";
import type { Db } from "../../db/client";

/*
 * Three departments with KNOWN evidence for a review period of 2018-01 to 2020-12 (the seed's
 * data lie in 2025–2026, outside it), built by direct inserts (test/integration/reviews.test.ts):
 *
 *            publishes  surveys  liaison  monthly  ad hoc  services      reviewed
 *   RVA      yes        yes      yes      yes      yes     yes (1/1)     yes
 *   RVB      no         no       no       no       no      no (1/2, 50%) yes
 *   RVC      no         no       no       no       no      no (none)     no
 *
 * Pledges over the period: RVA-1 (changed and improved in 2019), RVB-1 (new in 2019), RVC-1
 * (retired in 2019): 3 in force, 1 changed, 1 improved, 1 retired, 1 new. Stored results: RVA-1
 * all 36 months (30 met, 6 not met), RVB-1 2019-01 to 2020-11 (23 met).
 */
export const REVIEW_PERIOD = { from: "2018-01", to: "2020-12" } as const;
export const PERIOD_MONTHS = monthsBetween(REVIEW_PERIOD.from, REVIEW_PERIOD.to);
const AT = "2017-01-01T00:00:00.000Z";

export interface ReviewFixture {
  departments: { RVA: number; RVB: number; RVC: number };
  managers: { RVA: number; RVB: number };
  /** one report_reads row of RVA: deleting it leaves that month's report unread */
  rvaReportIds: number[];
}

async function department(db: Db, code: string) {
  const row = await db
    .insertInto("departments")
    .values({ code, name_en: `Review ${code}`, name_zh: `覆檢${code}`, created_at: AT })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function staff(db: Db, departmentId: number, username: string, role: "manager" | "department_admin") {
  const row = await db
    .insertInto("staff_users")
    .values({
      department_id: departmentId,
      username,
      display_name: username,
      role,
      password_hash: "x",
      is_active: 1,
      created_at: AT,
      updated_at: AT,
      last_sign_in_at: null,
      email: null,
      language: "en",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function service(db: Db, departmentId: number, code: string, isPublic: number) {
  const row = await db
    .insertInto("services")
    .values({
      department_id: departmentId,
      code,
      name_en: code,
      name_zh: code,
      is_public: isPublic,
      created_at: AT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function pledge(
  db: Db,
  p: {
    departmentId: number;
    serviceId: number;
    code: string;
    status: "published" | "retired";
    publishedAt: string;
    retiredAt?: string;
    versions: { from: string; reason: "initial" | "strengthened" }[];
  },
) {
  const row = await db
    .insertInto("pledges")
    .values({
      department_id: p.departmentId,
      service_id: p.serviceId,
      code: p.code,
      status: p.status,
      current_version_id: null,
      created_at: AT,
      updated_at: AT,
      published_at: p.publishedAt,
      retired_at: p.retiredAt ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  let versionId = 0;
  for (const [i, v] of p.versions.entries()) {
    const ver = await db
      .insertInto("pledge_versions")
      .values({
        pledge_id: row.id,
        version_no: i + 1,
        statement_en: "Within 10 days",
        statement_zh: "十天內",
        customer: "external",
        category: "efficiency",
        target_kind: "measured",
        target_share: 90,
        min_sample: 1,
        effective_from: v.from,
        change_reason: v.reason,
        created_at: AT,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    versionId = ver.id;
  }
  await db.updateTable("pledges").set({ current_version_id: versionId }).where("id", "=", row.id).execute();
  return { id: row.id, versionId };
}

async function results(db: Db, pledgeId: number, versionId: number, months: string[], notMet: number) {
  await db
    .insertInto("pledge_results")
    .values(
      months.map((month, i) => ({
        pledge_id: pledgeId,
        month,
        version_id: versionId,
        total: 10,
        compliant: i < notMet ? 5 : 10,
        target_share: 90,
        status: i < notMet ? ("not_met" as const) : ("met" as const),
        computed_at: AT,
      })),
    )
    .execute();
}

async function surveyResponses(db: Db, departmentId: number, slug: string, months: string[]) {
  const s = await db
    .insertInto("surveys")
    .values({
      department_id: departmentId,
      service_id: null,
      slug,
      status: "published",
      created_by: null,
      created_at: AT,
      updated_at: AT,
      published_at: AT,
      closed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const v = await db
    .insertInto("survey_versions")
    .values({
      survey_id: s.id,
      version_no: 1,
      title_en: slug,
      title_zh: slug,
      intro_en: "",
      intro_zh: "",
      created_at: AT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const month of months) {
    const at = `${month}-15T02:00:00.000Z`;
    await db
      .insertInto("survey_responses")
      .values({
        survey_id: s.id,
        version_id: v.id,
        department_id: departmentId,
        collection_point_id: null,
        channel: "web",
        language: "en",
        submitted_at: at,
        month,
        received_at: at,
        entered_by: null,
        batch_id: null,
      })
      .execute();
  }
}

async function reports(db: Db, departmentId: number, managerId: number, unreadMonths: string[]) {
  const ids: number[] = [];
  for (const month of PERIOD_MONTHS) {
    const r = await db
      .insertInto("monthly_reports")
      .values({ department_id: departmentId, month, data: "{}", generated_at: `${month}-28T00:00:00.000Z` })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(r.id);
    if (!unreadMonths.includes(month))
      await db
        .insertInto("report_reads")
        .values({
          report_id: r.id,
          user_id: managerId,
          read_at: `${month}-28T01:00:00.000Z`,
          acknowledged_at: null,
        })
        .execute();
  }
  return ids;
}

async function escalation(db: Db, departmentId: number, readBy: number | null) {
  const n = await db
    .insertInto("notifications")
    .values({
      department_id: departmentId,
      kind: "important_feedback",
      entity_type: "feedback",
      entity_id: 900_000 + departmentId,
      created_at: "2019-02-10T03:00:00.000Z",
      emailed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (readBy)
    await db
      .insertInto("notification_reads")
      .values({ notification_id: n.id, user_id: readBy, read_at: "2019-02-11T03:00:00.000Z" })
      .execute();
}

/** Deactivates every seeded department (so the shares count only these three) and builds them. */
export async function buildReviewFixture(db: Db): Promise<ReviewFixture> {
  await db.updateTable("departments").set({ is_active: 0 }).execute();
  const RVA = await department(db, "RVA");
  const RVB = await department(db, "RVB");
  const RVC = await department(db, "RVC");
  const mA = await staff(db, RVA, "manager.rva", "manager");
  const mB = await staff(db, RVB, "manager.rvb", "manager");

  // RVA: every piece of evidence.
  const sA = await service(db, RVA, "RVA-S1", 1);
  await service(db, RVA, "RVA-INTERNAL", 0);
  const pA = await pledge(db, {
    departmentId: RVA,
    serviceId: sA,
    code: "RVA-1",
    status: "published",
    publishedAt: "2017-06-01T00:00:00.000Z",
    versions: [
      { from: "2017-06-01", reason: "initial" },
      { from: "2019-06-01", reason: "strengthened" },
    ],
  });
  await results(db, pA.id, pA.versionId, PERIOD_MONTHS, 6);
  await surveyResponses(db, RVA, "rva-survey", ["2018-03", "2019-03", "2020-03"]);
  const g = await db
    .insertInto("liaison_groups")
    .values({
      department_id: RVA,
      kind: "liaison-group",
      name_en: "Users",
      name_zh: "使用者",
      created_at: AT,
      created_by: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("liaison_meetings")
    .values({
      group_id: g.id,
      met_on: "2019-05-10",
      summary_en: "Met",
      summary_zh: "會面",
      created_at: AT,
      created_by: null,
    })
    .execute();
  const rvaReportIds = await reports(db, RVA, mA, []);
  await escalation(db, RVA, mA);

  // RVB: a pledge published in 2019 missing its last month's result; half its direct services pledged.
  const sB = await service(db, RVB, "RVB-S1", 1);
  await service(db, RVB, "RVB-S2", 1);
  const pB = await pledge(db, {
    departmentId: RVB,
    serviceId: sB,
    code: "RVB-1",
    status: "published",
    publishedAt: "2019-01-15T00:00:00.000Z",
    versions: [{ from: "2019-01-15", reason: "initial" }],
  });
  await results(db, pB.id, pB.versionId, monthsBetween("2019-01", "2020-11"), 0);
  // A gap of 28 months: not even every two years.
  await surveyResponses(db, RVB, "rvb-survey", ["2018-01", "2020-06"]);
  await reports(db, RVB, mB, ["2019-07"]);
  await escalation(db, RVB, null);

  // RVC: no direct services; a pledge on an internal service retired in 2019.
  const sC = await service(db, RVC, "RVC-INTERNAL", 0);
  await pledge(db, {
    departmentId: RVC,
    serviceId: sC,
    code: "RVC-1",
    status: "retired",
    publishedAt: "2016-01-01T00:00:00.000Z",
    retiredAt: "2019-03-01T00:00:00.000Z",
    versions: [{ from: "2016-01-01", reason: "initial" }],
  });

  return { departments: { RVA, RVB, RVC }, managers: { RVA: mA, RVB: mB }, rvaReportIds };
}
