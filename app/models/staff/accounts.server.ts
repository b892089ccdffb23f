import { hash, verify } from "@node-rs/argon2";
import type { Db } from "../../../db/client";
import type { StaffUser } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { DEPARTMENT_ROLES, type FirstAdminInput, GOVERNMENT_ROLES, type Role } from "./schema";
import { revokeAllSessions } from "./sessions.server";
import { voidPasswordLinks } from "./tokens.server";

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. Algorithm 2 is Argon2id
// (@node-rs/argon2's const enum, which isolatedModules cannot import).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: const enum value, see above
  return hash(password, ARGON2 as any);
}

// A real hash of a random password: unknown usernames cost the same time as wrong passwords.
let dummyHash: Promise<string> | undefined;

/** The user when the password matches an active account; null otherwise, in the same time. */
export async function verifyCredentials(
  db: Db,
  username: string,
  password: string,
): Promise<StaffUser | null> {
  const user = await db
    .selectFrom("staff_users")
    .selectAll()
    .where("username", "=", username.trim().toLowerCase())
    .executeTakeFirst();
  dummyHash ??= hashPassword(`no-such-user-${Math.random()}`);
  const ok = await verify(user?.password_hash ?? (await dummyHash), password).catch(() => false);
  if (!user || !ok || user.is_active !== 1) return null;
  return user;
}

export async function findStaffByUsername(db: Db, username: string): Promise<StaffUser | undefined> {
  return db
    .selectFrom("staff_users")
    .selectAll()
    .where("username", "=", username.trim().toLowerCase())
    .executeTakeFirst();
}

/** Who may be managed by whom: department admins their own department's four roles, system admins anyone. */
export interface Actor {
  id: number;
  role: Role;
  departmentId: number | null;
}

export function isGovernmentRole(role: Role): boolean {
  return (GOVERNMENT_ROLES as readonly string[]).includes(role);
}

export function canManageStaff(actor: Actor): boolean {
  return actor.role === "department_admin" || actor.role === "system_admin";
}

export function assignableRoles(actor: Actor): readonly Role[] {
  if (actor.role === "system_admin") return [...DEPARTMENT_ROLES, ...GOVERNMENT_ROLES];
  if (actor.role === "department_admin") return DEPARTMENT_ROLES;
  return [];
}

export interface StaffRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  is_active: number;
  department_id: number | null;
  department_code: string | null;
  last_sign_in_at: string | null;
  /** the work address the worker e-mails; null when none was given */
  email: string | null;
}

function staffRows(db: Db) {
  return db
    .selectFrom("staff_users as u")
    .leftJoin("departments as d", "d.id", "u.department_id")
    .select([
      "u.id",
      "u.username",
      "u.display_name",
      "u.role",
      "u.is_active",
      "u.department_id",
      "d.code as department_code",
      "u.last_sign_in_at",
      "u.email",
    ]);
}

/** Staff the actor may manage, in username order. */
export async function listStaff(db: Db, actor: Actor): Promise<StaffRow[]> {
  let q = staffRows(db).orderBy("d.code").orderBy("u.username");
  if (actor.role !== "system_admin") q = q.where("u.department_id", "=", actor.departmentId ?? -1);
  return q.execute();
}

/** One staff account, or undefined when it does not exist or is outside the actor's department. */
export async function getStaffForActor(db: Db, actor: Actor, id: number): Promise<StaffRow | undefined> {
  let q = staffRows(db).where("u.id", "=", id);
  if (actor.role !== "system_admin") q = q.where("u.department_id", "=", actor.departmentId ?? -1);
  return q.executeTakeFirst();
}

export type StaffWriteError = "usernameTaken" | "roleNotAllowed" | "departmentRequired" | "departmentUnknown";

/** Creates an account in the actor's department (system admins choose); audited. */
export async function createStaff(
  db: Db,
  actor: Actor,
  input: {
    username: string;
    displayName: string;
    /** "" for none (the schema requires one for managers and case officers) */
    email: string;
    role: Role;
    departmentId?: number;
    password: string;
  },
): Promise<{ ok: true; id: number } | { ok: false; error: StaffWriteError; field: string }> {
  if (!assignableRoles(actor).includes(input.role))
    return { ok: false, error: "roleNotAllowed", field: "role" };
  let departmentId: number | null;
  if (isGovernmentRole(input.role)) departmentId = null;
  else if (actor.role === "system_admin") {
    if (!input.departmentId) return { ok: false, error: "departmentRequired", field: "departmentId" };
    const dept = await db
      .selectFrom("departments")
      .select("id")
      .where("id", "=", input.departmentId)
      .executeTakeFirst();
    if (!dept) return { ok: false, error: "departmentUnknown", field: "departmentId" };
    departmentId = dept.id;
  } else departmentId = actor.departmentId;

  if (await findStaffByUsername(db, input.username))
    return { ok: false, error: "usernameTaken", field: "username" };
  const passwordHash = await hashPassword(input.password);
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const row = await insertStaffUser(trx, {
      departmentId,
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash,
      email: input.email || null,
      now,
    });
    await recordAudit(trx, {
      action: "staff.create",
      actorUserId: actor.id,
      departmentId,
      entityType: "staff_user",
      entityId: row.id,
      detail: { role: input.role, email: input.email !== "" },
    });
    return { ok: true as const, id: row.id };
  });
}

