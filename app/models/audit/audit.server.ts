import type { Db } from "../../../db/client";
import type { AuditEvent } from "../../../db/schema";
import { nowIso } from "../calendar/time";

export type AuditAction =
  | "sign-in"
  | "sign-in.failed"
  | "sign-in.throttled"
  | "sign-out"
  | "session.expired"
  | "access.denied"
  | "staff.create"
  | "staff.update"
  | "staff.password-reset"
  | "audit.export"
  | "survey.create"
  | "survey.update"
  | "survey.publish"
  | "survey.close"
  | "survey.paper-entry"
  | "survey.export"
  | "collection-point.create"
  | "api-key.create"
  | "api-key.revoke"
  | "case.create"
  | "case.move"
  | "case.note"
  | "case.citizen-answer"
  | "case.assign"
  | "case.refer"
  | "case.attachment-download"
  | "case.contact-view"
  // a filtered case list downloaded (issue 14): its filters and format, never the rows
  | "case.export"
  | "feedback.export"
  | "case.purge"
  | "case.purge-attachments"
  | "case.purge-messages"
  | "appeal.lodge"
  | "appeal.decide"
  | "feedback.create"
  | "case-settings.update"
  | "closure-day.create"
  | "closure-day.delete"
  | "case.deadline-move"
  | "pledge.create"
  | "pledge.update"
  | "pledge.unmet-note"
  | "data.import"
  | "transaction.create"
  | "reading.create"
  | "report.acknowledge"
  | "queue.retry"
  | "queue.retry-all"
  | "department.create"
  | "department.update"
  | "department.deactivate"
  | "department.reactivate"
  | "service.create"
  | "service.update"
  | "service.deactivate"
  | "service.reactivate"
  | "staff.password-reset-requested"
  | "staff.password-reset-by-link"
  | "staff.invitation-accepted"
  | "staff.password-change"
  | "staff.email-change-requested"
  | "staff.email-change"
  | "staff.import"
  | "department-settings.update"
  | "registry.import"
  | "registry.upload"
  // the review of pledges (issue 16): a round opened or published, a return saved, submitted or returned
  | "review.open"
  | "review.publish"
  | "review.save"
  | "review.submit"
  | "review.return";

export interface AuditInput {
  action: AuditAction;
  actorUserId?: number | null;
  departmentId?: number | null;
  entityType?: string | null;
  entityId?: string | number | null;
  /** Ids, codes and counts only: never names, contact details or text a person wrote. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Appends one event to the audit log (the table refuses updates and deletes). */
export async function recordAudit(db: Db, input: AuditInput, at: Date = new Date()): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      occurred_at: nowIso(at),
      actor_user_id: input.actorUserId ?? null,
      department_id: input.departmentId ?? null,
      action: input.action,
      entity_type: input.entityType ?? null,
      entity_id: input.entityId == null ? null : String(input.entityId),
      detail: input.detail ? JSON.stringify(input.detail) : null,
    })
    .execute();
}

export interface AuditRow extends AuditEvent {
  actor_username: string | null;
  department_code: string | null;
}

/** The newest events a staff member may see: their department's, or all for government-wide roles. */
export async function listAuditEvents(
  db: Db,
  scope: { departmentId: number | null },
  limit = 200,
): Promise<AuditRow[]> {
  let q = db
    .selectFrom("audit_events as a")
    .leftJoin("staff_users as u", "u.id", "a.actor_user_id")
    .leftJoin("departments as d", "d.id", "a.department_id")
    .select([
      "a.id",
      "a.occurred_at",
      "a.actor_user_id",
      "a.department_id",
      "a.action",
      "a.entity_type",
      "a.entity_id",
      "a.detail",
      "u.username as actor_username",
      "d.code as department_code",
    ])
    .orderBy("a.id", "desc")
    .limit(limit);
  if (scope.departmentId != null) q = q.where("a.department_id", "=", scope.departmentId);
  return q.execute();
}
