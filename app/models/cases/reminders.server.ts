/**
 * The morning reminder to case officers (08:00 Hong Kong time, scheduled by the worker): one
 * e-mail per officer listing the cases whose next pledged deadline falls within the "due soon"
 * window of the case queue. The worker's cases.remind-due job calls it.
 */

import type { Db } from "../../../db/client";
import { encryptPii } from "../../utils/crypto.server";
import { formats } from "../../utils/formats";
import { tFor } from "../../utils/meta";
import { hkDate } from "../calendar/time";
import { daysLeft } from "../calendar/working-days";
import { enqueueEmail } from "../outbox/email.server";
import { departmentClosureDates } from "./deadlines.server";
import { NO_DEADLINE_STATUSES } from "./lifecycle";
import { type Deadline, DUE_SOON_WORKING_DAYS, nextDeadline } from "./queue.server";

/**
 * A calendar window wide enough for DUE_SOON_WORKING_DAYS working days over any run of holidays
 * (Lunar New Year plus a weekend), as the due-soon tab uses; the exact count is made with daysLeft.
 */
const HORIZON_CALENDAR_DAYS = 14;

interface DueCase {
  id: number;
  reference: string;
  department_id: number;
  assigned: boolean;
  next: Deadline;
  /** the id of an open appeal on the case (due: the appeal's own deadline), not a step of the case */
  appeal?: number;
}

/** A date some calendar days after a HK date (both 'YYYY-MM-DD'). */
function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Queues, once per officer per Hong Kong day, an e-mail listing the open cases whose next pending
 * deadline (acknowledgement, else reply) falls from today to the DUE_SOON_WORKING_DAYS-th working
 * day after today, counted with the department's closure days. A case goes to its assigned officer;
 * an unassigned one (or one whose officer is no longer active in its department) to every active
 * case officer of its department. Open appeals whose own deadline falls in the same window go to
 * the department's active managers (who decide appeals), except the appeal's original handler.
 * References only: no citizen's name, contact, case text or grounds. Returns the staff newly
 * e-mailed, the distinct cases and the appeals listed in those e-mails.
 */
