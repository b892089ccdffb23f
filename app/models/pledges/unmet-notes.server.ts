import type { Db } from "../../../db/client";
import type { Pledge } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { pledgeResults } from "./results.server";
import type { Actor, UnmetNoteInput } from "./schema";

/*
 * For each month a pledge's target was not met, the reason and the corrective proposal (the
 * pledge paper's "progress reports listing unmet items and corrective proposals", §5).
 */

/**
 * Records why a month's target was not met and what will be done (one note per pledge and month;
 * a second save replaces the first). Only a month whose result is "not met" takes a note. Audited.
 */
export async function saveUnmetNote(
  db: Db,
  actor: Actor,
  pledge: Pledge,
  input: UnmetNoteInput,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: "notUnmet" }> {
  const [result] = await pledgeResults(db, pledge, [input.period]);
  if (result?.status !== "not_met") return { ok: false, error: "notUnmet" };
  const at = nowIso(now);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("pledge_unmet_notes")
      .values({
        pledge_id: pledge.id,
        period: input.period,
        reason: input.reason,
        corrective_proposal: input.correctiveProposal,
        recorded_by: actor.id,
        recorded_at: at,
      })
      .onConflict((oc) =>
        oc.columns(["pledge_id", "period"]).doUpdateSet({
          reason: input.reason,
          corrective_proposal: input.correctiveProposal,
          recorded_by: actor.id,
          recorded_at: at,
        }),
      )
      .execute();
    await recordAudit(trx, {
      action: "pledge.unmet-note",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "pledge",
      entityId: pledge.id,
      detail: { period: input.period },
    });
  });
  return { ok: true };
}

/** A pledge's unmet-target notes, newest period first, with who recorded them. */
export async function listUnmetNotes(db: Db, pledgeId: number) {
  return db
    .selectFrom("pledge_unmet_notes as n")
    .leftJoin("staff_users as u", "u.id", "n.recorded_by")
    .select([
      "n.id",
      "n.period",
      "n.reason",
      "n.corrective_proposal",
      "n.recorded_at",
      "u.display_name as recorded_by_name",
    ])
    .where("n.pledge_id", "=", pledgeId)
    .orderBy("n.period", "desc")
    .execute();
}
