import type { Insertable, Updateable } from "kysely";
import type { Db } from "../../../db/client";
import type { Appeal, Case, CaseEventKind, CaseStatus, CaseTable } from "../../../db/schema";
import { type AuditInput, recordAudit } from "../audit/audit.server";
import { hkMonth, nowIso } from "../calendar/time";
import { isMet } from "../calendar/working-days";
import { markResultsStale } from "../pledges/stored-results.server";
import type { Role } from "../staff/schema";
import { computeDeadlines } from "./deadlines.server";
import { CASE_TRANSITIONS, type CaseMove, canMove, type MoveTarget, RANK, type StaffMove } from "./lifecycle";
import { type CaseMessageKind, queueCaseMessage, queueCaseSurveyInvitation } from "./messages.server";

/*
 * The writes of a case's lifecycle. `transition` is the only code that changes `cases.status`
 * (and `openCase` the only one that inserts a case); `recordCaseEvent` the only one that writes a
 * case event, always with its audit row. The table of moves is lifecycle.ts.
 */

export interface CaseEventInput {
  caseId: number;
  at: string;
  actorUserId: number | null;
  kind: CaseEventKind;
  fromStatus?: string | null;
  toStatus?: string | null;
  body?: string | null;
  visibleToCitizen: boolean;
  departmentId: number;
}

