import type { Db } from "../../../db/client";
import type { ReviewRound } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { shiftMonth } from "../calendar/periods";
import { nowIso } from "../calendar/time";
import { type OpenRoundInput, REVIEW_PERIOD_MONTHS } from "./schema";

/** The roles of the central bureau: they open rounds, see every return, return one for correction. */
export const REVIEW_CENTRAL_ROLES = ["central_reviewer", "system_admin"] as const;

/** Opens a round for the 36 months ending at `periodTo`, with a deadline for the returns. */
export async function openRound(
  db: Db,
  actor: { id: number },
  input: OpenRoundInput,
  now: Date = new Date(),
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("review_rounds")
      .values({
        period_from: shiftMonth(input.periodTo, REVIEW_PERIOD_MONTHS - 1),
        period_to: input.periodTo,
        deadline: input.deadline,
        status: "open",
        created_at: nowIso(now),
        created_by: actor.id,
        published_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        action: "review.open",
        actorUserId: actor.id,
        entityType: "review_round",
        entityId: row.id,
        detail: { periodTo: input.periodTo, deadline: input.deadline },
      },
      now,
    );
    return row.id;
  });
}

export async function getRound(db: Db, id: number): Promise<ReviewRound | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return db.selectFrom("review_rounds").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface RoundListRow extends ReviewRound {
  submitted: number;
  late: number;
}

/** Every round, newest first, with how many returns are submitted (and late). */
export async function listRounds(db: Db): Promise<RoundListRow[]> {
  const rows = await db
    .selectFrom("review_rounds as r")
    .leftJoin("review_returns as x", (j) =>
      j.onRef("x.round_id", "=", "r.id").on("x.status", "=", "submitted"),
    )
    .selectAll("r")
    .select((eb) => [
      eb.fn.count<number>("x.id").as("submitted"),
      eb.fn.sum<number>(eb.fn.coalesce("x.is_late", eb.val(0))).as("late"),
    ])
    .groupBy([
      "r.id",
      "r.period_from",
      "r.period_to",
      "r.deadline",
      "r.status",
      "r.created_at",
      "r.created_by",
      "r.published_at",
    ])
    .orderBy("r.id", "desc")
    .execute();
  return rows.map((r) => ({ ...r, submitted: Number(r.submitted), late: Number(r.late ?? 0) }));
}

/** Rounds a department administrator answers or has answered (every round: one return each). */
export async function listRoundsForDepartment(db: Db, departmentId: number) {
  return db
    .selectFrom("review_rounds as r")
    .leftJoin("review_returns as x", (j) =>
      j.onRef("x.round_id", "=", "r.id").on("x.department_id", "=", departmentId),
    )
    .select([
      "r.id",
      "r.period_from",
      "r.period_to",
      "r.deadline",
      "r.status",
      "x.status as return_status",
      "x.is_late",
    ])
    .orderBy("r.id", "desc")
    .execute();
}

/** Publishes a round's table to all staff: returns are then read-only. */
export async function publishRound(
  db: Db,
  actor: { id: number },
  roundId: number,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; error: "notFound" | "notOpen" }> {
  return db.transaction().execute(async (trx) => {
    const round = await trx
      .selectFrom("review_rounds")
      .select("status")
      .where("id", "=", roundId)
      .executeTakeFirst();
    if (!round) return { ok: false, error: "notFound" } as const;
    if (round.status !== "open") return { ok: false, error: "notOpen" } as const;
    await trx
      .updateTable("review_rounds")
      .set({ status: "published", published_at: nowIso(now) })
      .where("id", "=", roundId)
      .execute();
    await recordAudit(
      trx,
      { action: "review.publish", actorUserId: actor.id, entityType: "review_round", entityId: roundId },
      now,
    );
    return { ok: true } as const;
  });
}
