import type { Db } from "../../../db/client";
import type { Department, Service } from "../../../db/schema";

export async function listDepartments(db: Db): Promise<Department[]> {
  return db.selectFrom("departments").selectAll().orderBy("code").execute();
}

export async function getDepartment(db: Db, id: number): Promise<Department | undefined> {
  return db.selectFrom("departments").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getDepartmentByCode(db: Db, code: string): Promise<Department | undefined> {
  return db.selectFrom("departments").selectAll().where("code", "=", code.toUpperCase()).executeTakeFirst();
}

export async function listServices(db: Db, departmentId: number): Promise<Service[]> {
  return db
    .selectFrom("services")
    .selectAll()
    .where("department_id", "=", departmentId)
    .orderBy("code")
    .execute();
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
