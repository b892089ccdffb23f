import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { remindDueCases } from "~/models/cases/reminders.server";
import { createCase } from "../../app/models/cases/intake.server";
import { decryptPii } from "../../app/utils/crypto.server";
import type { CaseStatus } from "../../db/schema";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";

const CITIZEN = { name: "Chan Tai Man", email: "chan.tai.man@example.com", phone: "9123 4567" };
const WHAT_HAPPENED = "I waited three hours at the counter and was then sent away.";

/*
 * Wednesday 1 April 2026, 08:00 Hong Kong time. The working days after it: Thursday 2 April, then
 * Good Friday (3rd), Holy Saturday, Sunday, Easter Monday (6th) and the day after Ching Ming
 * (7th, Ching Ming fell on a Sunday) are all off, so the second working day is Wednesday 8 April
 * and the third Thursday 9 April.
 */
const WEDNESDAY_8AM = new Date("2026-04-01T00:00:00.000Z");
const THURSDAY_8AM = new Date("2026-04-02T00:00:00.000Z");

describe.each(DB_KINDS)("the morning reminder of cases due soon [%s]", (kind) => {
  let t: TestDb;
  const piiKey = crypto.randomBytes(32).toString("base64");
  let immd: number;
  let hkp: number;

  beforeEach(async () => {
    t = await freshDb(kind);
    immd = await departmentId("IMMD");
    hkp = await departmentId("HKP");
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function departmentId(code: string): Promise<number> {
    const d = await t.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", code)
      .executeTakeFirstOrThrow();
    return d.id;
  }

  async function staffId(username: string): Promise<number> {
    const u = await t.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    return u.id;
  }

  async function addStaff(
    username: string,
    options: {
      department?: number;
      role?: "case_officer" | "manager";
      email?: string | null;
      active?: number;
    } = {},
  ): Promise<number> {
    const row = await t.db
      .insertInto("staff_users")
      .values({
        username,
        display_name: username,
        role: options.role ?? "case_officer",
        department_id: options.department ?? immd,
        password_hash: "x",
        is_active: options.active ?? 1,
        email: options.email === undefined ? `${username}@pledge.example` : options.email,
        created_at: "2026-01-01T00:00:00.000Z",
        updated_at: "2026-01-01T00:00:00.000Z",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** A case with the citizen's details; deadlines, state and officer set as given. */
  async function newCase(
    options: {
      department?: number;
      receivedAt?: string;
      ackDue?: string;
      replyDue?: string;
      acknowledged?: boolean;
      status?: CaseStatus;
      assignedTo?: number | null;
    } = {},
  ): Promise<{ id: number; reference: string }> {
    const c = await createCase(t.db, piiKey, {
      departmentId: options.department ?? immd,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: WHAT_HAPPENED,
      desiredOutcome: "An explanation and an appointment.",
      contact: CITIZEN,
      consent: true,
      receivedAt: options.receivedAt ?? "2026-03-10T02:00:00.000Z",
    });
    await t.db
      .updateTable("cases")
      .set({
        ...(options.ackDue ? { ack_due: options.ackDue } : {}),
        ...(options.replyDue ? { reply_due: options.replyDue } : {}),
        ...(options.acknowledged
          ? { acknowledged_at: "2026-03-11T02:00:00.000Z", status: "acknowledged" }
          : {}),
        ...(options.status ? { status: options.status } : {}),
        assigned_to: options.assignedTo ?? null,
      })
      .where("id", "=", c.id)
      .execute();
    return c;
  }

  const reminders = () =>
    t.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("kind", "=", "case.due-reminder")
      .orderBy("id")
      .execute();

  /** The reminders of one day, by recipient address. */
  async function remindersOn(date: string) {
    const rows = (await reminders()).filter((m) => m.dedupe_key.startsWith(`due-reminder-${date}-`));
    return new Map(rows.map((m) => [decryptPii(piiKey, m.to_enc), m]));
  }

  function expectNoCitizenData(text: string) {
    for (const s of [CITIZEN.name, CITIZEN.email, CITIZEN.phone, WHAT_HAPPENED, "An explanation"]) {
      expect(text).not.toContain(s);
    }
  }

  it("e-mails each officer once, listing only cases whose next deadline is within two working days", async () => {
    const x = await addStaff("officer.x");
    await addStaff("officer.left", { active: 0 });
    await addStaff("officer.no-mail", { email: null });
    const hkpOfficer = await addStaff("officer.hkp", { department: hkp });
    const officerImmd = await staffId("officer.immd");

    // Received Wednesday 25 March: acknowledgement due in 5 working days, i.e. today.
    const dueToday = await newCase({ receivedAt: "2026-03-25T02:00:00.000Z", assignedTo: x });
    const tomorrow = await newCase({ ackDue: "2026-04-02", assignedTo: x });
    const acrossHolidays = await newCase({ acknowledged: true, replyDue: "2026-04-08" });
    const thirdDay = await newCase({ acknowledged: true, replyDue: "2026-04-09" });
    // The acknowledgement is overdue: the earliest pending step decides, as in the queue.
    const overdueAck = await newCase({ ackDue: "2026-03-31", replyDue: "2026-04-02" });
    const overdueReply = await newCase({ acknowledged: true, replyDue: "2026-03-31", assignedTo: x });
    const stopped: Array<{ reference: string }> = [];
    for (const status of ["closed", "replied", "awaiting_customer", "referred"] as const) {
      stopped.push(await newCase({ ackDue: "2026-04-02", status, assignedTo: x }));
    }
    const otherDepartment = await newCase({ department: hkp, ackDue: "2026-04-02" });

    const row = await t.db
      .selectFrom("cases")
      .select("ack_due")
      .where("id", "=", dueToday.id)
      .executeTakeFirstOrThrow();
    expect(row.ack_due).toBe("2026-04-01");

    const result = await remindDueCases(t.db, piiKey, WEDNESDAY_8AM);
    expect(result).toEqual({ officers: 3, cases: 4, appeals: 0 });

    const sent = await remindersOn("2026-04-01");
    // Not the officer who left, not the one without an address, not managers.
    expect([...sent.keys()].sort()).toEqual(
      ["officer.hkp@pledge.example", "officer.immd@pledge.example", "officer.x@pledge.example"].sort(),
    );

    const toX = sent.get("officer.x@pledge.example")!;
    expect(toX.dedupe_key).toBe(`due-reminder-2026-04-01-user-${x}`);
    expect(toX.department_id).toBe(immd);
    expect(toX.sent_at).toBeNull();
    expect(toX.subject).toContain("3 cases due within two working days");
    expect(toX.subject).toContain("3宗個案");
    expect(toX.body_text).toContain(`${dueToday.reference} — acknowledgement due 1 April 2026`);
    expect(toX.body_text).toContain(`${tomorrow.reference} — acknowledgement due 2 April 2026`);
    expect(toX.body_text).toContain(
      `${acrossHolidays.reference} (not yet assigned) — reply due 8 April 2026`,
    );
    expect(toX.body_text).toContain(`{{APP_ORIGIN}}/staff/cases/${tomorrow.id}`);
    expect(toX.body_text).toContain(`${tomorrow.reference} — 須於2026年4月2日或之前認收`);
    expect(toX.body_text).toContain(`${acrossHolidays.reference}（尚未分派）— 須於2026年4月8日或之前回覆`);
    expect(toX.body_text).toContain("by the end of 8 April 2026");
    expect(toX.body_text).toContain("Immigration Department");
    // Soonest first.
    expect(toX.body_text.indexOf(dueToday.reference)).toBeLessThan(toX.body_text.indexOf(tomorrow.reference));
    expect(toX.body_text.indexOf(tomorrow.reference)).toBeLessThan(
      toX.body_text.indexOf(acrossHolidays.reference),
    );
    for (const left of [thirdDay, overdueAck, overdueReply, otherDepartment, ...stopped]) {
      expect(toX.body_text).not.toContain(left.reference);
    }
    expectNoCitizenData(`${toX.subject}\n${toX.body_text}`);

    const toOfficer = sent.get("officer.immd@pledge.example")!;
    expect(toOfficer.dedupe_key).toBe(`due-reminder-2026-04-01-user-${officerImmd}`);
    expect(toOfficer.subject).toContain("1 case due within two working days");
    expect(toOfficer.body_text).toContain(acrossHolidays.reference);
    expect(toOfficer.body_text).not.toContain(tomorrow.reference); // assigned to X: X's alone
    expectNoCitizenData(`${toOfficer.subject}\n${toOfficer.body_text}`);

    const toHkp = sent.get("officer.hkp@pledge.example")!;
    expect(toHkp.dedupe_key).toBe(`due-reminder-2026-04-01-user-${hkpOfficer}`);
    expect(toHkp.department_id).toBe(hkp);
    expect(toHkp.body_text).toContain(otherDepartment.reference);
    expect(toHkp.body_text).not.toContain(acrossHolidays.reference);
  });

  it("queues nothing more when run again the same day, even by two workers at once, and again the next day", async () => {
    const x = await addStaff("officer.x");
    const tomorrow = await newCase({ ackDue: "2026-04-02", assignedTo: x });
    const thirdDay = await newCase({ acknowledged: true, replyDue: "2026-04-09" });

    expect(await remindDueCases(t.db, piiKey, WEDNESDAY_8AM)).toEqual({ officers: 1, cases: 1, appeals: 0 });
    // Later the same Hong Kong day (23:30 HKT), and twice at once.
    const later = new Date("2026-04-01T15:30:00.000Z");
    expect(await remindDueCases(t.db, piiKey, later)).toEqual({ officers: 0, cases: 0, appeals: 0 });
    await Promise.all([remindDueCases(t.db, piiKey, later), remindDueCases(t.db, piiKey, later)]);
    expect(await reminders()).toHaveLength(1);

    // Thursday: the case due today and the one now on the second working day; to X and officer.immd.
    const both = await Promise.all([
      remindDueCases(t.db, piiKey, THURSDAY_8AM),
      remindDueCases(t.db, piiKey, THURSDAY_8AM),
    ]);
    expect(both.reduce((n, r) => n + r.officers, 0)).toBeGreaterThanOrEqual(2);
    expect(await reminders()).toHaveLength(3);
    const sent = await remindersOn("2026-04-02");
    expect(sent.size).toBe(2);
    const toX = sent.get("officer.x@pledge.example")!;
    expect(toX.dedupe_key).toBe(`due-reminder-2026-04-02-user-${x}`);
    expect(toX.body_text).toContain(`${tomorrow.reference} — acknowledgement due 2 April 2026`);
    expect(toX.body_text).toContain(`${thirdDay.reference} (not yet assigned) — reply due 9 April 2026`);
    expect(sent.get("officer.immd@pledge.example")!.body_text).toContain(thirdDay.reference);
    expect(await remindDueCases(t.db, piiKey, THURSDAY_8AM)).toEqual({ officers: 0, cases: 0, appeals: 0 });
  });

  it("counts working days with the department's closure days", async () => {
    // A typhoon closure of the Immigration Department on Thursday 2 April: 8 April is then the
    // first working day and 9 April the second, for that department only.
    await t.db
      .insertInto("closure_days")
      .values({
        date: "2026-04-02",
        department_id: immd,
        reason_en: "Typhoon signal No. 8",
        reason_zh: "八號風球",
        created_by: null,
        created_at: "2026-04-01T00:00:00.000Z",
      })
      .execute();
    await addStaff("officer.hkp", { department: hkp });
    const immdCase = await newCase({ acknowledged: true, replyDue: "2026-04-09" });
    const hkpCase = await newCase({ department: hkp, acknowledged: true, replyDue: "2026-04-09" });

    expect(await remindDueCases(t.db, piiKey, WEDNESDAY_8AM)).toEqual({ officers: 1, cases: 1, appeals: 0 });
    const sent = await remindersOn("2026-04-01");
    const toOfficer = sent.get("officer.immd@pledge.example")!;
    expect(toOfficer.body_text).toContain(immdCase.reference);
    expect(toOfficer.body_text).toContain("by the end of 9 April 2026");
    expect(toOfficer.body_text).not.toContain(hkpCase.reference);
    expect(sent.has("officer.hkp@pledge.example")).toBe(false);
  });

  it("does nothing when no case is due soon", async () => {
    await newCase({ acknowledged: true, replyDue: "2026-04-20" });
    expect(await remindDueCases(t.db, piiKey, WEDNESDAY_8AM)).toEqual({ officers: 0, cases: 0, appeals: 0 });
    expect(await reminders()).toHaveLength(0);
  });
});
