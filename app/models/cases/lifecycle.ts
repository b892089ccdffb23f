import type { CaseStatus } from "../../../db/schema";
import type { Role } from "../staff/schema";

/*
 * The lifecycle of a case: ONE table of every move that may change a case's status, with the
 * states it starts from, the state it leads to and its guard. Pure and browser-safe; the writes
 * are in lifecycle.server.ts, the only module that sets `cases.status`.
 */

/** The roles that handle cases: see the queue, open a case, move it, decide appeals. */
export const CASE_HANDLER_ROLES = [
  "case_officer",
  "manager",
  "department_admin",
] as const satisfies readonly Role[];

/** Every status a case can be in (the order of the pledge paper's flow). */
const ANY_STATUS: readonly CaseStatus[] = [
  "received",
  "acknowledged",
  "under_investigation",
  "awaiting_customer",
  "replied",
  "closed",
  "referred",
];

/**
 * Where a move leads: a status, or one read from the case:
 * - "before-stop": the status before the clock was stopped (`status_before_stop`);
 * - "before-referral": the status before the referral (the 'refer' event's from_status);
 * - "on-acceptance": 'acknowledged' if the citizen was acknowledged, else 'received';
 * - "unchanged": the move is recorded on the case but leaves its status as it is.
 */
export type MoveTarget = CaseStatus | "before-stop" | "before-referral" | "on-acceptance" | "unchanged";

export interface Transition {
  from: readonly CaseStatus[];
  to: MoveTarget;
  /** What else must hold (checked by the function named, before anything is written). */
  guard: string;
}

/** Every move of a case. */
export const CASE_TRANSITIONS = {
  // Opening a case (createCase): from nothing to 'received'.
  open: { from: [], to: "received", guard: "a new case" },
  acknowledge: { from: ["received"], to: "acknowledged", guard: "none" },
  investigate: { from: ["acknowledged"], to: "under_investigation", guard: "none" },
  "stop-clock": {
    from: ["received", "acknowledged", "under_investigation"],
    to: "awaiting_customer",
    guard: "a reason (moveCase)",
  },
  resume: { from: ["awaiting_customer"], to: "before-stop", guard: "none" },
  reply: {
    from: ["acknowledged", "under_investigation"],
    to: "replied",
    guard: "the reply's text (moveCase)",
  },
  close: { from: ["replied"], to: "closed", guard: "none" },
  reopen: { from: ["replied", "closed"], to: "under_investigation", guard: "none" },
  // Referral to another department: the sending department keeps the case until it is decided.
  refer: {
    from: ["received", "acknowledged", "under_investigation"],
    to: "referred",
    guard: "a reason, another existing department, no pending referral (referCase)",
  },
  "accept-referral": {
    from: ["referred"],
    to: "on-acceptance",
    guard: "a pending referral to the actor's department (acceptReferral)",
  },
  "return-referral": {
    from: ["referred"],
    to: "before-referral",
    guard: "a pending referral to the actor's department and a note (returnReferral)",
  },
  // Appeals leave the status as it is: the appeal has its own deadline and outcome.
  "lodge-appeal": {
    from: ["replied", "closed"],
    to: "unchanged",
    guard: "grounds, within the appeal period, no open appeal (canLodgeAppeal)",
  },
  "decide-appeal": {
    from: ANY_STATUS,
    to: "unchanged",
    guard: "an open appeal, an independent reviewer of rank (canDecideAppeal), a reply",
  },
  // A case handled before it reached the system (demo data, an import): received, replied and
  // closed in one step, with its met/not met as recorded.
  "record-handled": { from: ["received"], to: "closed", guard: "none" },
} as const satisfies Record<string, Transition>;

export type CaseMove = keyof typeof CASE_TRANSITIONS;

/** The moves an officer makes from the case page's buttons and forms. */
export const STAFF_MOVES = [
  "acknowledge",
  "investigate",
  "stop-clock",
  "resume",
  "reply",
  "close",
  "reopen",
] as const satisfies readonly CaseMove[];
export type StaffMove = (typeof STAFF_MOVES)[number];

/** Whether the table allows this move from this status (its guard is checked separately). */
export function canMove(status: CaseStatus, move: CaseMove): boolean {
  return (CASE_TRANSITIONS[move].from as readonly CaseStatus[]).includes(status);
}

/** The officer's moves allowed now, in the page's order. */
export function allowedMoves(status: CaseStatus): StaffMove[] {
  return STAFF_MOVES.filter((m) => canMove(status, m));
}

/**
 * States in which no deadline runs for the department: clock stopped (awaiting the customer),
 * replied, closed, or with another department. The case page, the queues, overdue flags,
 * reminders and the monthly report all count deadlines over the other states.
 */
export const NO_DEADLINE_STATUSES: readonly CaseStatus[] = [
  "closed",
  "replied",
  "awaiting_customer",
  "referred",
];

/** Whether the department's deadlines run in this status (see NO_DEADLINE_STATUSES). */
export function deadlinesRunning(status: CaseStatus): boolean {
  return !NO_DEADLINE_STATUSES.includes(status);
}

/**
 * Whether an appeal may be lodged now: after the reply, no appeal open, on or before the last day
 * of the appeal period (HK dates). lodgeAppeal and the case page ask this.
 */
export function canLodgeAppeal(
  c: { status: CaseStatus; replied_at: string | null },
  options: { openAppeal: boolean; lastDay: string | null; today: string },
): boolean {
  return (
    !!c.replied_at &&
    canMove(c.status, "lodge-appeal") &&
    !options.openAppeal &&
    !!options.lastDay &&
    options.today <= options.lastDay
  );
}

/** Seniority for appeal reviews: the reviewer must be of the same or a higher rank than the handler. */
export const RANK: Record<Role, number> = {
  counter_staff: 1,
  case_officer: 2,
  manager: 3,
  department_admin: 3,
  central_reviewer: 0,
  system_admin: 0,
};
