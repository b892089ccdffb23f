import type { Db } from "../../../db/client";
import type { CaseStatus } from "../../../db/schema";
import { nowIso } from "../calendar/time";
import { computeDeadlines } from "./deadlines.server";
import { canMove } from "./lifecycle";
import { recordCaseEvent, transition } from "./lifecycle.server";
import { queueCaseMessage } from "./messages.server";

/*
 * Referral of a case to another department (it belongs to them, not to us). The sending department
 * keeps the case, status 'referred', until the receiving department accepts or returns it; nobody
 * moves it along its lifecycle meanwhile (in CASE_TRANSITIONS only the referral's decision moves
 * a case from 'referred'). The status moves are the lifecycle's ('refer', 'accept-referral',
 * 'return-referral'); this module holds the referral rows.
 *
 * The status the case had before the referral is the 'refer' event's from_status: a return puts the
 * case back there, in the sending department, as if the referral had not happened.
 *
 * On acceptance the case becomes the receiving department's. Its status becomes 'received' if the
 * citizen had not yet been acknowledged, else 'acknowledged': the acknowledgement the citizen got
 * stands (acknowledged_at and so ack_met are kept), and the receiving department starts its own
 * investigation. Deadlines are recomputed from the ORIGINAL receipt with the receiving department's
 * pledged times and closure days: passing a case between departments does not restart the
 * citizen's clock. The sending department's officer is unassigned.
 */

export type ReferError = "notAllowed" | "sameDepartment" | "unknownDepartment" | "reasonRequired";
export type ReferralDecisionError = "notFound" | "noteRequired";

/** Refers a case to another department: a pending referral, status 'referred', a 'refer' event. Audited. */
export async function referCase(
  db: Db,
  actor: { id: number },
  caseId: number,
  input: { toDepartmentId: number; reason: string },
  now: Date = new Date(),
): Promise<{ ok: true; id: number } | { ok: false; error: ReferError }> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, error: "reasonRequired" };
  return db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom("cases").selectAll().where("id", "=", caseId).executeTakeFirstOrThrow();
    if (!canMove(c.status, "refer")) return { ok: false as const, error: "notAllowed" as const };
    if (c.department_id === input.toDepartmentId)
      return { ok: false as const, error: "sameDepartment" as const };
    const to = await trx
      .selectFrom("departments")
      .select("id")
      .where("id", "=", input.toDepartmentId)
      .executeTakeFirst();
    if (!to) return { ok: false as const, error: "unknownDepartment" as const };
    const at = nowIso(now);
    // Guarded by the status read above: a concurrent move makes this update touch nothing.
    if (!(await transition(trx, c, "refer", "referred", { updated_at: at })))
      return { ok: false as const, error: "notAllowed" as const };
    const row = await trx
      .insertInto("case_referrals")
      .values({
        case_id: c.id,
        from_department_id: c.department_id,
        to_department_id: to.id,
        reason,
        status: "pending",
        created_by: actor.id,
        created_at: at,
        decided_by: null,
        decided_at: null,
        decision_note: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The reason is between departments: staff see it, the citizen sees only the status.
    const eventId = await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: actor.id,
        kind: "refer",
        fromStatus: c.status,
        toStatus: "referred",
        body: reason,
        visibleToCitizen: false,
        departmentId: c.department_id,
      },
      {
        action: "case.refer",
        actorUserId: actor.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
        detail: { step: "refer", referralId: row.id, toDepartmentId: to.id },
      },
    );
    // Who has it: the sending department until the receiving one accepts (never the reason).
    await queueCaseMessage(trx, c, { kind: "referred", eventId, toDepartmentId: to.id });
    return { ok: true as const, id: row.id };
  });
}

/** A pending referral addressed to the actor's department, or undefined. */
async function pendingFor(db: Db, referralId: number, departmentId: number) {
  return db
    .selectFrom("case_referrals")
    .selectAll()
    .where("id", "=", referralId)
    .where("to_department_id", "=", departmentId)
    .where("status", "=", "pending")
    .executeTakeFirst();
}

/**
 * The receiving department accepts a referral: the case becomes theirs (see the note at the top for
 * its status and deadlines), a 'refer-accept' event. Audited.
 */
