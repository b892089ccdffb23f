import type { Db } from "../../../db/client";
import type { Appeal, CaseAttachment, CaseEventKind, CaseStatus } from "../../../db/schema";
import { hkDate } from "../calendar/time";
import { daysLeft } from "../calendar/working-days";
import type { Role } from "../staff/schema";
import { closureDays, NO_DEADLINE_STATUSES } from "./case.server";

/*
 * What case officers read: their department's queue and one case's page. Writes live in
 * case.server.ts, referral.server.ts and appeal.server.ts.
 */

/** The roles that handle cases: see the queue, open a case, move it, decide appeals. */
export const CASE_HANDLER_ROLES = [
  "case_officer",
  "manager",
  "department_admin",
] as const satisfies readonly Role[];

export const QUEUE_TABS = ["unassigned", "mine", "due-soon", "overdue", "open", "closed"] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/** "Due soon": a pending step due within this many working days (today counts as 0). */
export const DUE_SOON_WORKING_DAYS = 2;
/** The most rows a tab shows; older ones are reached by their reference. */
export const QUEUE_LIMIT = 200;

export interface Deadline {
  step: "ack" | "reply";
  due: string;
  /** working days left (0 = due today), negative once past: see daysLeft */
  left: number;
}

export interface QueueRow {
  id: number;
  reference: string;
  received_at: string;
  status: CaseStatus;
  service_en: string | null;
  service_zh: string | null;
  assigned_name: string | null;
  contact_email_enc: string | null;
  contact_phone_enc: string | null;
  next: Deadline | null;
}

/** The earliest pending step's deadline of an open case, with the working days left. */
export function nextDeadline(
  c: {
    status: CaseStatus;
    ack_due: string | null;
    reply_due: string | null;
    acknowledged_at: string | null;
    replied_at: string | null;
  },
  now: Date,
  closures: Iterable<string>,
): Deadline | null {
  if (c.status === "closed" || c.status === "referred") return null;
  const pending: Array<{ step: "ack" | "reply"; due: string }> = [];
  if (!c.acknowledged_at && c.ack_due) pending.push({ step: "ack", due: c.ack_due });
  if (!c.replied_at && c.reply_due) pending.push({ step: "reply", due: c.reply_due });
  const first = pending.sort((a, b) => a.due.localeCompare(b.due))[0];
  return first ? { ...first, left: daysLeft(first.due, now, closures) } : null;
}

/** A date some calendar days after a HK date (both 'YYYY-MM-DD'). */
function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One tab of a department's case queue. Overdue means a pending step's due date has passed (the
 * same test flagOverdueCases uses); due soon means a pending step is due within
 * DUE_SOON_WORKING_DAYS working days, counted with the department's closure days.
 */
