import type { Db } from "../../../db/client";
import type { Appeal, AppealOutcome, Case } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import { dueDate, isMet } from "../calendar/working-days";
import type { Role } from "../staff/schema";
import { closureDays, getCaseSettings } from "./case.server";

/** Seniority for appeal reviews: the reviewer must be of the same or a higher rank than the handler. */
export const RANK: Record<Role, number> = {
  counter_staff: 1,
  case_officer: 2,
  manager: 3,
  department_admin: 3,
  central_reviewer: 0,
  system_admin: 0,
};

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
  if (!c.replied_at || !["replied", "closed"].includes(c.status)) return { ok: false, error: "notReplied" };
  const last = await appealDeadline(db, c);
  if (!last || hkDate(now) > last) return { ok: false, error: "outOfTime" };
  if (await openAppeal(db, c.id)) return { ok: false, error: "alreadyOpen" };
  const settings = await getCaseSettings(db, c.department_id);
  const closures = await closureDays(db, c.department_id);
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
        due: dueDate(
          at,
          { days: settings.appeal_reply_days, unit: settings.appeal_reply_unit },
          { closures },
        ),
        outcome: null,
        reply: null,
        decided_at: null,
        met: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("case_events")
      .values({
        case_id: c.id,
        at,
        actor_user_id: input.userId ?? null,
        kind: "appeal",
        from_status: null,
        to_status: null,
        body: null,
        visible_to_citizen: 1,
        department_id: c.department_id,
      })
      .execute();
    await recordAudit(trx, {
      action: "appeal.lodge",
      actorUserId: input.userId ?? null,
      departmentId: c.department_id,
      entityType: "appeal",
      entityId: row.id,
      detail: { by: input.by },
    });
    return { ok: true as const, id: row.id };
  });
}

export type DecideError =
  | "originalHandler"
  | "involved"
  | "rankTooLow"
  | "notOpen"
  | "replyRequired"
  | "otherDepartment";

/**
 * Everyone who has handled a case: its assignee now or at any time before (the 'assign' events),
 * whoever replied on it, the recorded original handlers of its appeals and whoever decided one.
 * None of them may decide an appeal on it: the review must be independent.
 */
export async function caseHandlerIds(db: Db, c: Pick<Case, "id" | "assigned_to">): Promise<Set<number>> {
  const [events, appeals] = await Promise.all([
    db
      .selectFrom("case_events")
      .select(["kind", "actor_user_id", "body"])
      .where("case_id", "=", c.id)
      .where("kind", "in", ["assign", "reply", "appeal-decision"])
      .execute(),
    db
      .selectFrom("appeals")
      .select(["original_handler_id", "reviewer_id"])
      .where("case_id", "=", c.id)
      .execute(),
  ]);
  const ids = new Set<number>();
  const add = (id: number | null | undefined) => {
    if (id != null && Number.isInteger(id)) ids.add(id);
  };
  add(c.assigned_to);
  // An 'assign' event's body is the id of the officer given the case (null body: unassigned).
  for (const e of events) add(e.kind === "assign" ? (e.body ? Number(e.body) : null) : e.actor_user_id);
  for (const a of appeals) {
    add(a.original_handler_id);
    add(a.reviewer_id);
  }
  return ids;
}

/**
 * Why a member of staff may not decide an open appeal, or null if they may: they must be of the
 * case's department, must never have handled the case (caseHandlerIds), and must be of the same
 * or a higher rank than its original handler. The case page asks this to offer the form or not;
 * decideAppeal asks it again before writing anything.
 */
export async function appealDecideBlock(
  db: Db,
  reviewer: { id: number; role: Role; departmentId: number | null },
  appeal: Pick<Appeal, "original_handler_id">,
  c: Pick<Case, "id" | "department_id" | "assigned_to">,
): Promise<Exclude<DecideError, "notOpen" | "replyRequired"> | null> {
  if (reviewer.departmentId !== c.department_id) return "otherDepartment";
  if (appeal.original_handler_id === reviewer.id) return "originalHandler";
  if ((await caseHandlerIds(db, c)).has(reviewer.id)) return "involved";
  if (appeal.original_handler_id != null) {
    const handler = await db
      .selectFrom("staff_users")
      .select("role")
      .where("id", "=", appeal.original_handler_id)
      .executeTakeFirst();
    if (handler && RANK[reviewer.role] < RANK[handler.role]) return "rankTooLow";
  } else if (RANK[reviewer.role] < RANK.case_officer) return "rankTooLow";
  return null;
}

/**
 * Decides an appeal: by an officer of the case's department who never handled the case (see
 * appealDecideBlock) and is of the same or a higher rank than the one who did. Stores whether the appeal's own deadline was
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
  const block = await appealDecideBlock(db, reviewer, appeal, c);
  if (block) return { ok: false, error: block };
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
    await trx
      .insertInto("case_events")
      .values({
        case_id: c.id,
        at,
        actor_user_id: reviewer.id,
        kind: "appeal-decision",
        from_status: null,
        to_status: input.outcome,
        body: reply,
        visible_to_citizen: 1,
        department_id: c.department_id,
      })
      .execute();
    await recordAudit(trx, {
      action: "appeal.decide",
      actorUserId: reviewer.id,
      departmentId: c.department_id,
      entityType: "appeal",
      entityId: appeal.id,
      detail: { outcome: input.outcome },
    });
  });
  return { ok: true };
}
