import type { Db } from "../../../db/client";
import type { CaseStatus } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { clockStopsOf } from "../cases/deadlines.server";
import { recordCaseEvent } from "../cases/lifecycle.server";
import { getCaseSettings } from "../cases/settings.server";
import { nowIso } from "./time";
import { dueDateAfterClosureChange } from "./working-days";

/*
 * Closure days: typhoon signal No. 8 or a black rainstorm warning closes offices, and the day is
 * then no working day (working-days.ts). A department's administrator enters the department's
 * own; the central bureau (central_reviewer, system_admin) enters territory-wide ones
 * (department_id null), which count for every department.
 *
 * Entering or removing one moves, in the same transaction, the due dates of the open cases whose
 * deadline window covers the day; each move is a case event ('deadline', staff only) and an audit
 * event.
 */

/** Whose closure days: one department's, or the territory-wide ones (null). */
export type ClosureScope = number | null;

export type ClosureError = "date" | "duplicate";

export interface ClosureInput {
  date: string;
  reasonEn: string;
  reasonZh: string;
}

/**
 * States whose due dates a closure day moves: the deadline may still be running, or its
 * met/not met is decided later from the stored due date (replied, decided at closing). Not
 * closed (met is stored, history), not awaiting the customer (no due date while the clock is
 * stopped; the restart recomputes it with every closure day), not referred (the receiving
 * department computes new deadlines when it accepts).
 */
const UNMOVED_STATUSES: CaseStatus[] = ["closed", "awaiting_customer", "referred"];

/** What the history shows for a 'deadline' event: the day, and each due date that moved. */
export interface DeadlineMove {
  date: string;
  closed: boolean;
  ack?: [string, string];
  reply?: [string, string];
}

/** A deadline event's body, or null if it is not one we wrote. */
export function parseDeadlineMove(body: string | null): DeadlineMove | null {
  if (!body) return null;
  try {
    const v = JSON.parse(body) as DeadlineMove;
    return typeof v.date === "string" && typeof v.closed === "boolean" ? v : null;
  } catch {
    return null;
  }
}

const isRealDate = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
};

/**
 * The closure days a page lists: a department's own and the territory-wide ones (scope a
 * department), or the territory-wide ones only (scope null). Newest first.
 */
export async function listClosureDays(db: Db, scope: ClosureScope) {
  return db
    .selectFrom("closure_days")
    .selectAll()
    .where((eb) =>
      scope == null
        ? eb("department_id", "is", null)
        : eb.or([eb("department_id", "is", null), eb("department_id", "=", scope)]),
    )
    .orderBy("date", "desc")
    .orderBy("id", "desc")
    .execute();
}

/**
 * Enters a closure day for a department (or territory-wide, scope null) and moves the due dates it
 * covers. A real date is required, and one not already a closure day of that scope. Audited.
 */
export async function addClosureDay(
  db: Db,
  actor: { id: number },
  scope: ClosureScope,
  input: ClosureInput,
  now: Date = new Date(),
): Promise<{ ok: true; id: number; moved: number } | { ok: false; error: ClosureError }> {
  if (!isRealDate(input.date)) return { ok: false, error: "date" };
  return db.transaction().execute(async (trx) => {
    const same = await trx
      .selectFrom("closure_days")
      .select("id")
      .where("date", "=", input.date)
      .where((eb) =>
        scope == null
          ? eb("department_id", "is", null)
          : // A department's day that is already closed territory-wide is not entered twice.
            eb.or([eb("department_id", "is", null), eb("department_id", "=", scope)]),
      )
      .executeTakeFirst();
    if (same) return { ok: false as const, error: "duplicate" as const };
    const at = nowIso(now);
    const row = await trx
      .insertInto("closure_days")
      .values({
        date: input.date,
        department_id: scope,
        reason_en: input.reasonEn,
        reason_zh: input.reasonZh,
        created_by: actor.id,
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const moved = await moveDueDates(trx, actor, { id: row.id, date: input.date, scope }, true, at);
    await recordAudit(
      trx,
      {
        action: "closure-day.create",
        actorUserId: actor.id,
        departmentId: scope,
        entityType: "closure_day",
        entityId: row.id,
        detail: { date: input.date, territoryWide: scope == null, casesMoved: moved },
      },
      now,
    );
    return { ok: true as const, id: row.id, moved };
  });
}

/**
 * Removes a closure day of the scope (a department's own, or a territory-wide one for scope null;
 * anything else is not found) and moves back the due dates it had moved. Audited.
 */
export async function removeClosureDay(
  db: Db,
  actor: { id: number },
  scope: ClosureScope,
  closureId: number,
  now: Date = new Date(),
): Promise<{ ok: true; moved: number } | { ok: false; error: "notFound" }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("closure_days")
      .selectAll()
      .where("id", "=", closureId)
      .where((eb) => (scope == null ? eb("department_id", "is", null) : eb("department_id", "=", scope)))
      .executeTakeFirst();
    if (!row) return { ok: false as const, error: "notFound" as const };
    await trx.deleteFrom("closure_days").where("id", "=", row.id).execute();
    const at = nowIso(now);
    const moved = await moveDueDates(trx, actor, { id: row.id, date: row.date, scope }, false, at);
    await recordAudit(
      trx,
      {
        action: "closure-day.delete",
        actorUserId: actor.id,
        departmentId: scope,
        entityType: "closure_day",
        entityId: row.id,
        detail: { date: row.date, territoryWide: scope == null, casesMoved: moved },
      },
      now,
    );
    return { ok: true as const, moved };
  });
}

