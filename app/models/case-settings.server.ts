import type { Db } from "../../db/client";
import type { DayUnit } from "../../db/schema";
import { recordAudit } from "./audit.server";
import { nowIso } from "./time";

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

/** Adds a closure day for the department. A real date is required. Audited. */
export async function addClosureDay(
  db: Db,
  actor: { id: number },
  departmentId: number,
  input: { date: string; reasonEn: string; reasonZh: string },
): Promise<boolean> {
  const d = new Date(`${input.date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== input.date) return false;
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("closure_days")
      .values({
        date: input.date,
        department_id: departmentId,
        reason_en: input.reasonEn,
        reason_zh: input.reasonZh,
        created_by: actor.id,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "closure-day.create",
      actorUserId: actor.id,
      departmentId,
      entityType: "closure_day",
      entityId: row.id,
    });
  });
  return true;
}

export async function listClosureDays(db: Db, departmentId: number) {
  return db
    .selectFrom("closure_days")
    .selectAll()
    .where((eb) => eb.or([eb("department_id", "is", null), eb("department_id", "=", departmentId)]))
    .orderBy("date", "desc")
    .execute();
}
