import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../../db/client";
import type { Case, CaseEventKind, CaseStatus } from "../../../db/schema";
import { hkDate } from "../calendar/time";

import { localName } from "../departments/departments.server";
import { limiterKey } from "../rate-limits/limiter.server";
import { appealDeadline, openAppeal } from "./appeal.server";
import { answerAttachments } from "./citizen-answers.server";
import { caseContact } from "./handling.server";
import { publicFormLimiter } from "./intake.server";
import { normaliseReference } from "./reference";

/*
 * Following a case without an account: its reference and the e-mail address or phone number given
 * with it. Every way of getting it wrong gets the same answer, so the page never tells a guesser
 * which part was right (OWASP Authentication Cheat Sheet, "Authentication and Error Messages").
 */

/** Ten look-ups per ten minutes per address; the eleventh gets 429. */
export const TRACK_RATE = { points: 10, durationSeconds: 600 } as const;

/**
 * Uses one of this address's look-ups (every post counts, appeals too); false once all are used.
 * It stops guessing a contact, like the sign-in limit: while Redis is down it counts in the
 * database, shared by every web process.
 */
export async function allowTrackingAttempt(context: AppLoadContext): Promise<boolean> {
  const limiter = publicFormLimiter(
    context,
    "track-address",
    TRACK_RATE.points,
    TRACK_RATE.durationSeconds,
    "database",
  );
  return limiter.consume(limiterKey(context, "track-address", context.clientAddress));
}

const digest = (s: string) => crypto.createHash("sha256").update(s).digest();
const same = (a: string, b: string) => crypto.timingSafeEqual(digest(a), digest(b));

/**
 * Whether what the citizen typed is the contact given with the case: an e-mail address compared
 * trimmed and without case, a phone number by its digits alone ("+852 9123-4567" = "85291234567").
 */
export function contactMatches(
  stored: { email: string | null; phone: string | null },
  given: string,
): boolean {
  const typed = given.trim();
  if (!typed) return false;
  if (typed.includes("@")) {
    return !!stored.email && same(stored.email.trim().toLowerCase(), typed.toLowerCase());
  }
  const digits = typed.replace(/\D/g, "");
  return !!stored.phone && digits.length > 0 && same(stored.phone.replace(/\D/g, ""), digits);
}

/**
 * The case with this reference whose contact matches, or null: for a badly formed reference, a
 * wrong check character, an unknown or purged case, and a contact that does not match alike.
 */
export async function findTrackedCase(
  db: Db,
  piiKey: string,
  reference: string,
  contact: string,
): Promise<Case | null> {
  const ref = normaliseReference(reference);
  if (!ref) return null;
  const c = await db
    .selectFrom("cases")
    .selectAll()
    .where("reference", "=", ref)
    .where("purged_at", "is", null)
    .executeTakeFirst();
  if (!c) return null;
  return contactMatches(caseContact(piiKey, c), contact) ? c : null;
}

/** The kinds of history a citizen sees; notes, assignments and referrals stay inside. */
export const CITIZEN_EVENT_KINDS = [
  "transition",
  "reply",
  "appeal",
  "appeal-decision",
  "citizen-answer",
] as const satisfies readonly CaseEventKind[];

export interface CitizenEvent {
  id: number;
  at: string;
  kind: (typeof CITIZEN_EVENT_KINDS)[number];
  toStatus: string | null;
  /** the reply, the appeal decision, what we are waiting for, or the citizen's own answer */
  body: string | null;
  /** the names of the files the citizen sent with an answer */
  files: string[];
}

export type AppealState =
  | { state: "none" }
  | { state: "open"; due: string | null }
  | { state: "allowed"; lastDay: string }
  | { state: "ended"; lastDay: string };

export interface TrackedCaseView {
  reference: string;
  departmentName: string;
  serviceName: string | null;
  receivedAt: string;
  status: CaseStatus;
  ackDue: string | null;
  replyDue: string | null;
  acknowledgedAt: string | null;
  repliedAt: string | null;
  history: CitizenEvent[];
  appeal: AppealState;
}

/**
 * What the citizen may see of their case: never internal notes, never anything not marked for
 * them, never staff names.
 */
export async function trackedCaseView(
  db: Db,
  c: Case,
  locale: string,
  now: Date = new Date(),
): Promise<TrackedCaseView> {
  const [dept, service, events, files] = await Promise.all([
    db
      .selectFrom("departments")
      .select(["name_en", "name_zh"])
      .where("id", "=", c.department_id)
      .executeTakeFirstOrThrow(),
    c.service_id == null
      ? Promise.resolve(undefined)
      : db
          .selectFrom("services")
          .select(["name_en", "name_zh"])
          .where("id", "=", c.service_id)
          .executeTakeFirst(),
    db
      .selectFrom("case_events")
      .select(["id", "at", "kind", "to_status", "body"])
      .where("case_id", "=", c.id)
      .where("visible_to_citizen", "=", 1)
      .where("kind", "in", [...CITIZEN_EVENT_KINDS])
      .orderBy("id")
      .execute(),
    answerAttachments(db, c.id),
  ]);
  return {
    reference: c.reference,
    departmentName: localName(dept, locale),
    serviceName: service ? localName(service, locale) : null,
    receivedAt: c.received_at,
    status: c.status,
    ackDue: c.ack_due,
    replyDue: c.reply_due,
    acknowledgedAt: c.acknowledged_at,
    repliedAt: c.replied_at,
    history: events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind as CitizenEvent["kind"],
      toStatus: e.to_status,
      // A move's body is shown only for "waiting for you" (what we need); replies and decisions always.
      body: e.kind === "transition" && e.to_status !== "awaiting_customer" ? null : e.body,
      files: e.kind === "citizen-answer" ? (files.get(e.id) ?? []).map((a) => a.name) : [],
    })),
    appeal: await appealState(db, c, now),
  };
}

/** Whether the citizen may appeal now, by when, or how far their open appeal has got. */
export async function appealState(db: Db, c: Case, now: Date = new Date()): Promise<AppealState> {
  const open = await openAppeal(db, c.id);
  if (open) return { state: "open", due: open.due };
  if (!c.replied_at || !["replied", "closed"].includes(c.status)) return { state: "none" };
  const lastDay = await appealDeadline(db, c);
  if (!lastDay) return { state: "none" };
  return hkDate(now) > lastDay ? { state: "ended", lastDay } : { state: "allowed", lastDay };
}
