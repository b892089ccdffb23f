import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { StaffTokenPurpose } from "../../../db/schema";
import { addMinutes, nowIso } from "../calendar/time";
import { hashToken } from "./sessions.server";

/**
 * Single-use links e-mailed to staff (OWASP Forgot Password Cheat Sheet): a random token of 256
 * bits, only its sha-256 stored, valid for a short time, spent by one conditional update.
 */

/** How long each kind of link stays valid. */
export const TOKEN_MINUTES: Record<StaffTokenPurpose, number> = {
  reset: 30,
  invite: 72 * 60,
  email: 24 * 60,
};

/** A token as it appears in a link (43 base64url characters); anything else is unknown at once. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Makes a new link for an account, in the caller's transaction; earlier unused links of the same
 * purpose stop working (only the newest e-mail counts). Returns the token for the e-mail.
 */
export async function issueStaffToken(
  trx: Db,
  userId: number,
  purpose: StaffTokenPurpose,
  options: { now?: Date; newEmail?: string } = {},
): Promise<{ token: string; id: number; expiresAt: string }> {
  const at = nowIso(options.now);
  await trx
    .updateTable("staff_tokens")
    .set({ used_at: at })
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .execute();
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = addMinutes(at, TOKEN_MINUTES[purpose]);
  const row = await trx
    .insertInto("staff_tokens")
    .values({
      user_id: userId,
      purpose,
      token_hash: hashToken(token),
      new_email: options.newEmail ?? null,
      created_at: at,
      expires_at: expiresAt,
      used_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { token, id: row.id, expiresAt };
}

export type TokenState =
  | {
      status: "open";
      id: number;
      userId: number;
      username: string;
      purpose: StaffTokenPurpose;
      newEmail: string | null;
    }
  | { status: "used" | "expired" | "unknown" };

/** What a link is: still usable, already used, past its time, or not one of ours (or of these purposes). */
export async function staffTokenState(
  db: Db,
  token: string | null | undefined,
  purposes: readonly StaffTokenPurpose[],
  now: Date = new Date(),
): Promise<TokenState> {
  if (!token || !TOKEN_SHAPE.test(token)) return { status: "unknown" };
  const row = await db
    .selectFrom("staff_tokens as t")
    .innerJoin("staff_users as u", "u.id", "t.user_id")
    .select([
      "t.id",
      "t.user_id",
      "t.purpose",
      "t.new_email",
      "t.expires_at",
      "t.used_at",
      "u.is_active",
      "u.username",
    ])
    .where("t.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row || !purposes.includes(row.purpose) || row.is_active !== 1) return { status: "unknown" };
  if (row.used_at) return { status: "used" };
  if (row.expires_at <= nowIso(now)) return { status: "expired" };
  return {
    status: "open",
    id: row.id,
    userId: row.user_id,
    username: row.username,
    purpose: row.purpose,
    newEmail: row.new_email,
  };
}

/** Spends a link in the caller's transaction: true for the one caller that got it while it was open. */
export async function spendStaffToken(trx: Db, id: number, now: Date = new Date()): Promise<boolean> {
  const at = nowIso(now);
  const r = await trx
    .updateTable("staff_tokens")
    .set({ used_at: at })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Ends the account's open reset and invitation links, in the caller's transaction: once a password
 * is set (by a link, by its owner or by an administrator), an older e-mailed link must not set
 * another.
 */
export async function voidPasswordLinks(trx: Db, userId: number, at: string): Promise<void> {
  await trx
    .updateTable("staff_tokens")
    .set({ used_at: at })
    .where("user_id", "=", userId)
    .where("purpose", "in", ["reset", "invite"])
    .where("used_at", "is", null)
    .execute();
}
