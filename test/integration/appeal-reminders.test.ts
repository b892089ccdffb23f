import { describe, expect, it } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { remindDueCases } from "~/models/cases/reminders.server";
import { decryptPii } from "~/utils/crypto.server";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";

// Monday 16 November 2026, 08:00 in Hong Kong: the reminder's hour.
const MONDAY_8AM = new Date("2026-11-16T00:00:00.000Z");

/*
 * Appeals were missing from the morning reminder: an open appeal whose own deadline is within the
 * "due soon" window now reaches the department's managers (who decide appeals; never the original
 * handler, who may not), by reference only.
 */
describe.each(DB_KINDS)("the morning reminder lists appeals due soon [%s]", (kind) => {
  const app = useTestApp(kind);

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const staffId = async (username: string) =>
    (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;

  async function appealOn(due: string, options: { decided?: boolean; handler?: number | null } = {}) {
    const immd = await deptId("IMMD");
    const c = await createCase(app.db, app.context.env.PII_KEY, {
      departmentId: immd,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "Kept waiting",
      desiredOutcome: "An apology",
      contact: { email: "citizen@example.com" },
      consent: true,
      receivedAt: "2026-10-01T02:00:00.000Z",
    });
    await app.db
      .updateTable("cases")
      .set({
        status: "replied",
        acknowledged_at: "2026-10-02T02:00:00.000Z",
        replied_at: "2026-10-20T02:00:00.000Z",
      })
      .where("id", "=", c.id)
      .execute();
    await app.db
      .insertInto("appeals")
      .values({
        case_id: c.id,
        lodged_at: "2026-11-02T02:00:00.000Z",
        lodged_by: "citizen",
        lodged_by_user: null,
        grounds: "Secret grounds",
        original_handler_id: options.handler ?? null,
        reviewer_id: null,
        due,
        outcome: options.decided ? "not_upheld" : null,
        reply: options.decided ? "Reviewed." : null,
        decided_at: options.decided ? "2026-11-10T02:00:00.000Z" : null,
        met: options.decided ? 1 : null,
      })
      .execute();
    return c;
  }

  const mailTo = async (address: string) => {
    const rows = await app.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("kind", "=", "case.due-reminder")
      .execute();
    return rows.filter((r) => decryptPii(app.context.env.PII_KEY, r.to_enc) === address);
  };

  it("e-mails the managers the open appeals due within two working days, but not the original handler", async () => {
    const manager = await staffId("manager.immd");
    const soon = await appealOn("2026-11-17");
    const handled = await appealOn("2026-11-18", { handler: manager });
    const later = await appealOn("2026-11-30");
    const decided = await appealOn("2026-11-17", { decided: true });

    const r = await remindDueCases(app.db, app.context.env.PII_KEY, MONDAY_8AM);
    expect(r.appeals).toBe(1);
    const [mail, ...more] = await mailTo("manager.immd@pledge.example");
    expect(more).toHaveLength(0);
    expect(mail!.body_text).toContain(soon.reference);
    expect(mail!.body_text).toContain(`{{APP_ORIGIN}}/staff/cases/${soon.id}`);
    expect(mail!.body_text).toContain("to be decided by 17 November 2026");
    expect(mail!.body_text).toMatch(/appeal/i);
    expect(mail!.body_text).toContain("上訴");
    for (const other of [handled, later, decided]) expect(mail!.body_text).not.toContain(other.reference);
    expect(mail!.body_text).not.toContain("Secret grounds");
    expect(mail!.body_text).not.toContain("citizen@example.com");

    // Once a day.
    expect((await remindDueCases(app.db, app.context.env.PII_KEY, MONDAY_8AM)).officers).toBe(0);
    expect(await mailTo("manager.immd@pledge.example")).toHaveLength(1);
  });
});
