import type { Db } from "../../../db/client";
import type { Case } from "../../../db/schema";
import { decryptPii } from "../../utils/crypto.server";
import { nowIso } from "../calendar/time";
import { recordCaseEvent } from "./lifecycle.server";

/*
 * Handling a case besides its moves: reading it (for its department), its contact details,
 * internal notes and assignment to an officer.
 */

/** A case of the reader's department (or any, for government-wide roles), or undefined. */
export async function getCase(db: Db, id: number, departmentId: number | null): Promise<Case | undefined> {
  let q = db.selectFrom("cases").selectAll().where("id", "=", id);
  if (departmentId != null) q = q.where("department_id", "=", departmentId);
  return q.executeTakeFirst();
}

/** The decrypted contact details of a case: for staff who handle it, never for lists or logs. */
export function caseContact(
  piiKey: string,
  c: Pick<Case, "contact_name_enc" | "contact_email_enc" | "contact_phone_enc">,
) {
  return {
    name: decryptPii(piiKey, c.contact_name_enc),
    email: decryptPii(piiKey, c.contact_email_enc),
    phone: decryptPii(piiKey, c.contact_phone_enc),
  };
}

/** An internal note: staff only, never shown to the citizen. Audited. */
export async function addNote(
  db: Db,
  actor: { id: number },
  c: Pick<Case, "id" | "department_id">,
  body: string,
) {
  await db.transaction().execute(async (trx) => {
    await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at: nowIso(),
        actorUserId: actor.id,
        kind: "note",
        body,
        visibleToCitizen: false,
        departmentId: c.department_id,
      },
      {
        action: "case.note",
        actorUserId: actor.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
      },
    );
  });
}

/** Assigns a case to an officer of its department (or none). Audited. */
export async function assignCase(
  db: Db,
  actor: { id: number },
  c: Pick<Case, "id" | "department_id">,
  officerId: number | null,
): Promise<boolean> {
  if (officerId != null) {
    const officer = await db
      .selectFrom("staff_users")
      .select("id")
      .where("id", "=", officerId)
      .where("department_id", "=", c.department_id)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (!officer) return false;
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("cases")
      .set({ assigned_to: officerId, updated_at: nowIso() })
      .where("id", "=", c.id)
      .execute();
    await recordCaseEvent(
      trx,
      {
        caseId: c.id,
        at: nowIso(),
        actorUserId: actor.id,
        kind: "assign",
        body: officerId == null ? null : String(officerId),
        visibleToCitizen: false,
        departmentId: c.department_id,
      },
      {
        action: "case.assign",
        actorUserId: actor.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
      },
    );
  });
  return true;
}
