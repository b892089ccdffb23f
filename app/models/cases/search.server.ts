import type { Db } from "../../../db/client";
import { checkCharacter } from "./reference";

/*
 * The staff search box: a case reference (with or without its check character) opens the case;
 * anything else is a full-text search of the case list.
 */

const FULL = /^([A-Z]{2,8})-(\d{4})-(\d{5,})-([0-9A-Z])$/;
const BODY = /^([A-Z]{2,8})-(\d{4})-(\d{5,})$/;

export type SearchAnswer =
  | { kind: "case"; id: number; reference: string; departmentCode: string }
  | { kind: "notFound"; reference: string }
  | { kind: "wrongCheck"; value: string }
  | { kind: "text"; q: string }
  | { kind: "empty" };

/** What the box was given as a reference: canonical, a wrong check character, or not one at all. */
export function readReference(input: string): { reference: string } | { wrongCheck: string } | null {
  const v = input.trim().toUpperCase().replace(/\s+/g, "");
  const full = FULL.exec(v);
  if (full) {
    const body = `${full[1]}-${full[2]}-${full[3]}`;
    return checkCharacter(body) === full[4] ? { reference: v } : { wrongCheck: v };
  }
  const body = BODY.exec(v);
  if (body) return { reference: `${v}-${checkCharacter(v)}` };
  return null;
}

/**
 * Answers the search box for a reader of one department (null: every department, read-only).
 * Another department's case is "not found", never a hint that it exists.
 */
export async function searchBox(db: Db, input: string, departmentId: number | null): Promise<SearchAnswer> {
  const text = input.trim();
  if (!text) return { kind: "empty" };
  const ref = readReference(text);
  if (!ref) return { kind: "text", q: text.slice(0, 200) };
  if ("wrongCheck" in ref) return { kind: "wrongCheck", value: ref.wrongCheck.slice(0, 40) };
  let q = db
    .selectFrom("cases as c")
    .innerJoin("departments as d", "d.id", "c.department_id")
    .select(["c.id", "c.reference", "d.code"])
    .where("c.reference", "=", ref.reference);
  if (departmentId != null) q = q.where("c.department_id", "=", departmentId);
  const found = await q.executeTakeFirst();
  return found
    ? { kind: "case", id: found.id, reference: found.reference, departmentCode: found.code }
    : { kind: "notFound", reference: ref.reference };
}
