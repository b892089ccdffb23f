import type { Db } from "../../../db/client";
import type { CaseStatus } from "../../../db/schema";
import { hkDate } from "../calendar/time";
import { daysLeft } from "../calendar/working-days";
import { departmentClosureDates } from "./deadlines.server";
import { NO_DEADLINE_STATUSES } from "./lifecycle";

/* A department's case queue: its tabs, and each open case's next deadline. */

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
    departmentClosureDates(db, departmentId),
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
