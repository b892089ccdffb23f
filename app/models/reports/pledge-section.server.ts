import type { Db } from "../../../db/client";
import { listPledges } from "../pledges/registry.server";
import { pledgeResults, type ResultStatus } from "../pledges/results.server";
import { pledgePageHref } from "./links";
import type { DepartmentReport, UnmetNote } from "./schema";

/*
 * A report's pledges section: each published pledge's result for the month, with the progress
 * note on a missed target; and the notes as they are now, for a stored report's page.
 */

export async function pledgeSection(
  db: Db,
  departmentId: number,
  month: string,
): Promise<DepartmentReport["pledges"]> {
  const pledges = await listPledges(db, { departmentId, statuses: ["published"] });
  const notes = pledges.length
    ? await db
        .selectFrom("pledge_unmet_notes")
        .select(["pledge_id", "reason", "corrective_proposal", "recorded_at", "id"])
        .where(
          "pledge_id",
          "in",
          pledges.map((p) => p.id),
        )
        .where("period", "=", month)
        .orderBy("id", "desc")
        .execute()
    : [];
  const items: DepartmentReport["pledges"]["items"] = [];
  for (const p of pledges) {
    const [r] = await pledgeResults(db, p, [month]);
    if (!r) continue;
    const note = r.status === "not_met" ? notes.find((n) => n.pledge_id === p.id) : undefined;
    items.push({
      pledgeId: p.id,
      code: p.code,
      statementEn: p.version.statement_en,
      statementZh: p.version.statement_zh,
      serviceEn: p.service_en,
      serviceZh: p.service_zh,
      target: r.target,
      achieved: r.achieved,
      sample: r.sample,
      status: r.status,
      unmet: note
        ? { reason: note.reason, correctiveProposal: note.corrective_proposal, recordedAt: note.recorded_at }
        : null,
      // The read-only page managers and the central reviewer may open (not the administrators').
      href: pledgePageHref(p.id),
    });
  }
  const count = (s: ResultStatus) => items.filter((i) => i.status === s).length;
  return { met: count("met"), notMet: count("not_met"), insufficient: count("insufficient"), items };
}

/**
 * The unmet-target notes recorded now for some of a department's pledges in a month, by pledge id.
 * A stored report is a snapshot: a note recorded after it was generated shows on it all the same.
 * Scoped by the department in the query, so another department's pledge id finds nothing.
 */
export async function currentUnmetNotes(
  db: Db,
  departmentId: number,
  month: string,
  pledgeIds: number[],
): Promise<Map<number, UnmetNote>> {
  if (pledgeIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("pledge_unmet_notes as n")
    .innerJoin("pledges as p", "p.id", "n.pledge_id")
    .select(["n.pledge_id", "n.reason", "n.corrective_proposal", "n.recorded_at"])
    .where("p.department_id", "=", departmentId)
    .where("n.period", "=", month)
    .where("n.pledge_id", "in", pledgeIds)
    .execute();
  return new Map(
    rows.map((n) => [
      Number(n.pledge_id),
      { reason: n.reason, correctiveProposal: n.corrective_proposal, recordedAt: n.recorded_at },
    ]),
  );
}
