import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";

/**
 * The survey a complainant is invited to when their case closes: a department setting, one of
 * the department's own surveys or none (department_settings.closure_survey_id).
 */

export interface SurveyChoice {
  id: number;
  slug: string;
  status: string;
  titleEn: string;
  titleZh: string;
}

/** The department's surveys an administrator may choose from (closed ones left out). */
export async function listClosureSurveyChoices(db: Db, departmentId: number): Promise<SurveyChoice[]> {
  const rows = await db
    .selectFrom("surveys as s")
    .leftJoin("survey_versions as v", "v.id", "s.current_version_id")
    .select(["s.id", "s.slug", "s.status", "v.title_en", "v.title_zh"])
    .where("s.department_id", "=", departmentId)
    .where("s.status", "!=", "closed")
    .orderBy("s.slug")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    status: r.status,
    titleEn: r.title_en ?? r.slug,
    titleZh: r.title_zh ?? r.slug,
  }));
}

/** The chosen survey's id, or null for none. */
export async function getClosureSurveyId(db: Db, departmentId: number): Promise<number | null> {
  const row = await db
    .selectFrom("department_settings")
    .select("closure_survey_id")
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
  return row?.closure_survey_id ?? null;
}

/** The survey to invite a closed case's complainant to: the chosen one, if it is published. */
export async function closureSurveyFor(
  trx: Db,
  departmentId: number,
): Promise<{ id: number; slug: string } | null> {
  const survey = await trx
    .selectFrom("department_settings as d")
    .innerJoin("surveys as s", "s.id", "d.closure_survey_id")
    .select(["s.id", "s.slug"])
    .where("d.department_id", "=", departmentId)
    .where("s.department_id", "=", departmentId)
    .where("s.status", "=", "published")
    .executeTakeFirst();
  return survey ?? null;
}

/**
 * Chooses the survey (null: none). A survey of another department, or one that does not exist,
 * is refused. Audited.
 */
export async function saveClosureSurvey(
  db: Db,
  actor: { id: number },
  departmentId: number,
  surveyId: number | null,
): Promise<{ ok: true } | { ok: false; error: "unknownSurvey" }> {
  if (surveyId !== null) {
    const own = (await listClosureSurveyChoices(db, departmentId)).some((s) => s.id === surveyId);
    if (!own) return { ok: false, error: "unknownSurvey" };
  }
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("department_settings")
      .values({ department_id: departmentId, closure_survey_id: surveyId, updated_at: at })
      .onConflict((oc) =>
        oc.column("department_id").doUpdateSet({ closure_survey_id: surveyId, updated_at: at }),
      )
      .execute();
    await recordAudit(trx, {
      action: "department-settings.update",
      actorUserId: actor.id,
      departmentId,
      entityType: "department",
      entityId: departmentId,
      detail: { closureSurveyId: surveyId },
    });
  });
  return { ok: true };
}
