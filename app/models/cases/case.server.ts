import type { Updateable } from "kysely";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { Case, CaseSettings, CaseStatus, CaseTable, DayUnit } from "../../../db/schema";
import { decryptPii, encryptPii } from "../../utils/crypto.server";
import { recordAudit } from "../audit/audit.server";
import { hkMonth, nowIso } from "../calendar/time";
import { type ClockStop, dueDate, isMet } from "../calendar/working-days";
import { queueCaseAcknowledgement, queueCaseSurveyInvitation } from "./messages.server";
import { makeReference } from "./reference";

/** Pledged handling times when a department has set none (domain.md's usual pledges). */
export const DEFAULT_CASE_SETTINGS = {
  ack_days: 5,
  ack_unit: "working" as DayUnit,
  reply_days: 30,
  reply_unit: "calendar" as DayUnit,
  appeal_window_days: 30,
  appeal_reply_days: 20,
  appeal_reply_unit: "working" as DayUnit,
  purge_after_days: 730,
};

export async function getCaseSettings(
  db: Db,
  departmentId: number,
): Promise<Omit<CaseSettings, "updated_at">> {
  const row = await db
    .selectFrom("case_settings")
    .selectAll()
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
  return row ?? { department_id: departmentId, ...DEFAULT_CASE_SETTINGS };
}

/** Closure days (typhoon, black rainstorm) that apply to a department: its own and government-wide. */
export async function closureDays(db: Db, departmentId: number): Promise<Set<string>> {
  const rows = await db
    .selectFrom("closure_days")
    .select("date")
    .where((eb) => eb.or([eb("department_id", "is", null), eb("department_id", "=", departmentId)]))
    .execute();
  return new Set(rows.map((r) => r.date));
}

export async function clockStops(db: Db, caseId: number): Promise<ClockStop[]> {
  const rows = await db
    .selectFrom("case_clock_stops")
    .select(["from_at", "to_at"])
    .where("case_id", "=", caseId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ from: r.from_at, to: r.to_at }));
}

/** The clock stops of many cases at once (pledge results over a month of cases): one query a thousand cases. */
export async function clockStopsOf(db: Db, caseIds: readonly number[]): Promise<Map<number, ClockStop[]>> {
  const out = new Map<number, ClockStop[]>();
  for (let i = 0; i < caseIds.length; i += 1000) {
    const rows = await db
      .selectFrom("case_clock_stops")
      .select(["case_id", "from_at", "to_at"])
      .where("case_id", "in", caseIds.slice(i, i + 1000))
      .orderBy("id")
      .execute();
    for (const r of rows) {
      const list = out.get(r.case_id) ?? [];
      list.push({ from: r.from_at, to: r.to_at });
      out.set(r.case_id, list);
    }
  }
  return out;
}

/** The next reference of a department in a month, from a per-(department, month) counter. */
async function nextReference(
  trx: Db,
  departmentId: number,
  code: string,
  receivedAt: string,
): Promise<string> {
  const period = hkMonth(receivedAt).slice(2).replace("-", ""); // 2026-11 → 2611
  const row = await trx
    .insertInto("case_sequences")
    .values({ department_id: departmentId, period, last_value: 1 })
    .onConflict((oc) =>
      oc
        .columns(["department_id", "period"])
        .doUpdateSet({ last_value: sql<number>`case_sequences.last_value + 1` }),
    )
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return makeReference(code, period, Number(row.last_value));
}

export interface NewCaseInput {
  departmentId: number;
  serviceId: number | null;
  channel: string;
  language: "en" | "zh-HK";
  whatHappened: string;
  desiredOutcome: string;
  contact: { name?: string | null; email?: string | null; phone?: string | null };
  consent: boolean;
  createdBy?: number | null;
  feedbackId?: number | null;
  receivedAt?: string;
}

