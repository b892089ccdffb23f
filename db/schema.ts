import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * The Database interface. Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers on
 * both SQLite and Postgres, so one set of queries behaves the same on each
 * (docs/decisions/0002-portable-column-types.md).
 */

export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name_en: string;
  name_zh: string;
  created_at: string;
}
export type Department = Selectable<DepartmentTable>;
export type NewDepartment = Insertable<DepartmentTable>;

export interface ServiceTable {
  id: Generated<number>;
  department_id: number;
  code: string;
  name_en: string;
  name_zh: string;
  created_at: string;
}
export type Service = Selectable<ServiceTable>;
export type NewService = Insertable<ServiceTable>;

export const STAFF_ROLES = [
  "counter_staff",
  "case_officer",
  "manager",
  "department_admin",
  "central_reviewer",
  "system_admin",
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserTable {
  id: Generated<number>;
  /** null only for central_reviewer and system_admin */
  department_id: number | null;
  username: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  is_active: number;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}
export type StaffUser = Selectable<StaffUserTable>;
export type NewStaffUser = Insertable<StaffUserTable>;
export type StaffUserUpdate = Updateable<StaffUserTable>;

export interface SessionTable {
  /** sha-256 of the token in the cookie: a database leak does not hand out live sessions */
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}
export type Session = Selectable<SessionTable>;
export type NewSession = Insertable<SessionTable>;

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: string;
  actor_user_id: number | null;
  department_id: number | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  /** JSON; never personal data (no names, contacts, free text a citizen wrote) */
  detail: string | null;
}
export type AuditEvent = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;

export interface Database {
  departments: DepartmentTable;
  services: ServiceTable;
  staff_users: StaffUserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
}
