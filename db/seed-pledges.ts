/**
 * Demo pledges: the annex's examples (seed-annex.ts) published, with twelve
 * months of activity to measure them by — service transactions, cases, survey responses and
 * quality readings — from a seeded random generator, so the same date gives the same data.
 */
import type { Insertable } from "kysely";
import { lastCompleteMonths } from "../app/models/calendar/periods";
import { hkMonth } from "../app/models/calendar/time";
import { createPledge } from "../app/models/pledges/registry.server";
import { recomputeAllStoredResults } from "../app/models/pledges/stored-results.server";
import { insertTransactions, transactionRow } from "../app/models/pledges/transactions.server";
import { loadVersion } from "../app/models/surveys/lookup.server";
import { insertResponse } from "../app/models/surveys/responses.server";
import type { Db } from "./client";
import type { QualityReadingTable } from "./schema";
import { ANNEX_PLEDGES, timeliness } from "./seed-annex";

/** A small seeded generator (mulberry32): the same seed gives the same demo data. */
function rng(seed: string) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Changes over the demo year, so the share of pledges changed (the paper's 30%: 20% strengthened,
 * 8% new, 3% retired) has something to count: two targets strengthened, one retired pledge.
 */
const STRENGTHENED: { code: string; before: number; month: number }[] = [
  { code: "HKP-LOCAL-MAIL", before: 95, month: 6 },
  { code: "IMMD-ID-CARD", before: 97, month: 4 },
];

async function seedChanges(db: Db, ids: Map<string, number>, months: string[]): Promise<void> {
  for (const c of STRENGTHENED) {
    const pledgeId = ids.get(c.code)!;
    const versions = await db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("pledge_id", "=", pledgeId)
      .orderBy("version_no")
      .execute();
    if (versions.length > 1) continue;
    const v1 = versions[0]!;
    const from = `${months[c.month]}-01`;
    const { id: _id, ...rest } = v1;
    await db
      .updateTable("pledge_versions")
      .set({ target_share: c.before, effective_to: from })
      .where("id", "=", v1.id)
      .execute();
    const v2 = await db
      .insertInto("pledge_versions")
      .values({
        ...rest,
        version_no: 2,
        change_reason: "strengthened",
        effective_from: from,
        effective_to: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("pledges").set({ current_version_id: v2.id }).where("id", "=", pledgeId).execute();
  }
  // A pledge made obsolete: telegrams are no longer sent, so the pledge about them was retired.
  if (!(await db.selectFrom("pledges").select("id").where("code", "=", "HKP-TELEGRAMS").executeTakeFirst())) {
    const hkp = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "HKP")
      .executeTakeFirstOrThrow();
    const counter = await db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", hkp.id)
      .where("code", "=", "COUNTER")
      .executeTakeFirstOrThrow();
    const id = await createPledge(
      db,
      { id: null },
      hkp.id,
      "HKP-TELEGRAMS",
      counter.id,
      timeliness(
        "Telegrams are delivered within 2 hours.",
        "電報於 2 小時內派遞。",
        "external",
        95,
        0,
        "working",
        { transactions: "TELEGRAM" },
      ),
      `${months[0]}-01`,
      "published",
      false,
    );
    const retiredOn = `${months[2]}-15`;
    await db
      .updateTable("pledges")
      .set({ status: "retired", retired_at: `${retiredOn}T02:00:00.000Z` })
      .where("id", "=", id)
      .execute();
    await db
      .updateTable("pledge_versions")
      .set({ effective_to: retiredOn })
      .where("pledge_id", "=", id)
      .execute();
  }
}

/** The annex pledges, published, effective from the start of the demo year. */
export async function seedPledges(db: Db, effectiveFrom: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const p of ANNEX_PLEDGES) {
    const existing = await db
      .selectFrom("pledges")
      .select("id")
      .where("code", "=", p.code)
      .executeTakeFirst();
    if (existing) {
      ids.set(p.code, existing.id);
      continue;
    }
    const dept = await db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", p.department)
      .executeTakeFirstOrThrow();
    const service = await db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", dept.id)
      .where("code", "=", p.service)
      .executeTakeFirstOrThrow();
    let fields = p.fields;
    if (fields.target_kind === "satisfaction") {
      const survey = await db
        .selectFrom("surveys")
        .select("id")
        .where("slug", "=", `${p.department.toLowerCase()}csat`)
        .executeTakeFirstOrThrow();
      fields = { ...fields, survey_id: survey.id };
    }
    ids.set(
      p.code,
      await createPledge(
        db,
        { id: null },
        dept.id,
        p.code,
        service.id,
        fields,
        effectiveFrom,
        "published",
        false,
      ),
    );
  }
  return ids;
}

