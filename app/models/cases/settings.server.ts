import type { Db } from "../../../db/client";
import type { CaseSettings, DayUnit } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";

/** Pledged handling times when a department has set none (domain.md's usual pledges). */
export const DEFAULT_CASE_SETTINGS = {
  ack_days: 5,
  ack_unit: "working" as DayUnit,
  reply_days: 30,
  reply_unit: "calendar" as DayUnit,
  appeal_window_days: 30,
  appeal_reply_days: 20,
  appeal_reply_unit: "working" as DayUnit,
  purge_after_days: 730,
};

/** A department's pledged handling times (the defaults until it saves its own). */
export async function getCaseSettings(
  db: Db,
  departmentId: number,
): Promise<Omit<CaseSettings, "updated_at">> {
  const row = await db
    .selectFrom("case_settings")
    .selectAll()
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
  return row ?? { department_id: departmentId, ...DEFAULT_CASE_SETTINGS };
}

export interface SettingsInput {
  ackDays: number;
  ackUnit: DayUnit;
  replyDays: number;
  replyUnit: DayUnit;
  appealWindowDays: number;
  appealReplyDays: number;
  appealReplyUnit: DayUnit;
  purgeAfterDays: number;
}

/** Saves a department's pledged handling times; they apply to cases received from now on. Audited. */
export async function saveCaseSettings(
  db: Db,
  actor: { id: number },
  departmentId: number,
  s: SettingsInput,
) {
  const row = {
    ack_days: s.ackDays,
    ack_unit: s.ackUnit,
    reply_days: s.replyDays,
    reply_unit: s.replyUnit,
    appeal_window_days: s.appealWindowDays,
    appeal_reply_days: s.appealReplyDays,
    appeal_reply_unit: s.appealReplyUnit,
    purge_after_days: s.purgeAfterDays,
    updated_at: nowIso(),
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("case_settings")
      .values({ department_id: departmentId, ...row })
      .onConflict((oc) => oc.column("department_id").doUpdateSet(row))
      .execute();
    await recordAudit(trx, {
      action: "case-settings.update",
      actorUserId: actor.id,
      departmentId,
      entityType: "case_settings",
      entityId: departmentId,
    });
  });
}
