import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import { addMinutes, nowIso } from "../calendar/time";
import type { Role } from "./schema";

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Starts a server-side session; returns the token for the cookie (only its hash is stored). */
export async function createSession(
  db: Db,
  userId: number,
  absoluteHours: number,
  now = new Date(),
): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  const at = nowIso(now);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("sessions")
      .values({
        id: hashToken(token),
        user_id: userId,
        created_at: at,
        last_seen_at: at,
        expires_at: addMinutes(at, absoluteHours * 60),
        revoked_at: null,
      })
      .execute();
    await trx.updateTable("staff_users").set({ last_sign_in_at: at }).where("id", "=", userId).execute();
  });
  return token;
}

export interface SessionUser {
  sessionId: string;
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentCode: string | null;
  departmentNameEn: string | null;
  departmentNameZh: string | null;
}

export type SessionLookup =
  | { status: "valid"; user: SessionUser }
  | { status: "expired"; userId: number; departmentId: number | null }
  | { status: "none" };

/**
 * Finds the session for a cookie token and enforces the idle and absolute timeouts
 * (ASVS 3.3.1–3.3.2). Refreshes last_seen_at at most once a minute.
 */
export async function lookupSession(
  db: Db,
  token: string,
  idleMinutes: number,
  now = new Date(),
): Promise<SessionLookup> {
  const row = await db
    .selectFrom("sessions as s")
    .innerJoin("staff_users as u", "u.id", "s.user_id")
    .leftJoin("departments as d", "d.id", "u.department_id")
    .select([
      "s.id as session_id",
      "s.last_seen_at",
      "s.expires_at",
      "s.revoked_at",
      "u.id",
      "u.username",
      "u.display_name",
      "u.role",
      "u.is_active",
      "u.department_id",
      "d.code as department_code",
      "d.name_en as department_name_en",
      "d.name_zh as department_name_zh",
    ])
    .where("s.id", "=", hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return { status: "none" };
  const at = nowIso(now);
  if (row.is_active !== 1 || row.expires_at <= at || addMinutes(row.last_seen_at, idleMinutes) <= at) {
    await db.updateTable("sessions").set({ revoked_at: at }).where("id", "=", row.session_id).execute();
    return { status: "expired", userId: row.id, departmentId: row.department_id };
  }
  if (addMinutes(row.last_seen_at, 1) <= at) {
    await db.updateTable("sessions").set({ last_seen_at: at }).where("id", "=", row.session_id).execute();
  }
  return {
    status: "valid",
    user: {
      sessionId: row.session_id,
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      departmentId: row.department_id,
      departmentCode: row.department_code,
      departmentNameEn: row.department_name_en,
      departmentNameZh: row.department_name_zh,
    },
  };
}

export async function revokeSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ revoked_at: nowIso(now) })
    .where("id", "=", sessionId)
    .where("revoked_at", "is", null)
    .execute();
}

/** Ends every open session of an account (deactivated, or its password reset), in the caller's transaction. */
export async function revokeAllSessions(trx: Db, userId: number, at: string): Promise<void> {
  await trx
    .updateTable("sessions")
    .set({ revoked_at: at })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}
