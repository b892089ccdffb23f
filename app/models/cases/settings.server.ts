import type { Db } from "../../../db/client";
import type { DayUnit } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";

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
