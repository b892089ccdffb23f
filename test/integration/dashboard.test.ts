import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DepartmentDashboard } from "~/models/cases/dashboard.server";
import { createCase } from "~/models/cases/intake.server";
import { loader as dashboardLoader } from "~/routes/staff.dashboard";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

// Wednesday 18 November 2026, 10:00 in Hong Kong.
const NOW = new Date("2026-11-18T02:00:00.000Z");

type Page = { choose: Array<{ code: string }> | null; dashboard: DepartmentDashboard | null };

describe.each(DB_KINDS)("the department dashboard [%s]", (kind) => {
  const app = useTestApp(kind);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;

  async function newCase(code: string, receivedAt: string, serviceId: number | null = null) {
    return createCase(app.db, app.context.env.PII_KEY, {
      departmentId: await deptId(code),
      serviceId,
      channel: "web",
      language: "en",
      whatHappened: "Something happened",
      desiredOutcome: "An answer",
      contact: {},
      consent: true,
      receivedAt,
    });
  }

  async function open(username: string, query = "") {
    const cookie = await signInAs(app.c, username);
    return settle(() =>
      dashboardLoader({
        request: getRequest(`/staff/dashboard${query}`, { cookie }),
        params: {},
        context: app.context,
      }),
    );
  }
  const page = async (username: string, query = "") => (await (await open(username, query)).json()) as Page;

  it("counts open cases by age and working days left, lists what is due in five working days and the appeals", async () => {
    const today = await newCase("IMMD", "2026-11-18T01:00:00.000Z");
    const tenDays = await newCase("IMMD", "2026-11-08T02:00:00.000Z");
    const old = await newCase("IMMD", "2026-10-08T02:00:00.000Z");
    // A closed case counts nowhere.
    const closed = await newCase("IMMD", "2026-11-17T02:00:00.000Z");
    await app.db.updateTable("cases").set({ status: "closed" }).where("id", "=", closed.id).execute();
    // Another department's case never shows.
    await newCase("HKP", "2026-11-18T01:00:00.000Z");
    // An open appeal on the old case, past its own deadline.
    await app.db
      .insertInto("appeals")
      .values({
        case_id: old.id,
        lodged_at: "2026-11-02T02:00:00.000Z",
        lodged_by: "citizen",
        lodged_by_user: null,
        grounds: "Grounds",
        original_handler_id: null,
        reviewer_id: null,
        due: "2026-11-16",
        outcome: null,
        reply: null,
        decided_at: null,
        met: null,
      })
      .execute();

    const d = (await page("manager.immd")).dashboard!;
    expect(d.openCount).toBe(3);
    expect(Object.fromEntries(d.byAge.map((b) => [b.key, b.count]))).toEqual({
      "0-7": 1,
      "8-14": 1,
      "15-30": 0,
      "31-60": 1,
      "61+": 0,
    });
    expect(d.byAge[0]!.href).toContain("/staff/cases?dept=IMMD&status=received");
    expect(d.byAge[1]!.href).toContain("received_from=2026-11-04&received_to=2026-11-10");

    // Next step of each: the new cases' acknowledgements are due soon; the old one is overdue.
    const left = Object.fromEntries(d.byDaysLeft.map((b) => [b.key, b.count]));
    expect(left.overdue).toBeGreaterThanOrEqual(1);
    expect(d.byDaysLeft.reduce((a, b) => a + b.count, 0) + d.noDeadline).toBe(3);
    expect(d.byDaysLeft.find((b) => b.key === "overdue")!.href).toBe("/staff/cases?dept=IMMD&overdue=1");

    const soon = d.dueSoon.rows.map((r) => r.id);
    expect(soon).toContain(today.id);
    expect(soon).not.toContain(old.id);
    expect(d.dueSoon.rows.find((r) => r.id === today.id)!.href).toBe(`/staff/cases/${today.id}`);
    expect(d.dueSoon.rows.every((r) => r.left !== null && r.left >= 0 && r.left <= 5)).toBe(true);
    expect(d.dueSoon.count).toBe(d.dueSoon.rows.length);
    expect(tenDays.id).toBeGreaterThan(0);

    expect(d.appeals).toMatchObject({ count: 1, overdue: 1, href: "/staff/cases?dept=IMMD&appeal=open" });
    expect(d.appeals.rows[0]).toMatchObject({
      caseId: old.id,
      due: "2026-11-16",
      href: `/staff/cases/${old.id}`,
    });
    expect(d.appeals.rows[0]!.left).toBeLessThan(0);
  });

  it("projects each case pledge's month and warns when it can no longer meet its target", async () => {
    const gpa = await deptId("GPA");
    const service = await app.db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", gpa)
      .where("code", "=", "PROPERTY-MGMT")
      .executeTakeFirstOrThrow();
    const pledge = await app.db
      .selectFrom("pledges")
      .selectAll()
      .where("code", "=", "GPA-PROPERTY-COMPLAINTS")
      .executeTakeFirstOrThrow();
    await app.db.updateTable("pledges").set({ status: "published" }).where("id", "=", pledge.id).execute();
    await app.db
      .updateTable("pledge_versions")
      .set({ effective_from: "2023-01-01" })
      .where("pledge_id", "=", pledge.id)
      .execute();
    // Replied in November: one within the pledge's 2 working days, one not.
    const inTime = await newCase("GPA", "2026-11-02T02:00:00.000Z", service.id);
    const late = await newCase("GPA", "2026-11-02T02:00:00.000Z", service.id);
    for (const [c, at] of [
      [inTime, "2026-11-03T02:00:00.000Z"],
      [late, "2026-11-10T02:00:00.000Z"],
    ] as const) {
      await app.db
        .updateTable("cases")
        .set({ status: "replied", acknowledged_at: "2026-11-02T03:00:00.000Z", replied_at: at })
        .where("id", "=", c.id)
        .execute();
    }
    // Open: one already past its reply date, one that can still make it, one due next month.
    const due = async (reply_due: string) => {
      const c = await newCase("GPA", "2026-11-01T02:00:00.000Z", service.id);
      await app.db.updateTable("cases").set({ reply_due }).where("id", "=", c.id).execute();
    };
    await due("2026-11-05");
    await due("2026-11-20");
    await due("2026-12-10");

    const d = (await page("reviewer", "?dept=GPA")).dashboard!;
    const p = d.pledges.find((x) => x.pledgeId === pledge.id)!;
    expect(p).toMatchObject({ met: 1, done: 2, target: 95, href: `/staff/pledges/${pledge.id}` });
    expect(p.projection).toEqual({ canStillMeet: 1, pastDue: 1, share: 50, cannotMeet: true });
    expect(p.casesHref).toBe(`/staff/cases?dept=GPA&service=${service.id}&overdue=1`);
  });

  it("is for the department's case handlers and, for any department, the central reviewer", async () => {
    expect((await open("officer.immd")).status).toBe(200);
    expect((await open("admin.immd")).status).toBe(200);
    expect((await open("manager.immd", "?dept=IMMD")).status).toBe(200);
    // Another department's code: as if it were not there.
    expect((await open("manager.immd", "?dept=HKP")).status).toBe(404);
    // The central reviewer picks a department first, then sees it; an unknown code is a 404.
    const choose = await page("reviewer");
    expect(choose.dashboard).toBeNull();
    expect(choose.choose!.map((c) => c.code)).toContain("IMMD");
    expect((await page("reviewer", "?dept=immd")).dashboard!.department.code).toBe("IMMD");
    expect((await open("reviewer", "?dept=NOPE")).status).toBe(404);
    // Counter staff do not handle cases.
    expect([403, 404]).toContain((await open("counter.immd")).status);
  });
});