export async function acceptReferral(
  db: Db,
  actor: { id: number; departmentId: number },
  referralId: number,
  now: Date = new Date(),
): Promise<{ ok: true; caseId: number } | { ok: false; error: ReferralDecisionError }> {
  return db.transaction().execute(async (trx) => {
    const ref = await pendingFor(trx, referralId, actor.departmentId);
    if (!ref) return { ok: false as const, error: "notFound" as const };
    const c = await trx
      .selectFrom("cases")
      .selectAll()
      .where("id", "=", ref.case_id)
      .executeTakeFirstOrThrow();
    if (!canMove(c.status, "accept-referral")) return { ok: false as const, error: "notFound" as const };
    const at = nowIso(now);
    const decided = await trx
      .updateTable("case_referrals")
      .set({ status: "accepted", decided_by: actor.id, decided_at: at })
      .where("id", "=", ref.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) return { ok: false as const, error: "notFound" as const };
    const status: CaseStatus = c.acknowledged_at ? "acknowledged" : "received";
    const d = await computeDeadlines(trx, {
      id: c.id,
      department_id: ref.to_department_id,
      received_at: c.received_at,
    });
    const moved = await transition(trx, c, "accept-referral", status, {
      department_id: ref.to_department_id,
      assigned_to: null,
      ack_due: d.ackDue,
      reply_due: d.replyDue,
      updated_at: at,
    });
    if (!moved) throw new Error(`Case ${c.id} moved while its referral was accepted`);
    const eventId = await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: actor.id,
        kind: "refer-accept",
        fromStatus: "referred",
        toStatus: status,
        visibleToCitizen: true,
        departmentId: ref.to_department_id,
      },
      {
        action: "case.refer",
        actorUserId: actor.id,
        departmentId: ref.to_department_id,
        entityType: "case",
        entityId: c.id,
        detail: { step: "accept", referralId: ref.id, fromDepartmentId: ref.from_department_id },
      },
    );
    await queueCaseMessage(trx, c, {
      kind: "referralAccepted",
      eventId,
      departmentId: ref.to_department_id,
      toDepartmentId: ref.to_department_id,
      fromDepartmentId: ref.from_department_id,
      replyDue: d.replyDue,
    });
    return { ok: true as const, caseId: c.id };
  });
}

/**
 * The receiving department returns a referral with a note saying why: the case goes back to the
 * sending department in the status it had before, a 'refer-return' event. Audited.
 */
export async function returnReferral(
  db: Db,
  actor: { id: number; departmentId: number },
  referralId: number,
  input: { note: string },
  now: Date = new Date(),
): Promise<{ ok: true; caseId: number } | { ok: false; error: ReferralDecisionError }> {
  const note = input.note.trim();
  if (!note) return { ok: false, error: "noteRequired" };
  return db.transaction().execute(async (trx) => {
    const ref = await pendingFor(trx, referralId, actor.departmentId);
    if (!ref) return { ok: false as const, error: "notFound" as const };
    const c = await trx
      .selectFrom("cases")
      .selectAll()
      .where("id", "=", ref.case_id)
      .executeTakeFirstOrThrow();
    if (!canMove(c.status, "return-referral")) return { ok: false as const, error: "notFound" as const };
    const at = nowIso(now);
    const decided = await trx
      .updateTable("case_referrals")
      .set({ status: "returned", decided_by: actor.id, decided_at: at, decision_note: note })
      .where("id", "=", ref.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) return { ok: false as const, error: "notFound" as const };
    const referEvent = await trx
      .selectFrom("case_events")
      .select("from_status")
      .where("case_id", "=", c.id)
      .where("kind", "=", "refer")
      .orderBy("id", "desc")
      .executeTakeFirst();
    const previous = (referEvent?.from_status ?? "received") as CaseStatus;
    const moved = await transition(trx, c, "return-referral", previous, { updated_at: at });
    if (!moved) throw new Error(`Case ${c.id} moved while its referral was returned`);
    const eventId = await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: actor.id,
        kind: "refer-return",
        fromStatus: "referred",
        toStatus: previous,
        body: note,
        visibleToCitizen: false,
        departmentId: actor.departmentId,
      },
      {
        action: "case.refer",
        actorUserId: actor.id,
        departmentId: ref.from_department_id,
        entityType: "case",
        entityId: c.id,
        detail: { step: "return", referralId: ref.id, byDepartmentId: actor.departmentId },
      },
    );
    // Never the note (between departments): only who goes on handling the case.
    await queueCaseMessage(trx, c, {
      kind: "referralReturned",
      eventId,
      departmentId: ref.from_department_id,
      toDepartmentId: ref.to_department_id,
    });
    return { ok: true as const, caseId: c.id };
  });
}

export interface IncomingReferral {
  id: number;
  case_id: number;
  reference: string;
  reason: string;
  created_at: string;
  received_at: string;
  what_happened: string;
  from_code: string;
  from_name_en: string;
  from_name_zh: string;
  service_en: string | null;
  service_zh: string | null;
}

/** Referrals waiting for a department's decision, oldest first. No contact details. */
export async function listIncomingReferrals(db: Db, departmentId: number): Promise<IncomingReferral[]> {
  return db
    .selectFrom("case_referrals as r")
    .innerJoin("cases as c", "c.id", "r.case_id")
    .innerJoin("departments as d", "d.id", "r.from_department_id")
    .leftJoin("services as s", "s.id", "c.service_id")
    .select([
      "r.id",
      "r.case_id",
      "c.reference",
      "r.reason",
      "r.created_at",
      "c.received_at",
      "c.what_happened",
      "d.code as from_code",
      "d.name_en as from_name_en",
      "d.name_zh as from_name_zh",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
    ])
    .where("r.to_department_id", "=", departmentId)
    .where("r.status", "=", "pending")
    .orderBy("r.id")
    .execute();
}

/** A case's pending referral (with the receiving department's names), or undefined. */
export async function pendingReferralOf(db: Db, caseId: number) {
  return db
    .selectFrom("case_referrals as r")
    .innerJoin("departments as d", "d.id", "r.to_department_id")
    .select([
      "r.id",
      "r.reason",
      "r.created_at",
      "d.code as to_code",
      "d.name_en as to_name_en",
      "d.name_zh as to_name_zh",
    ])
    .where("r.case_id", "=", caseId)
    .where("r.status", "=", "pending")
    .executeTakeFirst();
}
