import { type AppLoadContext, redirect } from "@remix-run/node";
import { recordAudit } from "~/models/audit/audit.server";
import { limiterKey } from "~/models/rate-limits/limiter.server";
import { findStaffByUsername, verifyCredentials } from "~/models/staff/accounts.server";
import type { Role } from "~/models/staff/schema";
import {
  createSession,
  lookupSession,
  revokeSession,
  type SessionUser,
} from "~/models/staff/sessions.server";
import { sessionCookie } from "../../utils/cookies.server";
import { notFound, unauthorized } from "../../utils/http.server";

export type { SessionUser };

async function sessionToken(request: Request, context: AppLoadContext): Promise<string | null> {
  const value = await sessionCookie(context.env).parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The signed-in staff member, or null. An expired session is ended and audited. */
export async function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const token = await sessionToken(request, context);
  if (!token) return null;
  const found = await lookupSession(context.db, token, context.env.SESSION_IDLE_MINUTES);
  if (found.status === "expired") {
    await recordAudit(context.db, {
      action: "session.expired",
      actorUserId: found.userId,
      departmentId: found.departmentId,
    });
    return null;
  }
  return found.status === "valid" ? found.user : null;
}

/**
 * The signed-in staff member with one of `roles` (any role when omitted). A page request without a
 * session goes to sign-in and comes back; a form post without one gets 401 and writes nothing.
 * A role that may not use the page gets 404, as if it were not there, and is audited.
 */
export async function requireUser(
  request: Request,
  context: AppLoadContext,
  roles?: readonly Role[],
): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const hadCookie = /(?:^|;\s*)(?:__Host-)?pledge_session=/.test(request.headers.get("cookie") ?? "");
    if (request.method === "GET" || request.method === "HEAD") {
      const url = new URL(request.url);
      const params = new URLSearchParams({ redirectTo: url.pathname + url.search });
      if (hadCookie) params.set("reason", "expired");
      throw redirect(`/staff/sign-in?${params}`, {
        headers: hadCookie
          ? { "Set-Cookie": await sessionCookie(context.env).serialize("", { maxAge: 0 }) }
          : {},
      });
    }
    throw unauthorized(hadCookie ? "sessionExpired" : "unauthorized");
  }
  if (roles && !roles.includes(user.role)) {
    await denyAccess(context, user, "role");
    throw notFound();
  }
  return user;
}

/** Records a refused access (no personal data) and returns the 404 to throw. */
export async function denyAccess(
  context: AppLoadContext,
  user: SessionUser,
  reason: string,
  entity?: { type: string; id: string | number },
): Promise<Response> {
  await recordAudit(context.db, {
    action: "access.denied",
    actorUserId: user.id,
    departmentId: user.departmentId,
    entityType: entity?.type ?? null,
    entityId: entity?.id ?? null,
    detail: { reason },
  });
  return notFound();
}

/** True when the staff member reads every department (central reviewer, system administrator). */
export function seesAllDepartments(user: SessionUser): boolean {
  return user.role === "central_reviewer" || user.role === "system_admin";
}

/**
 * Department scoping, checked on the server for every department-scoped record: staff of
 * department A asking for department B's record get 404, never a hint that it exists.
 */
export async function assertDepartmentAccess(
  context: AppLoadContext,
  user: SessionUser,
  departmentId: number | null | undefined,
  entity: { type: string; id: string | number },
): Promise<void> {
  if (seesAllDepartments(user)) return;
  if (departmentId == null || departmentId !== user.departmentId) {
    throw await denyAccess(context, user, "department", entity);
  }
}

export type SignInResult =
  | { status: "ok"; token: string; user: { id: number; departmentId: number | null } }
  | { status: "invalid" }
  | { status: "throttled"; retryAfterSeconds: number };

/**
 * Checks a sign-in attempt: throttled per account and per address (after five failures in a
 * minute the next attempt gets 429, even with the right password), the same answer for a wrong
 * password and an unknown user, every outcome audited without the typed username.
 *
 * The attempt is counted before the password is checked, atomically on both limits: of fifty
 * attempts sent at once, at most five reach the password check. What turns out not to be a
 * guess is given back: a successful sign-in resets its account and returns its address's point
 * (colleagues behind one office address sign in all morning), and an attempt refused by one
 * limit returns the point the other took (a locked account does not use up its office's budget).
 */
export async function attemptSignIn(
  context: AppLoadContext,
  username: string,
  password: string,
): Promise<SignInResult> {
  const { signInAccount, signInAddress } = context.limiters;
  const accountKey = limiterKey(context, "account", username.trim().toLowerCase());
  const addressKey = limiterKey(context, "address", context.clientAddress);
  const [accountOk, addressOk] = await Promise.all([
    signInAccount.consume(accountKey),
    signInAddress.consume(addressKey),
  ]);
  if (!accountOk || !addressOk) {
    await Promise.all([
      accountOk ? signInAccount.refund(accountKey) : null,
      addressOk ? signInAddress.refund(addressKey) : null,
    ]);
    const known = await findStaffByUsername(context.db, username);
    await recordAudit(context.db, {
      action: "sign-in.throttled",
      actorUserId: known?.id ?? null,
      departmentId: known?.department_id ?? null,
    });
    return { status: "throttled", retryAfterSeconds: signInAccount.durationSeconds };
  }
  const user = await verifyCredentials(context.db, username, password);
  if (!user) {
    const known = await findStaffByUsername(context.db, username);
    await recordAudit(context.db, {
      action: "sign-in.failed",
      actorUserId: known?.id ?? null,
      departmentId: known?.department_id ?? null,
    });
    return { status: "invalid" };
  }
  await Promise.all([signInAccount.reset(accountKey), signInAddress.refund(addressKey)]);
  const token = await createSession(context.db, user.id, context.env.SESSION_ABSOLUTE_HOURS);
  await recordAudit(context.db, {
    action: "sign-in",
    actorUserId: user.id,
    departmentId: user.department_id,
  });
  return { status: "ok", token, user: { id: user.id, departmentId: user.department_id } };
}

/** Ends the session in the database and returns the header that clears the cookie. */
export async function signOut(request: Request, context: AppLoadContext): Promise<string> {
  const user = await getUser(request, context);
  if (user) {
    await revokeSession(context.db, user.sessionId);
    await recordAudit(context.db, {
      action: "sign-out",
      actorUserId: user.id,
      departmentId: user.departmentId,
    });
  }
  return sessionCookie(context.env).serialize("", { maxAge: 0 });
}