/** Computes both pledged deadlines of a case from its receipt, closures and clock stops. */
export async function computeDeadlines(
  db: Db,
  c: Pick<Case, "id" | "department_id" | "received_at">,
): Promise<{ ackDue: string | null; replyDue: string | null }> {
  const [settings, closures, stops] = await Promise.all([
    getCaseSettings(db, c.department_id),
    closureDays(db, c.department_id),
    clockStops(db, c.id),
  ]);
  return {
    ackDue: dueDate(c.received_at, { days: settings.ack_days, unit: settings.ack_unit }, { closures, stops }),
    replyDue: dueDate(
      c.received_at,
      { days: settings.reply_days, unit: settings.reply_unit },
      { closures, stops },
    ),
  };
}

/**
 * Opens a case (a complaint that wants a reply) with its reference and deadlines; contact details
 * are encrypted before they reach the database. Runs inside the caller's transaction when given one,
 * so a complaint and its attachments are stored together or not at all.
 */
export async function createCase(
  trx: Db,
  piiKey: string,
  input: NewCaseInput,
): Promise<{ id: number; reference: string }> {
  const dept = await trx
    .selectFrom("departments")
    .select(["id", "code"])
    .where("id", "=", input.departmentId)
    .executeTakeFirstOrThrow();
  const receivedAt = input.receivedAt ?? nowIso();
  const reference = await nextReference(trx, dept.id, dept.code, receivedAt);
  const row = await trx
    .insertInto("cases")
    .values({
      reference,
      department_id: dept.id,
      service_id: input.serviceId,
      status: "received",
      channel: input.channel,
      language: input.language,
      what_happened: input.whatHappened,
      desired_outcome: input.desiredOutcome,
      contact_name_enc: encryptPii(piiKey, input.contact.name?.trim()),
      contact_email_enc: encryptPii(piiKey, input.contact.email?.trim().toLowerCase()),
      contact_phone_enc: encryptPii(piiKey, input.contact.phone?.trim()),
      consent_at: input.consent ? receivedAt : null,
      received_at: receivedAt,
      month: hkMonth(receivedAt),
      created_by: input.createdBy ?? null,
      feedback_id: input.feedbackId ?? null,
      updated_at: receivedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { ackDue, replyDue } = await computeDeadlines(trx, {
    id: row.id,
    department_id: dept.id,
    received_at: receivedAt,
  });
  await trx
    .updateTable("cases")
    .set({ ack_due: ackDue, reply_due: replyDue })
    .where("id", "=", row.id)
    .execute();
  await trx
    .insertInto("case_events")
    .values({
      case_id: row.id,
      at: receivedAt,
      actor_user_id: input.createdBy ?? null,
      kind: "transition",
      from_status: null,
      to_status: "received",
      body: null,
      visible_to_citizen: 1,
      department_id: dept.id,
    })
    .execute();
  await recordAudit(trx, {
    action: "case.create",
    actorUserId: input.createdBy ?? null,
    departmentId: dept.id,
    entityType: "case",
    entityId: row.id,
    detail: { channel: input.channel },
  });
  const stored = await trx.selectFrom("cases").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
  await queueCaseAcknowledgement(trx, stored);
  return { id: row.id, reference };
}

// ---- The lifecycle: one table of allowed moves (style.md habit 8) ----

export type CaseAction =
  | "acknowledge"
  | "investigate"
  | "stop-clock"
  | "resume"
  | "reply"
  | "close"
  | "reopen";

/** Every allowed move: from which states, to which state. "resume" returns to the state before the stop. */
export const CASE_TRANSITIONS: Record<
  CaseAction,
  { from: readonly CaseStatus[]; to: CaseStatus | "previous" }
> = {
  acknowledge: { from: ["received"], to: "acknowledged" },
  investigate: { from: ["acknowledged"], to: "under_investigation" },
  "stop-clock": { from: ["received", "acknowledged", "under_investigation"], to: "awaiting_customer" },
  resume: { from: ["awaiting_customer"], to: "previous" },
  reply: { from: ["acknowledged", "under_investigation"], to: "replied" },
  close: { from: ["replied"], to: "closed" },
  reopen: { from: ["replied", "closed"], to: "under_investigation" },
};

export function allowedActions(status: CaseStatus): CaseAction[] {
  return (Object.keys(CASE_TRANSITIONS) as CaseAction[]).filter((a) =>
    CASE_TRANSITIONS[a].from.includes(status),
  );
}

export type MoveResult =
  | { ok: true; status: CaseStatus }
  | { ok: false; error: "notAllowed" | "reasonRequired" | "replyRequired" };

/**
 * Moves a case along its lifecycle if the table allows it; stopping the clock needs a reason and
 * replying needs the reply's text. Deadlines are recomputed after a stop ends; on closing, whether
 * each deadline was met is stored and never recomputed. Every move is an audit event.
 */
export async function moveCase(
  db: Db,
  actor: { id: number; departmentId: number | null },
  caseId: number,
  action: CaseAction,
  input: { reason?: string; body?: string } = {},
  now: Date = new Date(),
): Promise<MoveResult> {
  return db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom("cases").selectAll().where("id", "=", caseId).executeTakeFirstOrThrow();
    const rule = CASE_TRANSITIONS[action];
    if (!rule.from.includes(c.status)) return { ok: false as const, error: "notAllowed" as const };
    const at = nowIso(now);
    if (action === "stop-clock" && !input.reason?.trim())
      return { ok: false as const, error: "reasonRequired" as const };
    if (action === "reply" && !input.body?.trim())
      return { ok: false as const, error: "replyRequired" as const };
    const to: CaseStatus = rule.to === "previous" ? (c.status_before_stop ?? "received") : rule.to;
    const patch: Updateable<CaseTable> = { status: to, updated_at: at };
    if (action === "acknowledge") patch.acknowledged_at = at;
    if (action === "reply") patch.replied_at = at;
    if (action === "stop-clock") {
      patch.status_before_stop = c.status;
      await trx
        .insertInto("case_clock_stops")
        .values({ case_id: c.id, from_at: at, to_at: null, reason: input.reason!.trim() })
        .execute();
    }
    if (action === "resume") {
      patch.status_before_stop = null;
      await trx
        .updateTable("case_clock_stops")
        .set({ to_at: at })
        .where("case_id", "=", c.id)
        .where("to_at", "is", null)
        .execute();
    }
    if (action === "reopen") {
      patch.closed_at = null;
    }
    if (action === "close") {
      patch.closed_at = at;
      // Stored once, at closing: later changes to holidays or settings never rewrite history.
      patch.ack_met = c.acknowledged_at && c.ack_due ? (isMet(c.acknowledged_at, c.ack_due) ? 1 : 0) : 0;
      patch.reply_met = c.replied_at && c.reply_due ? (isMet(c.replied_at, c.reply_due) ? 1 : 0) : 0;
    }
    await trx.updateTable("cases").set(patch).where("id", "=", c.id).execute();
    if (action === "resume" || action === "stop-clock") {
      const d = await computeDeadlines(trx, c);
      await trx
        .updateTable("cases")
        .set({ ack_due: d.ackDue, reply_due: d.replyDue })
        .where("id", "=", c.id)
        .execute();
    }
    await trx
      .insertInto("case_events")
      .values({
        case_id: c.id,
        at,
        actor_user_id: actor.id,
        kind: action === "reply" ? "reply" : "transition",
        from_status: c.status,
        to_status: to,
        body: action === "reply" ? input.body!.trim() : action === "stop-clock" ? input.reason!.trim() : null,
        visible_to_citizen: 1,
        department_id: c.department_id,
      })
      .execute();
    if (action === "close") await queueCaseSurveyInvitation(trx, c);
    await recordAudit(trx, {
      action: "case.move",
      actorUserId: actor.id,
      departmentId: c.department_id,
      entityType: "case",
      entityId: c.id,
      detail: { action, from: c.status, to },
    });
    return { ok: true as const, status: to };
  });
}