/**
 * The one INSERT of a staff account, active, username in lower case: by an administrator, from the
 * command line, or from a department's CSV (import.server.ts). The caller audits it.
 */
export async function insertStaffUser(
  trx: Db,
  a: {
    departmentId: number | null;
    username: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    email: string | null;
    language?: string | null;
    now: string;
  },
): Promise<{ id: number }> {
  return trx
    .insertInto("staff_users")
    .values({
      department_id: a.departmentId,
      username: a.username.toLowerCase(),
      display_name: a.displayName,
      role: a.role,
      password_hash: a.passwordHash,
      is_active: 1,
      created_at: a.now,
      updated_at: a.now,
      email: a.email,
      ...(a.language === undefined ? {} : { language: a.language }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/**
 * A system administrator made from the command line (`npm run admin:create`), where there is no
 * one signed in to act: the first account of an empty production database, or a way back in.
 * Audited with no actor.
 */
export async function createSystemAdmin(
  db: Db,
  input: FirstAdminInput,
): Promise<{ ok: true; id: number } | { ok: false; error: "usernameTaken" }> {
  if (await findStaffByUsername(db, input.username)) return { ok: false, error: "usernameTaken" };
  const passwordHash = await hashPassword(input.password);
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const row = await insertStaffUser(trx, {
      departmentId: null,
      username: input.username,
      displayName: input.displayName,
      role: "system_admin",
      passwordHash,
      email: input.email || null,
      now,
    });
    await recordAudit(trx, {
      action: "staff.create",
      actorUserId: null,
      entityType: "staff_user",
      entityId: row.id,
      detail: { role: "system_admin", email: input.email !== "", via: "command-line" },
    });
    return { ok: true as const, id: row.id };
  });
}

/** Changes name, e-mail, role or active flag; deactivating ends the account's sessions. Audited. */
export async function updateStaff(
  db: Db,
  actor: Actor,
  target: StaffRow,
  input: { displayName: string; email: string; role: Role; isActive: boolean },
): Promise<{ ok: true } | { ok: false; error: StaffWriteError; field: string }> {
  const allowed = assignableRoles(actor);
  if (!allowed.includes(input.role) || !allowed.includes(target.role)) {
    return { ok: false, error: "roleNotAllowed", field: "role" };
  }
  if (isGovernmentRole(input.role) !== isGovernmentRole(target.role)) {
    return { ok: false, error: "roleNotAllowed", field: "role" };
  }
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("staff_users")
      .set({
        display_name: input.displayName,
        role: input.role,
        is_active: input.isActive ? 1 : 0,
        email: input.email || null,
        updated_at: now,
      })
      .where("id", "=", target.id)
      .execute();
    if (!input.isActive) {
      await revokeAllSessions(trx, target.id, now);
    }
    await recordAudit(trx, {
      action: "staff.update",
      actorUserId: actor.id,
      departmentId: target.department_id,
      entityType: "staff_user",
      entityId: target.id,
      detail: {
        role: input.role,
        active: input.isActive,
        ...((input.email || null) !== target.email ? { emailChanged: true } : {}),
      },
    });
  });
  return { ok: true };
}

/** Sets a new password and ends every session of the account. Audited. */
export async function resetStaffPassword(
  db: Db,
  actor: Actor,
  target: StaffRow,
  password: string,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("staff_users")
      .set({ password_hash: passwordHash, updated_at: now })
      .where("id", "=", target.id)
      .execute();
    await revokeAllSessions(trx, target.id, now);
    await voidPasswordLinks(trx, target.id, now);
    await recordAudit(trx, {
      action: "staff.password-reset",
      actorUserId: actor.id,
      departmentId: target.department_id,
      entityType: "staff_user",
      entityId: target.id,
    });
  });
}
