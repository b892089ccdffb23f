import type { Db } from "../../../db/client";
import type { ReviewReturn } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import type { ReviewAnswers } from "./questions";

/*
 * A department's return for a round: saved as a draft, submitted (then locked), returned by the
 * central bureau for correction with a reason (editable again), resubmitted. Every move writes an
 * audit event. A second submission of a locked return is refused and changes nothing.
 */

export type SaveReturnError = "roundNotFound" | "roundNotOpen" | "locked";

export interface SaveReturnInput {
  roundId: number;
  departmentId: number;
  answers: ReviewAnswers;
  /** true: submit (lock); false: save a draft */
  submit: boolean;
  source?: "form" | "import";
}

/** The department's return for a round, or undefined when it has not started one. */
export async function getReturn(
  db: Db,
  roundId: number,
  departmentId: number,
): Promise<ReviewReturn | undefined> {
  return db
    .selectFrom("review_returns")
    .selectAll()
    .where("round_id", "=", roundId)
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
}

/** Saves or submits a return; a submission after the deadline (Hong Kong date) is accepted and marked late. */
export async function saveReturn(
  db: Db,
  actor: { id: number | null },
  input: SaveReturnInput,
  now: Date = new Date(),
): Promise<{ ok: true; id: number; late: boolean } | { ok: false; error: SaveReturnError }> {
  const at = nowIso(now);
  try {
    return await db.transaction().execute(async (trx) => {
      const round = await trx
        .selectFrom("review_rounds")
        .select(["status", "deadline"])
        .where("id", "=", input.roundId)
        .executeTakeFirst();
      if (!round) throw new Refused("roundNotFound");
      if (round.status !== "open") throw new Refused("roundNotOpen");
      const answers = JSON.stringify(input.answers);
      await trx
        .insertInto("review_returns")
        .values({
          round_id: input.roundId,
          department_id: input.departmentId,
          status: "draft",
          answers,
          source: input.source ?? "form",
          submitted_at: null,
          submitted_by: null,
          returned_at: null,
          returned_by: null,
          return_reason: null,
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(["round_id", "department_id"]).doNothing())
        .execute();
      const late = input.submit && hkDate(now) > round.deadline;
      // Conditional on not being locked, so two submissions at once cannot both pass.
      const updated = await trx
        .updateTable("review_returns")
        .set((eb) => ({
          answers,
          source: input.source ?? "form",
          updated_at: at,
          ...(input.submit
            ? {
                status: "submitted" as const,
                submitted_at: at,
                submitted_by: actor.id,
                is_late: late ? 1 : 0,
              }
            : {
                status: eb
                  .case()
                  .when("status", "=", "returned")
                  .then(eb.val<"returned">("returned"))
                  .else(eb.val<"draft">("draft"))
                  .end(),
              }),
        }))
        .where("round_id", "=", input.roundId)
        .where("department_id", "=", input.departmentId)
        .where("status", "!=", "submitted")
        .returning("id")
        .executeTakeFirst();
      if (!updated) throw new Refused("locked");
      await recordAudit(
        trx,
        {
          action: input.submit ? "review.submit" : "review.save",
          actorUserId: actor.id,
          departmentId: input.departmentId,
          entityType: "review_return",
          entityId: updated.id,
          detail: { roundId: input.roundId, late, source: input.source ?? "form" },
        },
        now,
      );
      return { ok: true as const, id: updated.id, late };
    });
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: e.code };
    throw e;
  }
}

/** Sends a submitted return back to its department for correction, with the reason shown to it. */
export async function returnForCorrection(
  db: Db,
  actor: { id: number },
  input: { roundId: number; departmentId: number; reason: string },
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: "notSubmitted" | "roundNotOpen" }> {
  return db.transaction().execute(async (trx) => {
    const round = await trx
      .selectFrom("review_rounds")
      .select("status")
      .where("id", "=", input.roundId)
      .executeTakeFirst();
    if (round?.status !== "open") return { ok: false, error: "roundNotOpen" } as const;
    const updated = await trx
      .updateTable("review_returns")
      .set({
        status: "returned",
        returned_at: nowIso(now),
        returned_by: actor.id,
        return_reason: input.reason,
        updated_at: nowIso(now),
      })
      .where("round_id", "=", input.roundId)
      .where("department_id", "=", input.departmentId)
      .where("status", "=", "submitted")
      .returning("id")
      .executeTakeFirst();
    if (!updated) return { ok: false, error: "notSubmitted" } as const;
    await recordAudit(
      trx,
      {
        action: "review.return",
        actorUserId: actor.id,
        departmentId: input.departmentId,
        entityType: "review_return",
        entityId: updated.id,
        detail: { roundId: input.roundId },
      },
      now,
    );
    return { ok: true } as const;
  });
}

class Refused extends Error {
  constructor(readonly code: SaveReturnError) {
    super(code);
  }
}
