import type { Db } from "../../../db/client";
import type { Appeal, AppealOutcome, Case } from "../../../db/schema";
import { hkDate, nowIso } from "../calendar/time";
import { dueDate, isMet } from "../calendar/working-days";
import type { Role } from "../staff/schema";
import { departmentClosureDates } from "./deadlines.server";
import { canMove } from "./lifecycle";
import { canDecideAppeal, type DecideBlock, recordCaseEvent } from "./lifecycle.server";
import { queueCaseMessage } from "./messages.server";
import { getCaseSettings } from "./settings.server";

/*
 * Appeals against how a case was decided: lodged by the citizen (tracking page) or staff, decided
 * by an independent reviewer. Both are moves of the case's lifecycle that leave its status as it
 * is ('lodge-appeal', 'decide-appeal' in CASE_TRANSITIONS); their guards are canLodgeAppeal and
 * canDecideAppeal.
 */

export type LodgeError = "notReplied" | "outOfTime" | "alreadyOpen" | "groundsRequired";

export async function openAppeal(db: Db, caseId: number): Promise<Appeal | undefined> {
  return db
    .selectFrom("appeals")
    .selectAll()
    .where("case_id", "=", caseId)
    .where("decided_at", "is", null)
    .executeTakeFirst();
}

/** The last day an appeal may be lodged (HK date), or null before the reply. */
export async function appealDeadline(
  db: Db,
  c: Pick<Case, "department_id" | "replied_at">,
): Promise<string | null> {
  if (!c.replied_at) return null;
  const settings = await getCaseSettings(db, c.department_id);
  return dueDate(c.replied_at, { days: settings.appeal_window_days, unit: "calendar" });
}

/**
 * Lodges an appeal against how a case was decided: only after the reply, within the department's
 * appeal period, one open appeal at a time. The original handler is recorded so that someone
 * else reviews it. Audited; the citizen sees it in the case's history.
 */
export async function lodgeAppeal(
  db: Db,
  c: Case,
  input: { by: "citizen" | "staff"; userId?: number | null; grounds: string },
  now: Date = new Date(),
): Promise<{ ok: true; id: number } | { ok: false; error: LodgeError }> {
  const grounds = input.grounds.trim();
  if (!grounds) return { ok: false, error: "groundsRequired" };
  if (!c.replied_at || !canMove(c.status, "lodge-appeal")) return { ok: false, error: "notReplied" };
  const last = await appealDeadline(db, c);
  if (!last || hkDate(now) > last) return { ok: false, error: "outOfTime" };
  if (await openAppeal(db, c.id)) return { ok: false, error: "alreadyOpen" };
  const settings = await getCaseSettings(db, c.department_id);
  const closures = await departmentClosureDates(db, c.department_id);
  const at = nowIso(now);
  const handler =
    c.assigned_to ??
    (
      await db
        .selectFrom("case_events")
        .select("actor_user_id")
        .where("case_id", "=", c.id)
        .where("kind", "=", "reply")
        .orderBy("id", "desc")
        .executeTakeFirst()
    )?.actor_user_id ??
    null;
  const due = dueDate(
    at,
    { days: settings.appeal_reply_days, unit: settings.appeal_reply_unit },
    { closures },
  );
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("appeals")
      .values({
        case_id: c.id,
        lodged_at: at,
        lodged_by: input.by,
        lodged_by_user: input.userId ?? null,
        grounds,
        original_handler_id: handler,
        reviewer_id: null,
        due,
        outcome: null,
        reply: null,
        decided_at: null,
        met: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const eventId = await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: input.userId ?? null,
        kind: "appeal",
        visibleToCitizen: true,
        departmentId: c.department_id,
      },
      {
        action: "appeal.lodge",
        actorUserId: input.userId ?? null,
        departmentId: c.department_id,
        entityType: "appeal",
        entityId: row.id,
        detail: { by: input.by },
      },
    );
    await queueCaseMessage(trx, c, { kind: "appealLodged", eventId, due });
    return { ok: true as const, id: row.id };
  });
}

export type DecideError = DecideBlock | "notOpen" | "replyRequired";

/**
 * Decides an appeal: by an officer of the case's department who never handled the case (see
 * canDecideAppeal) and is of the same or a higher rank than the one who did. Stores whether the appeal's own deadline was
 * met. Audited; the citizen sees the outcome and the reply.
 */
export async function decideAppeal(
  db: Db,
  reviewer: { id: number; role: Role; departmentId: number | null },
  appealId: number,
  input: { outcome: AppealOutcome; reply: string },
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: DecideError }> {
  const appeal = await db.selectFrom("appeals").selectAll().where("id", "=", appealId).executeTakeFirst();
  if (!appeal || appeal.decided_at) return { ok: false, error: "notOpen" };
  const c = await db
    .selectFrom("cases")
    .selectAll()
    .where("id", "=", appeal.case_id)
    .executeTakeFirstOrThrow();
  const may = await canDecideAppeal(db, reviewer, appeal, c);
  if (!may.ok) return may;
  const reply = input.reply.trim();
  if (!reply) return { ok: false, error: "replyRequired" };
  const at = nowIso(now);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("appeals")
      .set({
        reviewer_id: reviewer.id,
        outcome: input.outcome,
        reply,
        decided_at: at,
        met: appeal.due ? (isMet(at, appeal.due) ? 1 : 0) : null,
      })
      .where("id", "=", appeal.id)
      .execute();
    const eventId = await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: reviewer.id,
        kind: "appeal-decision",
        toStatus: input.outcome,
        body: reply,
        visibleToCitizen: true,
        departmentId: c.department_id,
      },
      {
        action: "appeal.decide",
        actorUserId: reviewer.id,
        departmentId: c.department_id,
        entityType: "appeal",
        entityId: appeal.id,
        detail: { outcome: input.outcome },
      },
    );
    await queueCaseMessage(trx, c, { kind: "appealDecided", eventId, outcome: input.outcome, reply });
  });
  return { ok: true };
}
