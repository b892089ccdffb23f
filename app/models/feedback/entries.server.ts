import type { Db } from "../../../db/client";
import type { FeedbackChannel, FeedbackKind } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkMonth, nowIso } from "../calendar/time";
import { createCase } from "../cases/intake.server";

export interface FeedbackInput {
  kind: FeedbackKind;
  channel: FeedbackChannel;
  serviceId: number | null;
  summary: string;
  language: "en" | "zh-HK";
  important: boolean;
  /** a complaint whose customer wants a reply becomes a case */
  wantsReply: boolean;
  contact?: { name?: string; email?: string; phone?: string };
}

/**
 * Logs what a customer said at the counter or on the phone. A complaint that wants a reply opens a
 * case with the contact details (encrypted); important feedback is recorded for the managers at
 * once. All in one transaction. Audited without the summary's text.
 */
export async function logFeedback(
  db: Db,
  piiKey: string,
  actor: { id: number; departmentId: number },
  input: FeedbackInput,
): Promise<{ id: number; caseReference: string | null }> {
  const at = nowIso();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("feedback_entries")
      .values({
        department_id: actor.departmentId,
        service_id: input.serviceId,
        kind: input.kind,
        channel: input.channel,
        summary: input.summary,
        language: input.language,
        important: input.important ? 1 : 0,
        logged_by: actor.id,
        logged_at: at,
        month: hkMonth(at),
        case_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    let caseReference: string | null = null;
    if (input.kind === "complaint" && input.wantsReply) {
      const created = await createCase(trx, piiKey, {
        departmentId: actor.departmentId,
        serviceId: input.serviceId,
        channel: input.channel,
        language: input.language,
        whatHappened: input.summary,
        desiredOutcome: "",
        contact: input.contact ?? {},
        consent: true,
        createdBy: actor.id,
        feedbackId: row.id,
        receivedAt: at,
      });
      caseReference = created.reference;
      await trx
        .updateTable("feedback_entries")
        .set({ case_id: created.id })
        .where("id", "=", row.id)
        .execute();
    }
    if (input.important) {
      await trx
        .insertInto("notifications")
        .values({
          department_id: actor.departmentId,
          kind: "important_feedback",
          entity_type: "feedback",
          entity_id: row.id,
          created_at: at,
        })
        .execute();
    }
    await recordAudit(trx, {
      action: "feedback.create",
      actorUserId: actor.id,
      departmentId: actor.departmentId,
      entityType: "feedback",
      entityId: row.id,
      detail: { kind: input.kind, channel: input.channel, important: input.important },
    });
    return { id: row.id, caseReference };
  });
}

export interface FeedbackFilter {
  kind?: FeedbackKind;
  channel?: FeedbackChannel;
  important?: boolean;
  month?: string;
}

/** Recent entries of a department, newest first, with who logged them and any case they opened. */
export async function listFeedback(db: Db, departmentId: number, filter: FeedbackFilter = {}, limit = 50) {
  let q = db
    .selectFrom("feedback_entries as f")
    .leftJoin("staff_users as u", "u.id", "f.logged_by")
    .leftJoin("cases as c", "c.id", "f.case_id")
    .leftJoin("services as s", "s.id", "f.service_id")
    .select([
      "f.id",
      "f.kind",
      "f.channel",
      "f.summary",
      "f.language",
      "f.important",
      "f.logged_at",
      "u.display_name as logged_by_name",
      "c.id as case_id",
      "c.reference as case_reference",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
    ])
    .where("f.department_id", "=", departmentId)
    .orderBy("f.id", "desc")
    .limit(limit);
  if (filter.kind) q = q.where("f.kind", "=", filter.kind);
  if (filter.channel) q = q.where("f.channel", "=", filter.channel);
  if (filter.important) q = q.where("f.important", "=", 1);
  if (filter.month) q = q.where("f.month", "=", filter.month);
  return q.execute();
}

/** One row of the feedback log's list. */
export type FeedbackListRow = Awaited<ReturnType<typeof listFeedback>>[number];