/** An internal note: staff only, never shown to the citizen. Audited. */
export async function addNote(
  db: Db,
  actor: { id: number },
  c: Pick<Case, "id" | "department_id">,
  body: string,
) {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("case_events")
      .values({
        case_id: c.id,
        at: nowIso(),
        actor_user_id: actor.id,
        kind: "note",
        from_status: null,
        to_status: null,
        body,
        visible_to_citizen: 0,
        department_id: c.department_id,
      })
      .execute();
    await recordAudit(trx, {
      action: "case.note",
      actorUserId: actor.id,
      departmentId: c.department_id,
      entityType: "case",
      entityId: c.id,
    });
  });
}

/** Assigns a case to an officer of its department (or none). Audited. */
export async function assignCase(
  db: Db,
  actor: { id: number },
  c: Pick<Case, "id" | "department_id">,
  officerId: number | null,
): Promise<boolean> {
  if (officerId != null) {
    const officer = await db
      .selectFrom("staff_users")
      .select("id")
      .where("id", "=", officerId)
      .where("department_id", "=", c.department_id)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (!officer) return false;
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("cases")
      .set({ assigned_to: officerId, updated_at: nowIso() })
      .where("id", "=", c.id)
      .execute();
    await trx
      .insertInto("case_events")
      .values({
        case_id: c.id,
        at: nowIso(),
        actor_user_id: actor.id,
        kind: "assign",
        from_status: null,
        to_status: null,
        body: officerId == null ? null : String(officerId),
        visible_to_citizen: 0,
        department_id: c.department_id,
      })
      .execute();
    await recordAudit(trx, {
      action: "case.assign",
      actorUserId: actor.id,
      departmentId: c.department_id,
      entityType: "case",
      entityId: c.id,
    });
  });
  return true;
}

