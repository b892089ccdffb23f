import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "../../../db/client";
import type { Pledge } from "../../../db/schema";
import { lastCompleteMonths, quarterOf } from "../calendar/periods";
import { hkMonth } from "../calendar/time";
import { getPledge, listPledgeVersions } from "../pledges/registry.server";
import { pledgeResults } from "../pledges/results.server";
import { listUnmetNotes } from "../pledges/unmet-notes.server";
import { denyAccess, type SessionUser, seesAllDepartments } from "../staff/auth.server";

/*
 * The read-only pledge page a monthly report's pledge links to (issue 14): its versions, results
 * and unmet-target notes, for the department's managers and administrators and, for any
 * department, the central reviewer. The administrators' page (/admin/pledges/<id>) stays theirs.
 */

/** The pledge in the URL if the reader may see it: their department's, or any for the central reviewer; else 404, audited. */
export async function requireReadablePledge(
  context: AppLoadContext,
  user: SessionUser,
  raw: string | undefined,
): Promise<Pledge> {
  const id = Number(raw);
  const pledge =
    Number.isSafeInteger(id) && id > 0
      ? await getPledge(context.db, id, seesAllDepartments(user) ? null : (user.departmentId ?? -1))
      : undefined;
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id: raw ?? "" });
  return pledge;
}

/** Versions (newest first), results of the last twelve complete months (newest first) with their quarters and years, and the notes. */
export async function pledgeReadView(db: Db, pledge: Pledge, now: Date = new Date()) {
  const [versions, notes, dept, service] = await Promise.all([
    listPledgeVersions(db, pledge.id),
    listUnmetNotes(db, pledge.id),
    db
      .selectFrom("departments")
      .select(["code", "name_en", "name_zh"])
      .where("id", "=", pledge.department_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("services")
      .select(["name_en", "name_zh"])
      .where("id", "=", pledge.service_id)
      .executeTakeFirst(),
  ]);
  const current = versions.find((v) => v.id === pledge.current_version_id) ?? versions[0]!;
  const months = lastCompleteMonths(hkMonth(now), 12);
  const quarters = [...new Set(months.map(quarterOf))];
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  const results = await pledgeResults(db, pledge, [...months, ...quarters, ...years]);
  return {
    pledge: { id: pledge.id, code: pledge.code, status: pledge.status },
    department: { code: dept.code, nameEn: dept.name_en, nameZh: dept.name_zh },
    service: service ? { nameEn: service.name_en, nameZh: service.name_zh } : null,
    current,
    versions,
    months: results.slice(0, months.length).reverse(),
    quarters: results.slice(months.length, months.length + quarters.length).reverse(),
    years: results.slice(months.length + quarters.length).reverse(),
    notes: notes.map((n) => ({
      id: n.id,
      period: n.period,
      reason: n.reason,
      correctiveProposal: n.corrective_proposal,
      recordedAt: n.recorded_at,
      recordedBy: n.recorded_by_name ?? null,
    })),
  };
}
