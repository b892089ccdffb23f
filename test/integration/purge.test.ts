import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { submitComplaint } from "~/models/cases/intake.server";
import { queueCaseSurveyInvitation } from "~/models/cases/messages.server";
import { enqueueEmail } from "~/models/outbox/email.server";
import { purgeExpired, type RetentionSettings } from "~/models/retention/purge.server";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";

const DAY = 86_400_000;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/**
 * Retention: a closed case keeps the complainant's contact details for its department's period
 * (case settings), its attachments and the e-mails to the complainant in the outbox for no longer
 * (and for less when RETENTION_ATTACHMENT_DAYS / RETENTION_OUTBOX_DAYS say so). Days are Hong
 * Kong calendar days: a case closed exactly N days ago goes tonight, one closed N-1 days ago stays.
 */
describe.each(DB_KINDS)("purging what a closed case no longer needs [%s]", (kind) => {
  let t: TestDb;
  let dataDir: string;
  let immd: number;
  const now = new Date();

  beforeEach(async () => {
    t = await freshDb(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-purge-"));
    immd = (
      await t.db.selectFrom("departments").select("id").where("code", "=", "IMMD").executeTakeFirstOrThrow()
    ).id;
  });
  afterEach(async () => {
    await t.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const settings = (s: Partial<RetentionSettings> = {}): RetentionSettings => ({
    dataDir,
    attachmentDays: 3650,
    outboxDays: 3650,
    ...s,
  });

  /** A complaint with an attachment and an address (so an acknowledgement in the outbox), closed `closedDaysAgo` days ago. */
  async function complaint(closedDaysAgo: number | null) {
    const r = await submitComplaint(
      t.db,
      TEST_PII_KEY,
      dataDir,
      {
        department: String(immd),
        service: "",
        whatHappened: "Lost form",
        desiredOutcome: "",
        name: "Chan Tai Man",
        email: "chan@example.com",
        phone: "91234567",
        consent: "yes",
        language: "en",
      },
      [{ name: "receipt.png", size: PNG.byteLength, bytes: PNG }],
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    if (closedDaysAgo !== null) {
      await t.db
        .updateTable("cases")
        .set({ status: "closed", closed_at: new Date(now.getTime() - closedDaysAgo * DAY).toISOString() })
        .where("id", "=", r.caseId)
        .execute();
      const c = await t.db
        .selectFrom("cases")
        .selectAll()
        .where("id", "=", r.caseId)
        .executeTakeFirstOrThrow();
      await queueCaseSurveyInvitation(t.db, c); // the closing e-mail: a second copy of the address
    }
    return r.caseId;
  }

  const state = async (caseId: number) => {
    const c = await t.db
      .selectFrom("cases")
      .select(["contact_name_enc", "contact_email_enc", "contact_phone_enc", "purged_at", "what_happened"])
      .where("id", "=", caseId)
      .executeTakeFirstOrThrow();
    const files = await t.db
      .selectFrom("case_attachments")
      .select("stored_name")
      .where("case_id", "=", caseId)
      .execute();
    const mail = await t.db
      .selectFrom("outbox_messages")
      .select("kind")
      .where("complainant_case_id", "=", caseId)
      .orderBy("id")
      .execute();
    return { ...c, attachments: files.map((f) => f.stored_name), mail: mail.map((m) => m.kind) };
  };
  const onDisk = () => fs.readdirSync(path.join(dataDir, "attachments")).sort();
  const staffMail = async () => {
    await enqueueEmail(t.db, {
      dedupeKey: "staff-digest-test",
      kind: "report.digest",
      departmentId: immd,
      toEnc: "unused",
      subject: "Digest",
      body: "Figures",
    });
    await t.db
      .updateTable("outbox_messages")
      .set({ created_at: new Date(now.getTime() - 4000 * DAY).toISOString() })
      .where("dedupe_key", "=", "staff-digest-test")
      .execute();
  };

  it("the department's period: contacts, attachments (rows and files) and outbox copies go on day N, not N-1", async () => {
    await t.db
      .insertInto("case_settings")
      .values({
        department_id: immd,
        ack_days: 5,
        ack_unit: "working",
        reply_days: 30,
        reply_unit: "calendar",
        appeal_window_days: 30,
        appeal_reply_days: 20,
        appeal_reply_unit: "working",
        purge_after_days: 30,
        updated_at: now.toISOString(),
      })
      .execute();
    const due = await complaint(30);
    const notYet = await complaint(29);
    const open = await complaint(null);
    await staffMail();
    const dueFiles = (await state(due)).attachments;
    expect(dueFiles).toHaveLength(1);
    expect(onDisk()).toHaveLength(3);
    // A file left half-written by a crash more than a day ago: no row names it.
    const orphan = path.join(dataDir, "attachments", "0123abcd.png.part");
    fs.writeFileSync(orphan, "x");
    fs.utimesSync(orphan, new Date(now.getTime() - 2 * DAY), new Date(now.getTime() - 2 * DAY));

    const result = await purgeExpired(t.db, settings(), now);
    expect(result).toEqual({ contacts: 1, attachments: 1, messages: 2, partFiles: 1 });

    expect(await state(due)).toMatchObject({
      contact_name_enc: null,
      contact_email_enc: null,
      contact_phone_enc: null,
      what_happened: "Lost form",
      attachments: [],
      mail: [],
    });
    expect((await state(due)).purged_at).not.toBeNull();
    for (const kept of [notYet, open]) {
      const s = await state(kept);
      expect(s.contact_email_enc).not.toBeNull();
      expect(s.purged_at).toBeNull();
      expect(s.attachments).toHaveLength(1);
      expect(s.mail[0]).toBe("case.acknowledgement");
    }
    expect((await state(notYet)).mail).toEqual(["case.acknowledgement", "case.survey-invitation"]);
    // Gone from the disk too; the others' files stay.
    expect(onDisk()).not.toContain(dueFiles[0]);
    expect(onDisk()).toHaveLength(2);
    // Staff e-mail is no complainant's: it stays, however old.
    expect(
      await t.db.selectFrom("outbox_messages").select("id").where("kind", "=", "report.digest").execute(),
    ).toHaveLength(1);
    const audit = await t.db
      .selectFrom("audit_events")
      .select(["action", "entity_id", "detail"])
      .where("action", "like", "case.purge%")
      .execute();
    expect(audit.map((a) => [a.action, String(a.entity_id)])).toEqual([["case.purge", String(due)]]);

    // Run again: nothing more to do.
    expect(await purgeExpired(t.db, settings(), now)).toEqual({
      contacts: 0,
      attachments: 0,
      messages: 0,
      partFiles: 0,
    });
  });

  it("RETENTION_ATTACHMENT_DAYS: attachments go sooner than the contact details", async () => {
    const due = await complaint(90);
    const notYet = await complaint(89);
    const result = await purgeExpired(t.db, settings({ attachmentDays: 90 }), now);
    expect(result).toEqual({ contacts: 0, attachments: 1, messages: 0, partFiles: 0 });
    expect(await state(due)).toMatchObject({ attachments: [], purged_at: null });
    expect((await state(due)).contact_email_enc).not.toBeNull();
    expect((await state(due)).mail).toHaveLength(2);
    expect((await state(notYet)).attachments).toHaveLength(1);
    expect(onDisk()).toHaveLength(1);
    const audit = await t.db
      .selectFrom("audit_events")
      .select(["action", "entity_id"])
      .where("action", "like", "case.purge%")
      .execute();
    expect(audit.map((a) => [a.action, String(a.entity_id)])).toEqual([
      ["case.purge-attachments", String(due)],
    ]);
  });

  it("RETENTION_OUTBOX_DAYS: e-mails to complainants leave the outbox N days after they were queued", async () => {
    const older = await complaint(null);
    const newer = await complaint(null);
    await staffMail();
    const age = async (caseId: number, days: number) =>
      t.db
        .updateTable("outbox_messages")
        .set({ created_at: new Date(now.getTime() - days * DAY).toISOString() })
        .where("complainant_case_id", "=", caseId)
        .execute();
    await age(older, 60);
    await age(newer, 59);
    const result = await purgeExpired(t.db, settings({ outboxDays: 60 }), now);
    expect(result).toEqual({ contacts: 0, attachments: 0, messages: 1, partFiles: 0 });
    expect((await state(older)).mail).toEqual([]);
    expect((await state(older)).contact_email_enc).not.toBeNull(); // the case keeps them
    expect((await state(newer)).mail).toEqual(["case.acknowledgement"]);
    expect(
      await t.db.selectFrom("outbox_messages").select("id").where("kind", "=", "report.digest").execute(),
    ).toHaveLength(1);
  });
});
