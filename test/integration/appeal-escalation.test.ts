import { describe, expect, it } from "vitest";
import { decideAppeal, lodgeAppeal } from "~/models/cases/appeal.server";
import { createCase } from "~/models/cases/intake.server";
import { escalateNotifications, flagOverdueAppeals } from "~/models/outbox/escalation.server";
import { loader as homeLoader } from "~/routes/staff._index";
import { formats } from "~/utils/formats";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest } from "../setup/requests";
import { signInAs } from "../setup/session";

/*
 * Appeals have deadlines of their own (the department's "reply to an appeal within" setting). An
 * appeal past its deadline and still undecided reaches the department's managers like an overdue
 * case: once, in their inbox and by e-mail.
 */
describe.each(DB_KINDS)("overdue appeals are escalated to managers [%s]", (kind) => {
  const app = useTestApp(kind);

  async function repliedCaseWithAppeal(lodgedAt: Date) {
    const immd = (
      await app.db.selectFrom("departments").select("id").where("code", "=", "IMMD").executeTakeFirstOrThrow()
    ).id;
    const { id } = await createCase(app.db, app.context.env.PII_KEY, {
      departmentId: immd,
      serviceId: null,
      channel: "email",
      language: "en",
      whatHappened: "Passport renewal lost",
      desiredOutcome: "An answer",
      contact: { email: "citizen@example.com" },
      consent: true,
      receivedAt: "2026-10-01T02:00:00.000Z",
    });
    // Replied (the move itself is tested in cases.test.ts): the appeal can be lodged.
    await app.db
      .updateTable("cases")
      .set({
        status: "replied",
        acknowledged_at: "2026-10-02T02:00:00.000Z",
        replied_at: "2026-10-20T02:00:00.000Z",
      })
      .where("id", "=", id)
      .execute();
    const c = await app.db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const lodged = await lodgeAppeal(app.db, c, { by: "citizen", grounds: "No one explained." }, lodgedAt);
    if (!lodged.ok) throw new Error(lodged.error);
    const appeal = await app.db
      .selectFrom("appeals")
      .selectAll()
      .where("id", "=", lodged.id)
      .executeTakeFirstOrThrow();
    return { caseId: id, reference: c.reference, appeal, immd };
  }

  const notificationRows = () =>
    app.db.selectFrom("notifications").selectAll().where("entity_type", "=", "appeal").execute();

  it("flags an undecided appeal past its own deadline once, and managers get it in both languages", async () => {
    const { caseId, reference, appeal } = await repliedCaseWithAppeal(new Date("2026-10-22T02:00:00.000Z"));
    expect(appeal.due).not.toBeNull();

    // On its due date it is not overdue yet.
    expect(await flagOverdueAppeals(app.db, appeal.due!)).toBe(0);
    expect(await notificationRows()).toHaveLength(0);

    // The day after, it is; flagged once however often the worker runs.
    const dayAfter = new Date(Date.parse(`${appeal.due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(await flagOverdueAppeals(app.db, dayAfter)).toBe(1);
    expect(await flagOverdueAppeals(app.db, dayAfter)).toBe(0);
    const rows = await notificationRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "case_overdue", entity_id: appeal.id });

    expect(await escalateNotifications(app.db, app.context.env.PII_KEY)).toBe(1);
    const mail = await app.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("kind", "=", "notification.appeal-overdue")
      .execute();
    expect(mail.length).toBeGreaterThan(0);
    for (const m of mail) {
      expect(m.subject).toContain(reference);
      expect(m.subject).toMatch(/appeal/i);
      expect(m.subject).toContain("上訴");
      expect(m.body_text).toContain(`{{APP_ORIGIN}}/staff/cases/${caseId}`);
      // The deadline as each language writes it (issue 15).
      expect(m.body_text).toContain(formats("en").longDate(appeal.due!));
      expect(m.body_text).toContain(formats("zh-HK").longDate(appeal.due!));
      // No citizen's grounds or contact details in a staff e-mail.
      expect(m.body_text).not.toContain("No one explained");
      expect(m.body_text).not.toContain("citizen@example.com");
    }

    // The manager's inbox names the case and links to it (not to a case with the appeal's id).
    const cookie = await signInAs(app.c, "manager.immd");
    const home = (await homeLoader({
      request: getRequest("/staff", { cookie }),
      params: {},
      context: app.context,
    })) as {
      notifications: Array<{ entity_type: string; case_id: number | null; case_reference: string | null }>;
    };
    const item = home.notifications.find((n) => n.entity_type === "appeal");
    expect(item).toMatchObject({ case_id: caseId, case_reference: reference });
  });

  it("does not flag an appeal decided in time, nor one decided late after the fact", async () => {
    const { appeal, immd } = await repliedCaseWithAppeal(new Date("2026-10-22T02:00:00.000Z"));
    const admin = await app.db
      .selectFrom("staff_users")
      .select(["id", "role"])
      .where("username", "=", "admin.immd")
      .executeTakeFirstOrThrow();
    const decided = await decideAppeal(
      app.db,
      { id: admin.id, role: admin.role, departmentId: immd },
      appeal.id,
      { outcome: "not_upheld", reply: "We replied in time." },
      new Date("2026-10-23T02:00:00.000Z"),
    );
    expect(decided.ok).toBe(true);
    expect(await flagOverdueAppeals(app.db, "2027-01-31")).toBe(0);
    expect(await notificationRows()).toHaveLength(0);
  });
});
