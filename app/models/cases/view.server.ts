import type { Db } from "../../../db/client";
import type { Appeal, Case, CaseAttachment, CaseEventKind } from "../../../db/schema";
import { maskEmail, maskPhone } from "../../utils/crypto.server";
import { parseDeadlineMove } from "../calendar/closure-days.server";
import { hkDate } from "../calendar/time";
import { daysLeft } from "../calendar/working-days";
import { listDepartments, localName } from "../departments/departments.server";
import type { Role } from "../staff/schema";
import { appealDeadline } from "./appeal.server";
import { departmentClosureDates } from "./deadlines.server";
import { caseContact } from "./handling.server";
import { allowedMoves, CASE_HANDLER_ROLES, canLodgeAppeal, canMove, deadlinesRunning } from "./lifecycle";
import { canDecideAppeal } from "./lifecycle.server";
import { pendingReferralOf } from "./referral.server";

/*
 * What case officers read on one case's page. Writes live in lifecycle.server.ts (moves),
 * handling.server.ts (notes, assignment), referral.server.ts and appeal.server.ts; the queue is
 * queue.server.ts.
 */

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

/**
 * Everything the case page shows, for a member of staff of the case's department: the case, its
 * deadlines (working days left while they run), masked contact details (in full only through the
 * audited "show" form), attachments, history, the moves allowed now, referral and appeals.
 */
export async function casePageView(
  db: Db,
  piiKey: string,
  c: Case,
  user: { id: number; role: Role; departmentId: number | null },
  locale: string,
  now: Date = new Date(),
) {
  const zh = locale.startsWith("zh");
  const [labels, attachments, history, officers, departments, referral, appeals, closures, appealLast] =
    await Promise.all([
      caseLabels(db, c),
      listAttachments(db, c.id),
      caseHistory(db, c.id),
      listCaseHandlers(db, c.department_id),
      listDepartments(db),
      pendingReferralOf(db, c.id),
      listAppeals(db, c.id),
      departmentClosureDates(db, c.department_id),
      appealDeadline(db, c),
    ]);

  // Contact details are decrypted here only to be masked; in full only from the "show" form (a
  // POST, see the route's action), never from a GET a prefetch or a crawler could follow.
  const contact = caseContact(piiKey, c);
  const hasContact = !!(contact.name || contact.email || contact.phone);

  const running = deadlinesRunning(c.status);
  const left = (due: string | null, done: string | null) =>
    running && due && !done ? daysLeft(due, now, closures) : null;
  const open = appeals.find((a) => a.decided_at == null) ?? null;
  // The same test decideAppeal makes, to show a plain notice instead of a form that would be refused.
  const decide = open ? await canDecideAppeal(db, user, open, c) : null;
  const canLodge = canLodgeAppeal(c, { openAppeal: !!open, lastDay: appealLast, today: hkDate(now) });

  return {
    case: {
      id: c.id,
      reference: c.reference,
      status: c.status,
      statusBeforeStop: c.status_before_stop,
      channel: c.channel,
      language: c.language,
      receivedAt: c.received_at,
      whatHappened: c.what_happened,
      desiredOutcome: c.desired_outcome,
      consentAt: c.consent_at,
      closedAt: c.closed_at,
      assignedTo: c.assigned_to,
      department: localName(labels.department, locale),
      service: labels.service ? localName(labels.service, locale) : null,
      assignedName: labels.assignedName,
    },
    deadlines: {
      ack: {
        due: c.ack_due,
        doneAt: c.acknowledged_at,
        met: c.ack_met,
        left: left(c.ack_due, c.acknowledged_at),
      },
      reply: {
        due: c.reply_due,
        doneAt: c.replied_at,
        met: c.reply_met,
        left: left(c.reply_due, c.replied_at),
      },
    },
    contact: {
      has: hasContact,
      shown: false,
      name: null as string | null,
      email: maskEmail(contact.email),
      phone: maskPhone(contact.phone),
    },
    attachments: attachments.map((a) => ({ id: a.id, name: a.original_name, mime: a.mime, size: a.size })),
    history: history.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      from: e.from_status,
      to: e.to_status,
      // A 'deadline' event's body is data (which due dates moved), shown in words on the page.
      body: e.kind === "deadline" ? null : e.body,
      deadline: e.kind === "deadline" ? parseDeadlineMove(e.body) : null,
      internal: e.visible_to_citizen === 0,
      actor: e.actor_name,
      assignee: e.assignee_name,
      department: e.referral_department ? localName(e.referral_department, locale) : null,
    })),
    officers: officers.map((o) => ({ id: o.id, name: o.display_name, role: o.role })),
    departments: departments
      .filter((d) => d.id !== c.department_id)
      .map((d) => ({ id: d.id, name: `${localName(d, locale)} (${d.code})` })),
    moves: allowedMoves(c.status),
    canRefer: canMove(c.status, "refer") && !referral,
    referral: referral
      ? {
          to: zh ? referral.to_name_zh : referral.to_name_en,
          reason: referral.reason,
          at: referral.created_at,
        }
      : null,
    appeals: appeals.map((a) => ({
      id: a.id,
      lodgedAt: a.lodged_at,
      lodgedBy: a.lodged_by,
      grounds: a.grounds,
      due: a.due,
      outcome: a.outcome,
      reply: a.reply,
      decidedAt: a.decided_at,
      met: a.met,
      handler: a.handler_name,
      reviewer: a.reviewer_name,
    })),
    openAppealId: open?.id ?? null,
    decideBlock: decide && !decide.ok ? decide.error : null,
    canLodge,
    appealLast,
  };
}

export type CasePageView = Awaited<ReturnType<typeof casePageView>>;