export async function listCaseQueue(
  db: Db,
  departmentId: number,
  options: { tab: QueueTab; userId: number; now?: Date },
): Promise<{ rows: QueueRow[]; truncated: boolean }> {
  const now = options.now ?? new Date();
  const today = hkDate(now);
  let q = db
    .selectFrom("cases as c")
    .leftJoin("services as s", "s.id", "c.service_id")
    .leftJoin("staff_users as u", "u.id", "c.assigned_to")
    .select([
      "c.id",
      "c.reference",
      "c.received_at",
      "c.status",
      "c.ack_due",
      "c.reply_due",
      "c.acknowledged_at",
      "c.replied_at",
      "c.contact_email_enc",
      "c.contact_phone_enc",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
      "u.display_name as assigned_name",
    ])
    .where("c.department_id", "=", departmentId);
  switch (options.tab) {
    case "closed":
      q = q.where("c.status", "=", "closed").orderBy("c.closed_at", "desc");
      break;
    case "unassigned":
      q = q.where("c.status", "!=", "closed").where("c.assigned_to", "is", null);
      break;
    case "mine":
      q = q.where("c.status", "!=", "closed").where("c.assigned_to", "=", options.userId);
      break;
    case "overdue":
      q = q
        .where("c.status", "not in", NO_DEADLINE_STATUSES)
        .where((eb) =>
          eb.or([
            eb.and([eb("c.acknowledged_at", "is", null), eb("c.ack_due", "<", today)]),
            eb.and([eb("c.replied_at", "is", null), eb("c.reply_due", "<", today)]),
          ]),
        );
      break;
    case "due-soon": {
      // A calendar window wide enough for two working days over any run of holidays
      // (Lunar New Year plus a weekend); the exact count is made below with daysLeft.
      const horizon = addCalendarDays(today, 14);
      q = q
        .where("c.status", "not in", NO_DEADLINE_STATUSES)
        .where((eb) =>
          eb.or([
            eb.and([
              eb("c.acknowledged_at", "is", null),
              eb("c.ack_due", ">=", today),
              eb("c.ack_due", "<=", horizon),
            ]),
            eb.and([
              eb("c.replied_at", "is", null),
              eb("c.reply_due", ">=", today),
              eb("c.reply_due", "<=", horizon),
            ]),
          ]),
        );
      break;
    }
    case "open":
      q = q.where("c.status", "!=", "closed");
      break;
  }
  if (options.tab !== "closed") q = q.orderBy("c.received_at").orderBy("c.id");
  const [raw, closures] = await Promise.all([
    q.limit(options.tab === "due-soon" ? 10 * QUEUE_LIMIT : QUEUE_LIMIT + 1).execute(),
    closureDays(db, departmentId),
  ]);
  let rows: QueueRow[] = raw.map((r) => ({
    id: r.id,
    reference: r.reference,
    received_at: r.received_at,
    status: r.status,
    service_en: r.service_en,
    service_zh: r.service_zh,
    assigned_name: r.assigned_name,
    contact_email_enc: r.contact_email_enc,
    contact_phone_enc: r.contact_phone_enc,
    next: nextDeadline(r, now, closures),
  }));
  if (options.tab === "due-soon") {
    rows = rows.filter((r) => r.next && r.next.left >= 0 && r.next.left <= DUE_SOON_WORKING_DAYS);
  }
  return { rows: rows.slice(0, QUEUE_LIMIT), truncated: rows.length > QUEUE_LIMIT };
}

/** The names of a case's department and service, and of its assigned officer. */
export async function caseLabels(
  db: Db,
  c: { department_id: number; service_id: number | null; assigned_to: number | null },
) {
  const [dept, service, officer] = await Promise.all([
    db
      .selectFrom("departments")
      .select(["code", "name_en", "name_zh"])
      .where("id", "=", c.department_id)
      .executeTakeFirstOrThrow(),
    c.service_id == null
      ? undefined
      : db
          .selectFrom("services")
          .select(["name_en", "name_zh"])
          .where("id", "=", c.service_id)
          .executeTakeFirst(),
    c.assigned_to == null
      ? undefined
      : db
          .selectFrom("staff_users")
          .select("display_name")
          .where("id", "=", c.assigned_to)
          .executeTakeFirst(),
  ]);
  return { department: dept, service: service ?? null, assignedName: officer?.display_name ?? null };
}

/** Active staff of a department who may be given a case, by name. */
export async function listCaseHandlers(db: Db, departmentId: number) {
  return db
    .selectFrom("staff_users")
    .select(["id", "display_name", "role"])
    .where("department_id", "=", departmentId)
    .where("is_active", "=", 1)
    .where("role", "in", CASE_HANDLER_ROLES)
    .orderBy("display_name")
    .execute();
}

export interface HistoryEntry {
  id: number;
  at: string;
  kind: CaseEventKind;
  from_status: string | null;
  to_status: string | null;
  body: string | null;
  visible_to_citizen: number;
  actor_name: string | null;
  /** for 'assign': the officer given the case (null = unassigned) */
  assignee_name: string | null;
  /** for 'refer', 'refer-accept' and 'refer-return': the department the case was referred to */
  referral_department: { code: string; name_en: string; name_zh: string } | null;
}

