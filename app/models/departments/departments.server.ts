import type { Db } from "../../../db/client";
import type { Department, Service } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import type { EditDepartmentInput, EditServiceInput, NewDepartmentInput, NewServiceInput } from "./schema";

/** Every department, or (`activeOnly`) those not deactivated: what citizens may choose from. */
export async function listDepartments(db: Db, options: { activeOnly?: boolean } = {}): Promise<Department[]> {
  let q = db.selectFrom("departments").selectAll().orderBy("code");
  if (options.activeOnly) q = q.where("is_active", "=", 1);
  return q.execute();
}

export async function getDepartment(db: Db, id: number): Promise<Department | undefined> {
  return db.selectFrom("departments").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getDepartmentByCode(db: Db, code: string): Promise<Department | undefined> {
  return db.selectFrom("departments").selectAll().where("code", "=", code.toUpperCase()).executeTakeFirst();
}

/** A department's services, or (`activeOnly`) those not deactivated: what new work may name. */
export async function listServices(
  db: Db,
  departmentId: number,
  options: { activeOnly?: boolean } = {},
): Promise<Service[]> {
  let q = db.selectFrom("services").selectAll().where("department_id", "=", departmentId).orderBy("code");
  if (options.activeOnly) q = q.where("is_active", "=", 1);
  return q.execute();
}

/** The name in the reader's language: content users write is stored in both. */
export function localName(row: { name_en: string; name_zh: string }, locale: string): string {
  return locale.startsWith("zh") ? row.name_zh : row.name_en;
}

/** Department ids in order: all of them, or only those of `only` that exist. */
export async function listDepartmentIds(db: Db, only?: readonly number[]): Promise<number[]> {
  let q = db.selectFrom("departments").select("id").orderBy("id");
  if (only) q = q.where("id", "in", only.length ? [...only] : [-1]);
  return (await q.execute()).map((d) => d.id);
}

// ---- Administration: the central bureau's departments, a department's services ----

interface Actor {
  id: number;
}

export type SaveResult = { ok: true; id: number } | { ok: false; field: string; error: string };

const CODE_TAKEN = "departmentsAdmin.errors.codeTaken";

/** Creates a department (the code is free: checked, and the unique index has the last word). */
export async function createDepartment(db: Db, actor: Actor, input: NewDepartmentInput): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("departments")
      .select("id")
      .where("code", "=", input.code)
      .executeTakeFirst();
    if (taken) return { ok: false, field: "code", error: CODE_TAKEN };
    const row = await trx
      .insertInto("departments")
      .values({
        code: input.code,
        name_en: input.nameEn,
        name_zh: input.nameZh,
        kind: input.kind,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "department.create",
      actorUserId: actor.id,
      departmentId: row.id,
      entityType: "department",
      entityId: row.id,
      detail: { code: input.code, kind: input.kind },
    });
    return { ok: true, id: row.id };
  });
}

/** Renames a department or changes its kind; false when there is no such department. */
export async function updateDepartment(
  db: Db,
  actor: Actor,
  id: number,
  input: EditDepartmentInput,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("departments")
      .set({ name_en: input.nameEn, name_zh: input.nameZh, kind: input.kind })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: "department.update",
      actorUserId: actor.id,
      departmentId: id,
      entityType: "department",
      entityId: id,
      detail: { kind: input.kind },
    });
    return true;
  });
}

/**
 * Deactivates (or reactivates) a department. Nothing is deleted: its cases, pledges, reports and
 * staff stay; it leaves the public complaint form, the public pledge list and the home page.
 */
export async function setDepartmentActive(
  db: Db,
  actor: Actor,
  id: number,
  active: boolean,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("departments")
      .set({ is_active: active ? 1 : 0 })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: active ? "department.reactivate" : "department.deactivate",
      actorUserId: actor.id,
      departmentId: id,
      entityType: "department",
      entityId: id,
    });
    return true;
  });
}

/** Adds a service to a department; its code is unique within the department. */
export async function createService(
  db: Db,
  actor: Actor,
  departmentId: number,
  input: NewServiceInput,
): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", departmentId)
      .where("code", "=", input.code)
      .executeTakeFirst();
    if (taken) return { ok: false, field: "code", error: CODE_TAKEN };
    const row = await trx
      .insertInto("services")
      .values({
        department_id: departmentId,
        code: input.code,
        name_en: input.nameEn,
        name_zh: input.nameZh,
        is_public: input.isPublic ? 1 : 0,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "service.create",
      actorUserId: actor.id,
      departmentId,
      entityType: "service",
      entityId: row.id,
      detail: { code: input.code, public: input.isPublic },
    });
    return { ok: true, id: row.id };
  });
}

/**
 * Renames one of the department's services; false when the department has no such service
 * (another department's service is not found here: the caller answers 404 and audits it).
 */
export async function updateService(
  db: Db,
  actor: Actor,
  departmentId: number,
  input: EditServiceInput,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("services")
      .set({ name_en: input.nameEn, name_zh: input.nameZh, is_public: input.isPublic ? 1 : 0 })
      .where("id", "=", input.serviceId)
      .where("department_id", "=", departmentId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: "service.update",
      actorUserId: actor.id,
      departmentId,
      entityType: "service",
      entityId: input.serviceId,
      detail: { public: input.isPublic },
    });
    return true;
  });
}

/** Deactivates or reactivates one of the department's services; its pledges and cases stay. */
export async function setServiceActive(
  db: Db,
  actor: Actor,
  departmentId: number,
  serviceId: number,
  active: boolean,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("services")
      .set({ is_active: active ? 1 : 0 })
      .where("id", "=", serviceId)
      .where("department_id", "=", departmentId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: active ? "service.reactivate" : "service.deactivate",
      actorUserId: actor.id,
      departmentId,
      entityType: "service",
      entityId: serviceId,
    });
    return true;
  });
}
