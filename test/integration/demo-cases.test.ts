import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hkMonth } from "~/models/calendar/time";
import { decryptPii } from "~/utils/crypto.server";
import { createDb, type Db } from "../../db/client";
import { seedDemoCases } from "../../db/seed-cases";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { DEMO_TEMPLATE_DB, TEST_PII_KEY } from "../setup/global-setup";

/*
 * The demo department of the demo accounts (Immigration) has a year of complaint cases in every
 * state, so the officer's queues, the case pages and the manager's report show real work — and
 * seeding them sends nothing to the demo citizens.
 */

interface Figures {
  byStatus: Record<string, number>;
  closedOnTime: number;
  closedLate: number;
  appealsOpen: number;
  appealsDecided: number;
  openClockStops: number;
  pendingReferrals: number;
  assignedToOfficer: number;
  months: number;
  outbox: number;
  contacts: { sealed: number; readable: number };
  overdueNotEscalated: number;
}

async function figures(db: Db): Promise<Figures> {
  const dept = await db
    .selectFrom("departments")
    .select("id")
    .where("code", "=", "IMMD")
    .executeTakeFirstOrThrow();
  const cases = await db.selectFrom("cases").selectAll().where("department_id", "=", dept.id).execute();
  const ids = cases.map((c) => c.id);
  const officer = await db
    .selectFrom("staff_users")
    .select("id")
    .where("username", "=", "officer.immd")
    .executeTakeFirstOrThrow();
  const byStatus: Record<string, number> = {};
  for (const c of cases) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
  const appeals = await db.selectFrom("appeals").selectAll().where("case_id", "in", ids).execute();
  const stops = await db
    .selectFrom("case_clock_stops as s")
    .innerJoin("cases as c", "c.id", "s.case_id")
    .select(["c.status"])
    .where("s.case_id", "in", ids)
    .where("s.to_at", "is", null)
    .execute();
  const referrals = await db
    .selectFrom("case_referrals")
    .select("case_id")
    .where("case_id", "in", ids)
    .where("status", "=", "pending")
    .execute();
  const outbox = await db
    .selectFrom("outbox_messages")
    .select("id")
    .where((eb) => eb.or([eb("complainant_case_id", "in", ids), eb("kind", "like", "case.%")]))
    .execute();
  const sealed = cases.filter((c) => c.contact_email_enc || c.contact_phone_enc);
  const readable = sealed.filter(
    (c) =>
      (c.contact_email_enc ? decryptPii(TEST_PII_KEY, c.contact_email_enc)?.includes("@") : true) &&
      (c.contact_phone_enc ? /^\d{8}$/.test(decryptPii(TEST_PII_KEY, c.contact_phone_enc) ?? "") : true),
  );
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return {
    byStatus,
    closedOnTime: cases.filter((c) => c.status === "closed" && c.reply_met === 1).length,
    closedLate: cases.filter((c) => c.status === "closed" && c.reply_met === 0).length,
    appealsOpen: appeals.filter((a) => !a.decided_at).length,
    appealsDecided: appeals.filter((a) => a.decided_at).length,
    openClockStops: stops.filter((s) => s.status === "awaiting_customer").length,
    pendingReferrals: referrals.length,
    assignedToOfficer: cases.filter((c) => c.assigned_to === officer.id).length,
    months: new Set(cases.map((c) => hkMonth(c.received_at))).size,
    outbox: outbox.length,
    contacts: { sealed: sealed.length, readable: readable.length },
    overdueNotEscalated: cases.filter(
      (c) =>
        !["closed", "replied", "awaiting_customer", "referred"].includes(c.status) &&
        !c.overdue_notified_at &&
        ((!c.acknowledged_at && c.ack_due! < today) || (!c.replied_at && c.reply_due! < today)),
    ).length,
  };
}

function expectEveryState(f: Figures) {
  for (const status of [
    "received",
    "acknowledged",
    "under_investigation",
    "awaiting_customer",
    "referred",
    "replied",
    "closed",
  ])
    expect(f.byStatus[status] ?? 0, status).toBeGreaterThanOrEqual(3);
  const total = Object.values(f.byStatus).reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(200);
  expect(total).toBeLessThanOrEqual(500);
  expect(f.closedOnTime).toBeGreaterThan(f.closedLate);
  expect(f.closedLate).toBeGreaterThanOrEqual(10);
  expect(f.appealsOpen).toBeGreaterThanOrEqual(3);
  expect(f.appealsDecided).toBeGreaterThanOrEqual(5);
  // Every case waiting for the citizen has its open clock stop; every referred one its referral.
  expect(f.openClockStops).toBe(f.byStatus.awaiting_customer);
  expect(f.pendingReferrals).toBe(f.byStatus.referred);
  expect(f.assignedToOfficer).toBeGreaterThan(total / 2);
  // A year: the twelve months before this one and this one.
  expect(f.months).toBeGreaterThanOrEqual(12);
  // Nothing is sent to demo citizens, and nothing already overdue is escalated on a first start.
  expect(f.outbox).toBe(0);
  expect(f.overdueNotEscalated).toBe(0);
  // Contact details, encrypted with the key they were seeded with.
  expect(f.contacts.sealed).toBe(total);
  expect(f.contacts.readable).toBe(total);
}

describe("demo cases of the demo department", () => {
  it("the demo database (npm run db:seed) has a year of Immigration cases in every state", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-demo-cases-"));
    const file = path.join(dir, "demo.sqlite");
    fs.copyFileSync(DEMO_TEMPLATE_DB, file);
    const db = createDb(file);
    try {
      expectEveryState(await figures(db));
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(DB_KINDS)("on %s", (kind) => {
    let t: TestDb | undefined;
    afterAll(async () => t?.cleanup());

    it("seeds them in every state, quickly, and only once", async () => {
      t = await freshDb(kind);
      const started = Date.now();
      const made = await seedDemoCases(t.db, TEST_PII_KEY, new Date());
      const took = Date.now() - started;
      expect(made).toBeGreaterThanOrEqual(200);
      const first = await figures(t.db);
      expectEveryState(first);
      expect(took).toBeLessThan(10_000);
      // Seeding again adds nothing and changes nothing.
      expect(await seedDemoCases(t.db, TEST_PII_KEY, new Date())).toBe(0);
      expect(await figures(t.db)).toEqual(first);
      // SQLite is left as it was: every commit waits for the disk.
      if (kind === "sqlite") {
        const { sql } = await import("kysely");
        expect((await sql<{ synchronous: number }>`pragma synchronous`.execute(t.db)).rows[0]).toEqual({
          synchronous: 2,
        });
      }
    });
  });
});