export async function remindDueCases(
  db: Db,
  piiKey: string,
  now: Date = new Date(),
): Promise<{ officers: number; cases: number; appeals: number }> {
  const today = hkDate(now);
  const horizon = addCalendarDays(today, HORIZON_CALENDAR_DAYS);
  // Overdue steps are left out here: flagOverdueCases tells managers about those.
  const candidates = await db
    .selectFrom("cases")
    .select([
      "id",
      "reference",
      "department_id",
      "status",
      "assigned_to",
      "ack_due",
      "reply_due",
      "acknowledged_at",
      "replied_at",
    ])
    .where("status", "not in", NO_DEADLINE_STATUSES)
    .where((eb) =>
      eb.or([
        eb.and([eb("acknowledged_at", "is", null), eb("ack_due", ">=", today), eb("ack_due", "<=", horizon)]),
        eb.and([eb("replied_at", "is", null), eb("reply_due", ">=", today), eb("reply_due", "<=", horizon)]),
      ]),
    )
    .orderBy("id")
    .execute();
  // Open appeals due in the window (issue 14: appeals were missing from reminders).
  const appealCandidates = await db
    .selectFrom("appeals as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .select(["a.id", "a.case_id", "a.due", "a.original_handler_id", "c.reference", "c.department_id"])
    .where("a.decided_at", "is", null)
    .where("a.due", ">=", today)
    .where("a.due", "<=", horizon)
    .orderBy("a.id")
    .execute();
  const none = { officers: 0, cases: 0, appeals: 0 };
  if (candidates.length === 0 && appealCandidates.length === 0) return none;

  const departmentIds = [
    ...new Set([...candidates.map((c) => c.department_id), ...appealCandidates.map((a) => a.department_id)]),
  ];
  const closures = new Map<number, Set<string>>();
  for (const id of departmentIds) closures.set(id, await departmentClosureDates(db, id));

  // The earliest pending step decides, exactly as in the queue: an overdue acknowledgement keeps
  // the case out even when its reply is due soon.
  const due: Array<DueCase & { assigned_to: number | null }> = [];
  for (const c of candidates) {
    const next = nextDeadline(c, now, closures.get(c.department_id) ?? []);
    if (!next || next.left < 0 || next.left > DUE_SOON_WORKING_DAYS) continue;
    due.push({
      id: c.id,
      reference: c.reference,
      department_id: c.department_id,
      assigned_to: c.assigned_to,
      assigned: false,
      next,
    });
  }
  const dueAppeals: Array<DueCase & { handler: number | null }> = [];
  for (const a of appealCandidates) {
    if (!a.due) continue;
    const left = daysLeft(a.due, now, closures.get(a.department_id) ?? []);
    if (left < 0 || left > DUE_SOON_WORKING_DAYS) continue;
    dueAppeals.push({
      id: a.case_id,
      reference: a.reference,
      department_id: a.department_id,
      assigned: false,
      appeal: a.id,
      handler: a.original_handler_id,
      next: { step: "reply", due: a.due, left },
    });
  }
  if (due.length === 0 && dueAppeals.length === 0) return none;

  // Active staff of these departments. An active assignee without an address keeps the case (it
  // shows in their due-soon tab) rather than it going to everyone; one who has left, or moved to
  // another department, no longer handles it, so it goes to the case officers as if unassigned.
  const staff = await db
    .selectFrom("staff_users")
    .select(["id", "department_id", "role", "email"])
    .where("department_id", "in", departmentIds)
    .where("is_active", "=", 1)
    .orderBy("id")
    .execute();
  const staffById = new Map(staff.map((u) => [u.id, u]));
  const hasAddress = (u: (typeof staff)[number]) => !!u.email?.trim();

  const byOfficer = new Map<number, { departmentId: number; email: string; cases: DueCase[] }>();
  const add = (officer: (typeof staff)[number], c: DueCase) => {
    if (!officer.email || !hasAddress(officer)) return;
    let entry = byOfficer.get(officer.id);
    if (!entry) {
      entry = { departmentId: c.department_id, email: officer.email.trim(), cases: [] };
      byOfficer.set(officer.id, entry);
    }
    entry.cases.push(c);
  };
  for (const { assigned_to, ...c } of due) {
    const assignee = assigned_to == null ? undefined : staffById.get(assigned_to);
    if (assignee && assignee.department_id === c.department_id) {
      add(assignee, { ...c, assigned: true });
      continue;
    }
    for (const officer of staff) {
      if (officer.department_id === c.department_id && officer.role === "case_officer") add(officer, c);
    }
  }
  // An appeal is decided by someone who did not handle the case: the department's managers.
  for (const { handler, ...a } of dueAppeals) {
    for (const manager of staff) {
      if (manager.department_id === a.department_id && manager.role === "manager" && manager.id !== handler)
        add(manager, a);
    }
  }
  if (byOfficer.size === 0) return none;

  const departments = await db
    .selectFrom("departments")
    .select(["id", "name_en", "name_zh"])
    .where("id", "in", [...new Set([...byOfficer.values()].map((o) => o.departmentId))])
    .execute();
  const deptNames = new Map(departments.map((d) => [d.id, d]));

  let officers = 0;
  const listed = new Set<number>();
  const listedAppeals = new Set<number>();
  for (const [userId, o] of byOfficer) {
    const dept = deptNames.get(o.departmentId);
    if (!dept) continue;
    const cases = o.cases.sort(
      (a, b) => a.next.due.localeCompare(b.next.due) || a.reference.localeCompare(b.reference),
    );
    const dedupeKey = `due-reminder-${today}-user-${userId}`;
    const queued = await db.transaction().execute(async (trx) => {
      // Already queued today (an earlier run, or another worker): enqueueEmail would ignore it
      // anyway; looking first only keeps the counts honest.
      const existing = await trx
        .selectFrom("outbox_messages")
        .select("id")
        .where("dedupe_key", "=", dedupeKey)
        .executeTakeFirst();
      if (existing) return false;
      const toEnc = encryptPii(piiKey, o.email);
      if (!toEnc) return false;
      const until = lastDueSoonDate(today, now, closures.get(o.departmentId) ?? []);
      const message = reminderMessage(cases, { en: dept.name_en, zh: dept.name_zh }, until);
      await enqueueEmail(trx, {
        dedupeKey,
        kind: "case.due-reminder",
        departmentId: o.departmentId,
        toEnc,
        subject: message.subject,
        body: message.body,
      });
      return true;
    });
    if (!queued) continue;
    officers++;
    for (const c of cases) {
      if (c.appeal) listedAppeals.add(c.appeal);
      else listed.add(c.id);
    }
  }
  return { officers, cases: listed.size, appeals: listedAppeals.size };
}

/**
 * The last date the reminder covers: the DUE_SOON_WORKING_DAYS-th working day after today, with the
 * department's closure days (the first date daysLeft counts that far), for the introduction.
 */
function lastDueSoonDate(today: string, now: Date, closures: Iterable<string>): string {
  if (DUE_SOON_WORKING_DAYS <= 0) return today;
  for (let i = 1; i <= HORIZON_CALENDAR_DAYS; i++) {
    const date = addCalendarDays(today, i);
    if (daysLeft(date, now, closures) >= DUE_SOON_WORKING_DAYS) return date;
  }
  return addCalendarDays(today, HORIZON_CALENDAR_DAYS);
}

/** Subject and body in English, then Traditional Chinese: officers read both. */
function reminderMessage(
  cases: DueCase[],
  department: { en: string; zh: string },
  until: string,
): { subject: string; body: string } {
  const render = (locale: "en" | "zh-HK", name: string) => {
    const t = tFor(locale);
    // Dates as each language writes them ("2 April 2026", "2026年4月2日").
    const f = formats(locale);
    const lines = cases.map((c) =>
      t(
        c.appeal
          ? "dashboard.mail.appealDueLine"
          : c.assigned
            ? "mail.dueReminder.line"
            : "mail.dueReminder.lineUnassigned",
        {
          reference: c.reference,
          deadline: t(`mail.dueReminder.deadlines.${c.next.step}`),
          date: f.longDate(c.next.due),
          url: `{{APP_ORIGIN}}/staff/cases/${c.id}`,
        },
      ),
    );
    return {
      subject: t("mail.dueReminder.subject", { count: cases.length }),
      body: [
        t("mail.dueReminder.intro", { department: name, until: f.longDate(until) }),
        lines.join("\n\n"),
        t("mail.dueReminder.footer", { department: name }),
      ].join("\n\n"),
    };
  };
  const en = render("en", department.en);
  const zh = render("zh-HK", department.zh);
  return { subject: `${en.subject} / ${zh.subject}`, body: [en.body, "----", zh.body].join("\n\n") };
}
