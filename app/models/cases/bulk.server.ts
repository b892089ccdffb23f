import type { Db } from "../../../db/client";
import type { CaseStatus } from "../../../db/schema";
import { assignCase } from "./handling.server";
import { canMove } from "./lifecycle";
import { moveCase } from "./lifecycle.server";
import { BULK_LIMIT, BULK_MOVES, type BulkMove } from "./list";

/*
 * Acting on many cases at once from the case list: assign them, or make one move of the
 * lifecycle table on each. All of it in ONE transaction, through the same functions the case page
 * uses (assignCase, moveCase: each move checked by the table, written with its event and audit
 * row); if any case may not be acted on, nothing moves and the refusal names the case and why.
 */

export { BULK_LIMIT, BULK_MOVES, type BulkMove };

export interface BulkRefusal {
  caseId: number;
  /** null when the case is not the actor's department's (its reference is not theirs to see) */
  reference: string | null;
  reason: "notFound" | "notAllowed" | "officerInvalid" | "changed";
  status?: CaseStatus;
}

export type BulkResult = { ok: true; count: number } | { ok: false; refusal: BulkRefusal };

class Refused extends Error {
  constructor(readonly refusal: BulkRefusal) {
    super("bulk action refused");
  }
}

/**
 * `trx` as a database whose transaction() runs inside `trx`: moveCase and assignCase open their
 * own transaction, and here each must join the one bulk transaction instead (Kysely does not nest).
 */
function joined(trx: Db): Db {
  return new Proxy(trx, {
    get(target, prop) {
      if (prop === "transaction")
        return () => ({ execute: <T>(fn: (t: Db) => Promise<T>) => fn(joined(trx)) });
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

async function casesOf(db: Db, departmentId: number, ids: readonly number[]) {
  const rows = await db
    .selectFrom("cases")
    .select(["id", "reference", "department_id", "status"])
    .where("id", "in", ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of ids) {
    const c = byId.get(id);
    if (!c || c.department_id !== departmentId)
      throw new Refused({ caseId: id, reference: null, reason: "notFound" });
  }
  return ids.map((id) => byId.get(id)!);
}

async function run(db: Db, work: (trx: Db) => Promise<number>): Promise<BulkResult> {
  try {
    const count = await db.transaction().execute((trx) => work(joined(trx)));
    return { ok: true, count };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, refusal: e.refusal };
    throw e;
  }
}

/** Assigns every case to one officer of the actor's department (or none). All or nothing. */
export async function bulkAssign(
  db: Db,
  actor: { id: number; departmentId: number },
  caseIds: readonly number[],
  officerId: number | null,
): Promise<BulkResult> {
  return run(db, async (trx) => {
    const cases = await casesOf(trx, actor.departmentId, caseIds);
    for (const c of cases) {
      if (!(await assignCase(trx, actor, c, officerId)))
        throw new Refused({ caseId: c.id, reference: c.reference, reason: "officerInvalid" });
    }
    return cases.length;
  });
}

/** Makes one move on every case, each allowed by the lifecycle table from its status. All or nothing. */
export async function bulkMove(
  db: Db,
  actor: { id: number; departmentId: number },
  caseIds: readonly number[],
  move: BulkMove,
  now: Date = new Date(),
): Promise<BulkResult> {
  return run(db, async (trx) => {
    const cases = await casesOf(trx, actor.departmentId, caseIds);
    // Every case checked before any is moved, so the refusal names the first that may not move.
    for (const c of cases)
      if (!canMove(c.status, move))
        throw new Refused({ caseId: c.id, reference: c.reference, reason: "notAllowed", status: c.status });
    for (const c of cases) {
      const r = await moveCase(trx, actor, c.id, move, {}, now);
      if (!r.ok)
        throw new Refused({ caseId: c.id, reference: c.reference, reason: "changed", status: c.status });
    }
    return cases.length;
  });
}