/** A case's whole history, oldest first, with who did each thing. Staff only: includes internal notes. */
export async function caseHistory(db: Db, caseId: number): Promise<HistoryEntry[]> {
  const [events, referrals] = await Promise.all([
    db
      .selectFrom("case_events as e")
      .leftJoin("staff_users as u", "u.id", "e.actor_user_id")
      .select([
        "e.id",
        "e.at",
        "e.kind",
        "e.from_status",
        "e.to_status",
        "e.body",
        "e.visible_to_citizen",
        "u.display_name as actor_name",
      ])
      .where("e.case_id", "=", caseId)
      .orderBy("e.id")
      .execute(),
    db
      .selectFrom("case_referrals as r")
      .innerJoin("departments as d", "d.id", "r.to_department_id")
      .select(["r.created_at", "r.decided_at", "d.code", "d.name_en", "d.name_zh"])
      .where("r.case_id", "=", caseId)
      .execute(),
  ]);
  // A referral and its events are written in one transaction with the same timestamp.
  const referredAt = new Map<string, HistoryEntry["referral_department"]>();
  const decidedAt = new Map<string, HistoryEntry["referral_department"]>();
  for (const r of referrals) {
    const d = { code: r.code, name_en: r.name_en, name_zh: r.name_zh };
    referredAt.set(r.created_at, d);
    if (r.decided_at) decidedAt.set(r.decided_at, d);
  }
  // An 'assign' event's body is the officer's id: look their names up in one query.
  const ids = [
    ...new Set(events.filter((e) => e.kind === "assign" && e.body).map((e) => Number(e.body))),
  ].filter((n) => Number.isInteger(n));
  const names = new Map<number, string>();
  if (ids.length > 0) {
    const rows = await db
      .selectFrom("staff_users")
      .select(["id", "display_name"])
      .where("id", "in", ids)
      .execute();
    for (const r of rows) names.set(r.id, r.display_name);
  }
  return events.map((e) => ({
    ...e,
    body: e.kind === "assign" ? null : e.body,
    assignee_name: e.kind === "assign" && e.body ? (names.get(Number(e.body)) ?? null) : null,
    referral_department:
      e.kind === "refer"
        ? (referredAt.get(e.at) ?? null)
        : e.kind === "refer-accept" || e.kind === "refer-return"
          ? (decidedAt.get(e.at) ?? null)
          : null,
  }));
}

export async function listAttachments(db: Db, caseId: number): Promise<CaseAttachment[]> {
  return db.selectFrom("case_attachments").selectAll().where("case_id", "=", caseId).orderBy("id").execute();
}

/** An attachment of this case (never another case's), or undefined. */
export async function getAttachment(
  db: Db,
  caseId: number,
  attachmentId: number,
): Promise<CaseAttachment | undefined> {
  return db
    .selectFrom("case_attachments")
    .selectAll()
    .where("id", "=", attachmentId)
    .where("case_id", "=", caseId)
    .executeTakeFirst();
}

export type AppealRow = Appeal & {
  handler_name: string | null;
  handler_role: Role | null;
  reviewer_name: string | null;
};

/** A case's appeals, oldest first, with the original handler's name and role and the reviewer's name. */
export async function listAppeals(db: Db, caseId: number): Promise<AppealRow[]> {
  return db
    .selectFrom("appeals as a")
    .leftJoin("staff_users as h", "h.id", "a.original_handler_id")
    .leftJoin("staff_users as r", "r.id", "a.reviewer_id")
    .selectAll("a")
    .select(["h.display_name as handler_name", "h.role as handler_role", "r.display_name as reviewer_name"])
    .where("a.case_id", "=", caseId)
    .orderBy("a.id")
    .execute();
}
