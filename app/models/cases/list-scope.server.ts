import type { AppLoadContext } from "@remix-run/node";
import type { Department } from "../../../db/schema";
import { getDepartmentByCode } from "../departments/departments.server";
import { denyAccess, type SessionUser } from "../staff/auth.server";
import type { Role } from "../staff/schema";
import { CASE_HANDLER_ROLES } from "./lifecycle";

/** Who may open the case and feedback lists: case handlers, and the central reviewer (read-only). */
export const CASE_LIST_ROLES = [...CASE_HANDLER_ROLES, "central_reviewer"] as const satisfies readonly Role[];

export type ListScope =
  | { kind: "department"; department: Department; readOnly: boolean }
  /** a central reviewer who has not named a department yet */
  | { kind: "choose" }
  /** a department code that names no department (central reviewer) */
  | { kind: "unknown"; code: string };

/**
 * The department a list shows (the URL contract's `dept=`): staff see their own department only
 * (another code: 404, audited, as for any other department's record); a central reviewer must
 * name one and sees it read-only.
 */
export async function listScope(
  context: AppLoadContext,
  user: SessionUser,
  code: string | null,
): Promise<ListScope> {
  const reviewer = user.role === "central_reviewer";
  const department = code ? await getDepartmentByCode(context.db, code.toUpperCase()) : undefined;
  if (reviewer) {
    if (!code) return { kind: "choose" };
    return department ? { kind: "department", department, readOnly: true } : { kind: "unknown", code };
  }
  if (code && (!department || department.id !== user.departmentId))
    throw await denyAccess(context, user, "department", { type: "department", id: code.slice(0, 16) });
  const own =
    department ??
    (user.departmentCode ? await getDepartmentByCode(context.db, user.departmentCode) : undefined);
  if (!own) throw await denyAccess(context, user, "department", { type: "department", id: "" });
  return { kind: "department", department: own, readOnly: false };
}