/**
 * Twelve complete months of activity before `today`'s month for every annex pledge. Each month
 * mostly meets its target; a few miss it, and the OGCIO study has months with too little data.
 */
export async function seedActivity(db: Db, piiKey: string, today: Date): Promise<void> {
  const already = await db.selectFrom("service_transactions").select("id").limit(1).executeTakeFirst();
  if (already) return;
  const months = lastCompleteMonths(hkMonth(today), 12);
  const now = today.toISOString();
  // The demo year's history of changes, then the data the pledges are measured by.
  const ids = new Map<string, number>();
  for (const p of await db.selectFrom("pledges").select(["id", "code"]).execute()) ids.set(p.code, p.id);
  await seedChanges(db, ids, months);
  const noClosures = new Set<string>();
  await db.transaction().execute(async (trx) => {
    for (const p of ANNEX_PLEDGES) {
      const r = rng(p.code);
      const f = p.fields;
      const dept = await trx
        .selectFrom("departments")
        .select("id")
        .where("code", "=", p.department)
        .executeTakeFirstOrThrow();
      const pledge = await trx
        .selectFrom("pledges")
        .select(["id", "service_id"])
        .where("code", "=", p.code)
        .executeTakeFirstOrThrow();
      for (const [mi, month] of months.entries()) {
        // Now and then a month runs worse and a target is missed, for the monitoring pages
        // (the paper: 95% of targets met on average).
        const bad = (mi === 3 || mi === 8) && r() < 0.35;
        const days = (n: number) => Math.floor(r() * n) + 1;
        if (f.target_kind === "timeliness" && f.timeliness_source === "transactions") {
          const count =
            p.code === "OGCIO-IS-STRATEGY"
              ? Math.floor(r() * 4) + (mi % 3 === 0 ? 0 : 2)
              : 120 + Math.floor(r() * 60);
          const rows = [];
          for (let i = 0; i < count; i++) {
            const completed = new Date(
              Date.parse(
                `${month}-${String(days(27)).padStart(2, "0")}T${String(1 + Math.floor(r() * 8)).padStart(2, "0")}:30:00Z`,
              ),
            );
            const late = r() < (bad ? 0.12 : 0.004);
            const spanDays = late
              ? (f.days ?? 1) + 3 + Math.floor(r() * 5)
              : Math.max(0, Math.floor(r() * (f.days ?? 1)));
            // Received a little more than spanDays calendar days before: weekends make up the rest.
            const received = new Date(
              completed.getTime() - (spanDays * (f.day_unit === "calendar" ? 1 : 1.2) + 0.1) * 86_400_000,
            );
            rows.push(
              transactionRow(
                dept.id,
                {
                  transactionType: f.transaction_type!,
                  externalRef: `${month}-${i}`,
                  receivedAt: received.toISOString(),
                  completedAt: completed.toISOString(),
                },
                noClosures,
                now,
              ),
            );
          }
          await insertTransactions(trx, rows);
        } else if (f.target_kind === "measured") {
          const rows: Insertable<QualityReadingTable>[] = [];
          for (let i = 0; i < 30; i++) {
            const takenOn = `${month}-${String(Math.min(28, i + 1)).padStart(2, "0")}`;
            const fail = r() < (bad ? 0.15 : 0.005);
            let value: number;
            if (p.code === "WSD-DRINKING-WATER") value = fail ? 96 + Math.floor(r() * 4) : 100;
            else if (p.code === "WSD-SALT-WATER") value = fail ? 12 + r() * 2.5 : 15.2 + r() * 6;
            else if (p.code === "TD-TUNNEL-VISIBILITY")
              value = fail ? 0.0052 + r() * 0.002 : 0.001 + r() * 0.0035;
            else value = fail || r() < 0.01 ? 3 : r() < 0.5 ? 4 : 5;
            rows.push({
              pledge_id: pledge.id,
              taken_on: takenOn,
              month,
              value: Math.round(value * 10000) / 10000,
              evidence_note: null,
              entered_by: null,
              import_id: null,
              created_at: now,
            });
          }
          await trx.insertInto("quality_readings").values(rows).execute();
        } else if (f.target_kind === "satisfaction") {
          const survey = await trx
            .selectFrom("surveys")
            .selectAll()
            .where("slug", "=", `${p.department.toLowerCase()}csat`)
            .executeTakeFirstOrThrow();
          const version = (await loadVersion(trx, survey.current_version_id!))!;
          const overall = version.questions.find((q) => q.key === "overall")!;
          const count =
            p.code === "EU-CONSULTANCY-RATING" ? 4 + Math.floor(r() * 4) : 40 + Math.floor(r() * 30);
          for (let i = 0; i < count; i++) {
            const x = r();
            const score = bad
              ? x < 0.3
                ? 3
                : x < 0.7
                  ? 4
                  : 5
              : p.code === "EU-CONSULTANCY-RATING"
                ? x < 0.6
                  ? 5
                  : 4
                : x < 0.1
                  ? 3
                  : x < 0.13
                    ? 2
                    : x < 0.55
                      ? 4
                      : 5;
            const submittedAt = new Date(
              Date.parse(`${month}-${String(days(27)).padStart(2, "0")}T03:00:00Z`),
            ).toISOString();
            await insertResponse(
              trx,
              {
                survey,
                version,
                channel: "web",
                language: r() < 0.6 ? "zh-HK" : "en",
                collectionPointId: null,
                submittedAt,
              },
              [
                {
                  questionId: overall.id,
                  key: "overall",
                  valueNumber: score,
                  optionId: null,
                  text: null,
                  notApplicable: false,
                },
              ],
            );
          }
        } else if (f.target_kind === "timeliness" && f.timeliness_source === "cases") {
          const { createCase } = await import("../app/models/cases/intake.server");
          const { recordHandledCase } = await import("../app/models/cases/lifecycle.server");
          const count = 12 + Math.floor(r() * 8);
          for (let i = 0; i < count; i++) {
            const received = new Date(Date.parse(`${month}-${String(days(24)).padStart(2, "0")}T02:00:00Z`));
            const { id } = await createCase(trx, piiKey, {
              departmentId: dept.id,
              serviceId: pledge.service_id,
              channel: "email",
              language: "en",
              whatHappened: "The air-conditioning on the 12th floor has not worked for a week.",
              desiredOutcome: "Repair it.",
              contact: {},
              consent: true,
              receivedAt: received.toISOString(),
            });
            const late = r() < (bad ? 0.25 : 0.02);
            const replied = new Date(received.getTime() + (late ? 6 : 0.3 + r() * 0.8) * 86_400_000);
            await recordHandledCase(
              trx,
              { id, department_id: dept.id },
              { at: replied.toISOString(), replyMet: !late, reply: "The unit has been repaired." },
            );
          }
        }
      }
    }
  });
  // The pages read stored results: bring them up to date with the activity just written.
  await recomputeAllStoredResults(db, { now: today });
}