/**
 * Moves the due dates of the open cases (of the department, or of every department) that the
 * closure day's change covers; returns how many cases moved. Only working-day targets move
 * (the department's current unit for each step); the rule is dueDateAfterClosureChange.
 */
async function moveDueDates(
  trx: Db,
  actor: { id: number },
  closure: { id: number; date: string; scope: ClosureScope },
  closed: boolean,
  at: string,
): Promise<number> {
  let q = trx
    .selectFrom("cases")
    .select(["id", "department_id", "received_at", "ack_due", "reply_due"])
    .where("status", "not in", UNMOVED_STATUSES)
    // A day after both due dates moves neither (the exact window is checked below).
    .where((eb) => eb.or([eb("ack_due", ">=", closure.date), eb("reply_due", ">=", closure.date)]))
    .orderBy("id");
  if (closure.scope != null) q = q.where("department_id", "=", closure.scope);
  const cases = await q.execute();
  if (cases.length === 0) return 0;

  const stops = await clockStopsOf(
    trx,
    cases.map((c) => c.id),
  );
  const departments = new Map<number, { ackWorking: boolean; replyWorking: boolean; others: Set<string> }>();
  let moved = 0;
  for (const c of cases) {
    let dept = departments.get(c.department_id);
    if (!dept) {
      const settings = await getCaseSettings(trx, c.department_id);
      // The other closure days of this department (this one is excluded, or already deleted).
      const rows = await trx
        .selectFrom("closure_days")
        .select("date")
        .where("id", "!=", closure.id)
        .where((eb) => eb.or([eb("department_id", "is", null), eb("department_id", "=", c.department_id)]))
        .execute();
      dept = {
        ackWorking: settings.ack_unit === "working",
        replyWorking: settings.reply_unit === "working",
        others: new Set(rows.map((r) => r.date)),
      };
      departments.set(c.department_id, dept);
    }
    const options = { closures: dept.others, stops: stops.get(c.id) ?? [] };
    const change = { date: closure.date, closed };
    const ack =
      dept.ackWorking && c.ack_due
        ? dueDateAfterClosureChange(c.received_at, c.ack_due, change, options)
        : c.ack_due;
    const reply =
      dept.replyWorking && c.reply_due
        ? dueDateAfterClosureChange(c.received_at, c.reply_due, change, options)
        : c.reply_due;
    if (ack === c.ack_due && reply === c.reply_due) continue;

    const move: DeadlineMove = { date: closure.date, closed };
    if (ack !== c.ack_due && c.ack_due && ack) move.ack = [c.ack_due, ack];
    if (reply !== c.reply_due && c.reply_due && reply) move.reply = [c.reply_due, reply];
    await trx
      .updateTable("cases")
      .set({ ack_due: ack, reply_due: reply, updated_at: at })
      .where("id", "=", c.id)
      .execute();
    await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at,
        actorUserId: actor.id,
        kind: "deadline",
        body: JSON.stringify(move),
        visibleToCitizen: false,
        departmentId: c.department_id,
      },
      {
        action: "case.deadline-move",
        actorUserId: actor.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
        detail: {
          closureDayId: closure.id,
          date: closure.date,
          closed,
          ackFrom: move.ack?.[0] ?? null,
          ackTo: move.ack?.[1] ?? null,
          replyFrom: move.reply?.[0] ?? null,
          replyTo: move.reply?.[1] ?? null,
        },
      },
    );
    moved++;
  }
  return moved;
}