/** A case of the reader's department (or any, for government-wide roles), or undefined. */
export async function getCase(db: Db, id: number, departmentId: number | null): Promise<Case | undefined> {
  let q = db.selectFrom("cases").selectAll().where("id", "=", id);
  if (departmentId != null) q = q.where("department_id", "=", departmentId);
  return q.executeTakeFirst();
}

/** The decrypted contact details of a case: for staff who handle it, never for lists or logs. */
export function caseContact(
  piiKey: string,
  c: Pick<Case, "contact_name_enc" | "contact_email_enc" | "contact_phone_enc">,
) {
  return {
    name: decryptPii(piiKey, c.contact_name_enc),
    email: decryptPii(piiKey, c.contact_email_enc),
    phone: decryptPii(piiKey, c.contact_phone_enc),
  };
}

/**
 * States in which no deadline runs for the department: clock stopped (awaiting the customer),
 * replied, closed, or with another department. The case queues, overdue flags, reminders and the
 * monthly report all count deadlines over the other states.
 */
export const NO_DEADLINE_STATUSES: CaseStatus[] = ["closed", "replied", "awaiting_customer", "referred"];

/**
 * Records "this case is overdue" once per case for its managers (their inbox now, an e-mail once
 * the reports worker runs). Returns how many cases newly went overdue.
 */
export async function flagOverdueCases(db: Db, today: string): Promise<number> {
  const rows = await db
    .selectFrom("cases")
    .select(["id", "department_id"])
    .where("status", "not in", NO_DEADLINE_STATUSES)
    .where("overdue_notified_at", "is", null)
    .where((eb) =>
      eb.or([
        eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
        eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
      ]),
    )
    .execute();
  const at = nowIso();
  for (const r of rows) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("notifications")
        .values({
          department_id: r.department_id,
          kind: "case_overdue",
          entity_type: "case",
          entity_id: r.id,
          created_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx.updateTable("cases").set({ overdue_notified_at: at }).where("id", "=", r.id).execute();
    });
  }
  return rows.length;
}
