import type { Role } from "../staff/schema";

/**
 * Who sees and keeps liaison groups: a department's administrator keeps its own (a system
 * administrator any department's); its managers and the central bureau read them.
 */
export const LIAISON_READERS = ["department_admin", "manager", "central_reviewer", "system_admin"] as const;
export const LIAISON_KEEPERS = ["department_admin", "system_admin"] as const;

interface Reader {
  role: Role;
  departmentId: number | null;
}

/** The department whose groups the reader sees, or null for every department. */
export function liaisonScope(user: Reader): number | null {
  return user.role === "central_reviewer" || user.role === "system_admin" ? null : user.departmentId;
}

/** True when the reader may record groups and meetings of `departmentId`. */
export function canKeepLiaison(user: Reader, departmentId: number): boolean {
  if (user.role === "system_admin") return true;
  return user.role === "department_admin" && user.departmentId === departmentId;
}
