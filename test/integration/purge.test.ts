import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCase, purgeClosedContacts } from "~/models/case.server";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";

const KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdDA=";

describe.each(DB_KINDS)("purging contact details [%s]", (kind) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(kind);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("deletes contacts of cases closed longer ago than the department allows, and keeps the rest", async () => {
    const dept = await t.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const make = async (closedDaysAgo: number | null) => {
      const { id } = await createCase(t.db, KEY, {
        departmentId: dept.id,
        serviceId: null,
        channel: "web",
        language: "en",
        whatHappened: "Lost form",
        desiredOutcome: "",
        contact: { name: "Chan", email: "chan@example.com", phone: "91234567" },
        consent: true,
      });
      if (closedDaysAgo !== null) {
        const closedAt = new Date(Date.now() - closedDaysAgo * 86_400_000).toISOString();
        await t.db
          .updateTable("cases")
          .set({ status: "closed", closed_at: closedAt })
          .where("id", "=", id)
          .execute();
      }
      return id;
    };
    const old = await make(800);
    const recent = await make(10);
    const open = await make(null);
    expect(await purgeClosedContacts(t.db)).toBe(1);
    const rows = await t.db
      .selectFrom("cases")
      .select(["id", "contact_email_enc", "purged_at", "what_happened"])
      .orderBy("id")
      .execute();
    expect(rows.find((r) => r.id === old)).toMatchObject({
      contact_email_enc: null,
      what_happened: "Lost form",
    });
    expect(rows.find((r) => r.id === old)?.purged_at).not.toBeNull();
    expect(rows.find((r) => r.id === recent)?.contact_email_enc).not.toBeNull();
    expect(rows.find((r) => r.id === open)?.contact_email_enc).not.toBeNull();
    expect(await purgeClosedContacts(t.db)).toBe(0);
  });
});