/** Writes one case event and its audit row, in the caller's transaction; returns the event's id. */
export async function recordCaseEvent(trx: Db, event: CaseEventInput, audit: AuditInput): Promise<number> {
  const row = await trx
    .insertInto("case_events")
    .values({
      case_id: event.caseId,
      at: event.at,
      actor_user_id: event.actorUserId,
      kind: event.kind,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      body: event.body ?? null,
      visible_to_citizen: event.visibleToCitizen ? 1 : 0,
      department_id: event.departmentId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit);
  return row.id;
}

/** Targets resolved from the case by the caller (see MoveTarget). */
const DERIVED_TARGETS: readonly MoveTarget[] = ["before-stop", "before-referral", "on-acceptance"];

/**
 * THE change of a case's status: allowed by the table from the status read (`c.status`), and
 * guarded by it in the update, so a concurrent move makes this touch nothing (false). `to` must be
 * what the move's target names (a derived target is resolved by the caller from the case).
 * Other columns the move changes come in `patch`, in the same update.
 */
export async function transition(
  trx: Db,
  c: { id: number; status: CaseStatus },
  move: CaseMove,
  to: CaseStatus,
  patch: Omit<Updateable<CaseTable>, "status"> = {},
): Promise<boolean> {
  const target: MoveTarget = CASE_TRANSITIONS[move].to;
  if (target === "unchanged" || (!DERIVED_TARGETS.includes(target) && target !== to)) {
    throw new Error(`The move ${move} does not lead to ${to}`);
  }
  if (!canMove(c.status, move)) return false;
  const moved = await trx
    .updateTable("cases")
    .set({ ...patch, status: to })
    .where("id", "=", c.id)
    .where("status", "=", c.status)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/**
 * Inserts a new case in the table's first state ('received') with its opening event and audit
 * row (`case.create`). The reference, deadlines and contact encryption are the caller's
 * (createCase in intake.server.ts).
 */
export async function openCase(trx: Db, values: Omit<Insertable<CaseTable>, "status">): Promise<number> {
  const status = CASE_TRANSITIONS.open.to;
  const row = await trx
    .insertInto("cases")
    .values({ ...values, status })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordCaseEvent(
    trx,
    {
      caseId: row.id,
      at: values.received_at,
      actorUserId: values.created_by ?? null,
      kind: "transition",
      fromStatus: null,
      toStatus: status,
      visibleToCitizen: true,
      departmentId: values.department_id,
    },
    {
      action: "case.create",
      actorUserId: values.created_by ?? null,
      departmentId: values.department_id,
      entityType: "case",
      entityId: row.id,
      detail: { channel: values.channel },
    },
  );
  return row.id;
}

export type MoveResult =
  | { ok: true; status: CaseStatus }
  | { ok: false; error: "notAllowed" | "reasonRequired" | "replyRequired" };

/**
 * An officer's move of a case (STAFF_MOVES): stopping the clock needs a reason and replying
 * needs the reply's text. Deadlines are recomputed after a stop starts or ends; on closing,
 * whether each deadline was met is stored and never recomputed. Every move is an audit event.
 */
export async function moveCase(
  db: Db,
  actor: { id: number; departmentId: number | null },
  caseId: number,
  action: StaffMove,
  input: { reason?: string; body?: string } = {},
  now: Date = new Date(),
): Promise<MoveResult> {
  return db.transaction().execute((trx) => applyMove(trx, actor.id, caseId, action, input, now));
}

/** The messages the citizen gets for an officer's moves (the others are internal steps). */
const MOVE_MESSAGES: Partial<Record<StaffMove, CaseMessageKind>> = {
  reply: "reply",
  "stop-clock": "clockStopped",
  resume: "clockRestarted",
  close: "closed",
};

/**
 * moveCase inside the caller's transaction; `actorId` null is the citizen (their answer from
 * /track restarts the clock). The citizen is told of the move (queueCaseMessage) in the same
 * transaction.
 */
export async function applyMove(
  trx: Db,
  actorId: number | null,
  caseId: number,
  action: StaffMove,
  input: { reason?: string; body?: string } = {},
  now: Date = new Date(),
): Promise<MoveResult> {
  const c = await trx.selectFrom("cases").selectAll().where("id", "=", caseId).executeTakeFirstOrThrow();
  if (!canMove(c.status, action)) return { ok: false as const, error: "notAllowed" as const };
  const at = nowIso(now);
  const reason = input.reason?.trim() ?? "";
  const body = input.body?.trim() ?? "";
  if (action === "stop-clock" && !reason) return { ok: false as const, error: "reasonRequired" as const };
  if (action === "reply" && !body) return { ok: false as const, error: "replyRequired" as const };
  const target = CASE_TRANSITIONS[action].to;
  const to: CaseStatus = target === "before-stop" ? (c.status_before_stop ?? "received") : target;
  const patch: Omit<Updateable<CaseTable>, "status"> = { updated_at: at };
  if (action === "acknowledge") patch.acknowledged_at = at;
  if (action === "reply") patch.replied_at = at;
  if (action === "stop-clock") patch.status_before_stop = c.status;
  if (action === "resume") patch.status_before_stop = null;
  if (action === "reopen") patch.closed_at = null;
  if (action === "close") {
    patch.closed_at = at;
    // Stored once, at closing: later changes to holidays or settings never rewrite history.
    patch.ack_met = c.acknowledged_at && c.ack_due ? (isMet(c.acknowledged_at, c.ack_due) ? 1 : 0) : 0;
    patch.reply_met = c.replied_at && c.reply_due ? (isMet(c.replied_at, c.reply_due) ? 1 : 0) : 0;
  }
  if (!(await transition(trx, c, action, to, patch)))
    return { ok: false as const, error: "notAllowed" as const };
  if (action === "stop-clock") {
    await trx
      .insertInto("case_clock_stops")
      .values({ case_id: c.id, from_at: at, to_at: null, reason })
      .execute();
  }
  if (action === "resume") {
    await trx
      .updateTable("case_clock_stops")
      .set({ to_at: at })
      .where("case_id", "=", c.id)
      .where("to_at", "is", null)
      .execute();
  }
  if (action === "resume" || action === "stop-clock") {
    const d = await computeDeadlines(trx, c);
    await trx
      .updateTable("cases")
      .set({ ack_due: d.ackDue, reply_due: d.replyDue })
      .where("id", "=", c.id)
      .execute();
  }
  // On closing, the survey invitation (when one goes) says the case is closed: one e-mail.
  const invited = action === "close" && (await queueCaseSurveyInvitation(trx, c));
  // Case-timeliness pledges count acknowledgements and replies by the month they happened.
  if (action === "acknowledge" || action === "reply" || action === "close")
    await markResultsStale(trx, [{ departmentId: c.department_id, month: hkMonth(at) }]);
  const eventId = await recordCaseEvent(
    trx,
    {
      caseId: c.id,
      at,
      actorUserId: actorId,
      kind: action === "reply" ? "reply" : "transition",
      fromStatus: c.status,
      toStatus: to,
      body: action === "reply" ? body : action === "stop-clock" ? reason : null,
      visibleToCitizen: true,
      departmentId: c.department_id,
    },
    {
      action: "case.move",
      actorUserId: actorId,
      departmentId: c.department_id,
      entityType: "case",
      entityId: c.id,
      detail: { action, from: c.status, to },
    },
  );
  const message = MOVE_MESSAGES[action];
  if (message && !invited) {
    const fresh = await trx
      .selectFrom("cases")
      .select("reply_due")
      .where("id", "=", c.id)
      .executeTakeFirstOrThrow();
    await queueCaseMessage(trx, c, {
      kind: message,
      eventId,
      reply: body,
      needed: reason,
      replyDue: fresh.reply_due,
      repliedAt: at,
    });
  }
  return { ok: true as const, status: to };
}

/**
 * A case handled before it reached the system (demo data, an import): received, replied and
 * closed at `at`, the acknowledgement met and the reply met or not as recorded.
 */
export async function recordHandledCase(
  trx: Db,
  c: { id: number; department_id: number },
  input: { at: string; replyMet: boolean; reply: string },
): Promise<void> {
  const { at } = input;
  const moved = await transition(trx, { id: c.id, status: "received" }, "record-handled", "closed", {
    acknowledged_at: at,
    replied_at: at,
    closed_at: at,
    ack_met: 1,
    reply_met: input.replyMet ? 1 : 0,
    updated_at: at,
  });
  if (!moved) throw new Error(`Case ${c.id} is not a newly received case`);
  await markResultsStale(trx, [{ departmentId: c.department_id, month: hkMonth(at) }]);
  await recordCaseEvent(
    trx,
    {
      caseId: c.id,
      at,
      actorUserId: null,
      kind: "reply",
      fromStatus: "received",
      toStatus: "replied",
      body: input.reply,
      visibleToCitizen: true,
      departmentId: c.department_id,
    },
    {
      action: "case.move",
      actorUserId: null,
      departmentId: c.department_id,
      entityType: "case",
      entityId: c.id,
      detail: { action: "record-handled", from: "received", to: "closed" },
    },
  );
}

// ---- Who may decide an appeal (the guard of 'decide-appeal') ----

export type DecideBlock = "otherDepartment" | "originalHandler" | "involved" | "rankTooLow";

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
 * Whether a member of staff may decide an open appeal, and if not why: they must be of the case's
 * department, must never have handled the case (caseHandlerIds), and must be of the same or a
 * higher rank than its original handler. The case page asks this to offer the form or not;
 * decideAppeal asks it again before writing anything.
 */
export async function canDecideAppeal(
  db: Db,
  reviewer: { id: number; role: Role; departmentId: number | null },
  appeal: Pick<Appeal, "original_handler_id">,
  c: Pick<Case, "id" | "department_id" | "assigned_to">,
): Promise<{ ok: true } | { ok: false; error: DecideBlock }> {
  const no = (error: DecideBlock) => ({ ok: false as const, error });
  if (reviewer.departmentId !== c.department_id) return no("otherDepartment");
  if (appeal.original_handler_id === reviewer.id) return no("originalHandler");
  if ((await caseHandlerIds(db, c)).has(reviewer.id)) return no("involved");
  if (appeal.original_handler_id != null) {
    const handler = await db
      .selectFrom("staff_users")
      .select("role")
      .where("id", "=", appeal.original_handler_id)
      .executeTakeFirst();
    if (handler && RANK[reviewer.role] < RANK[handler.role]) return no("rankTooLow");
  } else if (RANK[reviewer.role] < RANK.case_officer) return no("rankTooLow");
  return { ok: true };
}
