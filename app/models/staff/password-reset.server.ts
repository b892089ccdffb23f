import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../../db/client";
import type { StaffTokenPurpose } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { sealForOutbox } from "../outbox/email.server";
import { limiterKey } from "../rate-limits/limiter.server";
import { hashPassword } from "./accounts.server";
import { inLanguage, queueStaffMail, staffLanguage } from "./mail.server";
import { revokeAllSessions } from "./sessions.server";
import {
  issueStaffToken,
  spendStaffToken,
  staffTokenState,
  TOKEN_MINUTES,
  voidPasswordLinks,
} from "./tokens.server";

/**
 * "Forgot password" (OWASP Forgot Password Cheat Sheet): the same answer whether or not an account
 * has the address, a single-use link valid 30 minutes, every session ended on reset.
 */

/**
 * Counts one request against both limits (per client address and per typed address), before any
 * lookup; false when either is used up. Keys are HMACs: Redis never holds the address.
 */
export async function allowResetRequest(context: AppLoadContext, email: string): Promise<boolean> {
  const { resetAddress, resetEmail } = context.limiters;
  const [byAddress, byEmail] = await Promise.all([
    resetAddress.consume(limiterKey(context, "reset-address", context.clientAddress)),
    resetEmail.consume(limiterKey(context, "reset-email", email.trim().toLowerCase())),
  ]);
  return byAddress && byEmail;
}

/**
 * Sends a reset link to every active account with this address (usually one), in its owner's
 * language (`locale`, the page's, when the account has none yet). Returns how many were sent,
 * which the page never shows.
 */
export async function requestPasswordReset(
  db: Db,
  piiKey: string,
  email: string,
  locale: string,
  now: Date = new Date(),
): Promise<number> {
  const address = email.trim().toLowerCase();
  if (!address) return 0;
  const accounts = await db
    .selectFrom("staff_users")
    .select(["id", "display_name", "username", "email", "language", "department_id"])
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", address))
    .where("is_active", "=", 1)
    .execute();
  for (const a of accounts) {
    await db.transaction().execute(async (trx) => {
      const link = await issueStaffToken(trx, a.id, "reset", { now });
      const message = inLanguage(staffLanguage(a.language) ?? staffLanguage(locale), (t) => ({
        subject: t("staffAccount.mail.reset.subject"),
        body: t("staffAccount.mail.reset.body", {
          name: a.display_name,
          username: a.username,
          url: `{{APP_ORIGIN}}/staff/reset-password/${sealForOutbox(piiKey, link.token)}`,
          minutes: TOKEN_MINUTES.reset,
        }),
      }));
      await queueStaffMail(trx, piiKey, {
        dedupeKey: `staff-token-${link.id}`,
        kind: "staff.password-reset",
        departmentId: a.department_id,
        to: a.email ?? "",
        ...message,
      });
      await recordAudit(trx, {
        action: "staff.password-reset-requested",
        actorUserId: null,
        departmentId: a.department_id,
        entityType: "staff_user",
        entityId: a.id,
      });
    });
  }
  return accounts.length;
}

export type SetPasswordResult =
  | { ok: true; userId: number; purpose: StaffTokenPurpose }
  | { ok: false; status: "used" | "expired" | "unknown" };

/**
 * Sets a password through a reset or invitation link: the link is spent, the password set and
 * every session of the account ended in one transaction, and audited. A link spent by another
 * request in between is "used".
 */
export async function setPasswordWithToken(
  db: Db,
  token: string,
  password: string,
  now: Date = new Date(),
): Promise<SetPasswordResult> {
  const state = await staffTokenState(db, token, ["reset", "invite"], now);
  if (state.status !== "open") return { ok: false, status: state.status };
  const passwordHash = await hashPassword(password);
  const at = nowIso(now);
  return db.transaction().execute(async (trx): Promise<SetPasswordResult> => {
    if (!(await spendStaffToken(trx, state.id, now))) return { ok: false, status: "used" };
    const user = await trx
      .updateTable("staff_users")
      .set({ password_hash: passwordHash, updated_at: at })
      .where("id", "=", state.userId)
      .returning(["department_id"])
      .executeTakeFirstOrThrow();
    await revokeAllSessions(trx, state.userId, at);
    await voidPasswordLinks(trx, state.userId, at);
    await recordAudit(trx, {
      action: state.purpose === "invite" ? "staff.invitation-accepted" : "staff.password-reset-by-link",
      actorUserId: state.userId,
      departmentId: user.department_id,
      entityType: "staff_user",
      entityId: state.userId,
    });
    return { ok: true, userId: state.userId, purpose: state.purpose };
  });
}
