import type { Db } from "../../../db/client";
import { maskEmail } from "../../utils/crypto.server";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { sealForOutbox } from "../outbox/email.server";
import { hashPassword, verifyCredentials } from "./accounts.server";
import { inLanguage, queueStaffMail, type StaffLanguage, staffLanguage } from "./mail.server";
import {
  issueStaffToken,
  spendStaffToken,
  staffTokenState,
  TOKEN_MINUTES,
  voidPasswordLinks,
} from "./tokens.server";

/** A staff member's own account page: their password, their address, their e-mail language. */

export interface Me {
  id: number;
  sessionId: string;
  username: string;
  departmentId: number | null;
}

export interface OwnAccount {
  username: string;
  displayName: string;
  email: string | null;
  language: StaffLanguage | null;
  /** an address waiting for its confirmation link to be opened */
  pendingEmail: string | null;
}

export async function getOwnAccount(db: Db, userId: number, now: Date = new Date()): Promise<OwnAccount> {
  const u = await db
    .selectFrom("staff_users")
    .select(["username", "display_name", "email", "language"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const pending = await db
    .selectFrom("staff_tokens")
    .select("new_email")
    .where("user_id", "=", userId)
    .where("purpose", "=", "email")
    .where("used_at", "is", null)
    .where("expires_at", ">", nowIso(now))
    .orderBy("id", "desc")
    .executeTakeFirst();
  return {
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    language: staffLanguage(u.language),
    pendingEmail: pending?.new_email ?? null,
  };
}

/**
 * Changes one's own password: the current one is required (ASVS 2.1.6), the other sessions end,
 * this one stays. Audited.
 */
export async function changeOwnPassword(
  db: Db,
  me: Me,
  currentPassword: string,
  newPassword: string,
): Promise<{ ok: true } | { ok: false; error: "currentPassword" }> {
  if (!(await verifyCredentials(db, me.username, currentPassword)))
    return { ok: false, error: "currentPassword" };
  const passwordHash = await hashPassword(newPassword);
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("staff_users")
      .set({ password_hash: passwordHash, updated_at: at })
      .where("id", "=", me.id)
      .execute();
    await voidPasswordLinks(trx, me.id, at);
    await trx
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("user_id", "=", me.id)
      .where("id", "!=", me.sessionId)
      .where("revoked_at", "is", null)
      .execute();
    await recordAudit(trx, {
      action: "staff.password-change",
      actorUserId: me.id,
      departmentId: me.departmentId,
      entityType: "staff_user",
      entityId: me.id,
    });
  });
  return { ok: true };
}

/**
 * Asks for a new address: a single-use link (24 hours) goes TO the new address, and the old one
 * stays until it is opened. The current password is required. Audited (without the address).
 */
export async function requestEmailChange(
  db: Db,
  piiKey: string,
  me: Me,
  input: { email: string; currentPassword: string; locale: string },
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: "currentPassword" | "sameEmail" }> {
  const user = await verifyCredentials(db, me.username, input.currentPassword);
  if (!user) return { ok: false, error: "currentPassword" };
  const email = input.email.trim();
  if ((user.email ?? "").toLowerCase() === email.toLowerCase()) return { ok: false, error: "sameEmail" };
  await db.transaction().execute(async (trx) => {
    const link = await issueStaffToken(trx, me.id, "email", { now, newEmail: email });
    const message = inLanguage(staffLanguage(user.language) ?? staffLanguage(input.locale), (t) => ({
      subject: t("staffAccount.mail.email.subject"),
      body: t("staffAccount.mail.email.body", {
        name: user.display_name,
        username: user.username,
        url: `{{APP_ORIGIN}}/staff/confirm-email/${sealForOutbox(piiKey, link.token)}`,
        hours: TOKEN_MINUTES.email / 60,
      }),
    }));
    await queueStaffMail(trx, piiKey, {
      dedupeKey: `staff-token-${link.id}`,
      kind: "staff.email-confirmation",
      departmentId: me.departmentId,
      to: email,
      ...message,
    });
    await recordAudit(trx, {
      action: "staff.email-change-requested",
      actorUserId: me.id,
      departmentId: me.departmentId,
      entityType: "staff_user",
      entityId: me.id,
    });
  });
  return { ok: true };
}

/**
 * Opens an address confirmation link: the account's address becomes the new one, and the old
 * address is told (so a change its owner did not make does not go unnoticed). Audited.
 */
export async function confirmEmailChange(
  db: Db,
  piiKey: string,
  token: string,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; status: "used" | "expired" | "unknown" }> {
  const state = await staffTokenState(db, token, ["email"], now);
  if (state.status !== "open") return { ok: false, status: state.status };
  const at = nowIso(now);
  return db.transaction().execute(async (trx) => {
    if (!(await spendStaffToken(trx, state.id, now))) return { ok: false as const, status: "used" as const };
    const before = await trx
      .selectFrom("staff_users")
      .select(["email", "display_name", "username", "language", "department_id"])
      .where("id", "=", state.userId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("staff_users")
      .set({ email: state.newEmail, updated_at: at })
      .where("id", "=", state.userId)
      .execute();
    if (before.email) {
      const message = inLanguage(staffLanguage(before.language), (t) => ({
        subject: t("staffAccount.mail.emailChanged.subject"),
        body: t("staffAccount.mail.emailChanged.body", {
          name: before.display_name,
          username: before.username,
          email: maskEmail(state.newEmail) ?? "",
        }),
      }));
      await queueStaffMail(trx, piiKey, {
        dedupeKey: `staff-token-${state.id}-old-address`,
        kind: "staff.email-changed",
        departmentId: before.department_id,
        to: before.email,
        ...message,
      });
    }
    await recordAudit(trx, {
      action: "staff.email-change",
      actorUserId: state.userId,
      departmentId: before.department_id,
      entityType: "staff_user",
      entityId: state.userId,
    });
    return { ok: true as const };
  });
}

/** The language one's e-mail is written in. */
export async function setOwnLanguage(db: Db, userId: number, language: StaffLanguage): Promise<void> {
  await db
    .updateTable("staff_users")
    .set({ language, updated_at: nowIso() })
    .where("id", "=", userId)
    .execute();
}
