import type { Insertable } from "kysely";
import type { Db } from "../../../db/client";
import type {
  ChangeReason,
  Pledge,
  PledgeStatus,
  PledgeVersion,
  PledgeVersionTable,
} from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import type { PledgeVersionInput } from "./schema";
import { markResultsStale } from "./stored-results.server";

export type VersionFields = Omit<
  Insertable<PledgeVersionTable>,
  | "pledge_id"
  | "version_no"
  | "created_at"
  | "created_by"
  | "change_reason"
  | "effective_from"
  | "effective_to"
>;

/** A version's target columns, all empty: a kind of target fills in its own (the seed, the import). */
export const NO_TARGET_FIELDS = {
  timeliness_source: null,
  case_step: null,
  transaction_type: null,
  days: null,
  day_unit: null,
  survey_id: null,
  question_key: null,
  measure_en: null,
  measure_zh: null,
  measure_unit: null,
  comparator: null,
  threshold: null,
  plausible_min: null,
  plausible_max: null,
} as const satisfies Partial<VersionFields>;

/** Form input → version columns (only the columns of the chosen kind of target are kept). */
export function versionFields(input: PledgeVersionInput): VersionFields {
  const t = input.targetKind;
  return {
    statement_en: input.statementEn,
    statement_zh: input.statementZh,
    customer: input.customer,
    category: input.category,
    target_kind: t,
    target_share: input.targetShare,
    timeliness_source: t === "timeliness" ? (input.timelinessSource ?? null) : null,
    case_step: t === "timeliness" && input.timelinessSource === "cases" ? (input.caseStep ?? null) : null,
    transaction_type:
      t === "timeliness" && input.timelinessSource === "transactions"
        ? (input.transactionType ?? null)
        : null,
    days: t === "timeliness" ? (input.days ?? null) : null,
    day_unit: t === "timeliness" ? (input.dayUnit ?? null) : null,
    survey_id: t === "satisfaction" ? (input.surveyId ?? null) : null,
    question_key: t === "satisfaction" ? (input.questionKey ?? null) : null,
    measure_en: t === "measured" ? (input.measureEn ?? null) : null,
    measure_zh: t === "measured" ? (input.measureZh ?? null) : null,
    measure_unit: t === "measured" ? (input.measureUnit ?? null) : null,
    comparator: t === "measured" ? (input.comparator ?? null) : null,
    threshold: t === "measured" ? (input.threshold ?? null) : null,
    plausible_min: t === "measured" ? (input.plausibleMin ?? null) : null,
    plausible_max: t === "measured" ? (input.plausibleMax ?? null) : null,
    min_sample: input.minSample,
  };
}

/**
 * A target that cannot be measured is refused: a satisfaction target needs a five-point question of
 * one of the department's surveys; a case timeliness target needs the service to be the department's.
 * Returns the field at fault, or null.
 */
export async function unmeasurableField(
  db: Db,
  departmentId: number,
  input: PledgeVersionInput,
): Promise<string | null> {
  const service = await db
    .selectFrom("services")
    .select("id")
    .where("id", "=", input.serviceId)
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
  if (!service) return "serviceId";
  if (input.targetKind === "satisfaction") {
    const q = await db
      .selectFrom("surveys as s")
      .innerJoin("survey_questions as q", "q.version_id", "s.current_version_id")
      .select("q.type")
      .where("s.id", "=", input.surveyId ?? -1)
      .where("s.department_id", "=", departmentId)
      .where("q.question_key", "=", input.questionKey ?? "")
      .executeTakeFirst();
    if (q?.type !== "rating5") return "questionKey";
  }
  return null;
}

async function insertVersion(
  trx: Db,
  pledgeId: number,
  versionNo: number,
  fields: VersionFields,
  reason: ChangeReason,
  effectiveFrom: string,
  actorId: number | null,
): Promise<number> {
  const row = await trx
    .insertInto("pledge_versions")
    .values({
      ...fields,
      pledge_id: pledgeId,
      version_no: versionNo,
      change_reason: reason,
      effective_from: effectiveFrom,
      effective_to: null,
      created_by: actorId,
      created_at: nowIso(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A new pledge as a draft with its first version. Audited. */
export async function createPledge(
  db: Db,
  actor: { id: number | null },
  departmentId: number,
  code: string,
  serviceId: number,
  fields: VersionFields,
  effectiveFrom: string = hkDate(new Date()),
  status: PledgeStatus = "draft",
  /** demo data is not a user action: the seed writes no audit event */
  audit = true,
): Promise<number> {
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const p = await trx
      .insertInto("pledges")
      .values({
        department_id: departmentId,
        service_id: serviceId,
        code,
        status,
        current_version_id: null,
        created_at: now,
        updated_at: now,
        published_at: status === "published" ? now : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const v = await insertVersion(trx, p.id, 1, fields, "initial", effectiveFrom, actor.id);
    await trx.updateTable("pledges").set({ current_version_id: v }).where("id", "=", p.id).execute();
    await markResultsStale(trx, [{ departmentId, pledgeId: p.id }]);
    if (audit) {
      await recordAudit(trx, {
        action: "pledge.create",
        actorUserId: actor.id,
        departmentId,
        entityType: "pledge",
        entityId: p.id,
      });
    }
    return p.id;
  });
}

export type ChangeError = "reasonRequired" | "retired";

/**
 * Changes a pledge's target. A draft or approved pledge is changed in place; a published one never
 * is: the change makes a new version, effective today, with the reason (strengthened, new service,
 * corrected), so the share of pledges changed can be counted. Audited.
 */
export async function changePledge(
  db: Db,
  actor: { id: number },
  pledge: Pledge,
  fields: VersionFields,
  reason: ChangeReason | undefined,
  serviceId: number,
): Promise<{ ok: true; newVersion: boolean } | { ok: false; error: ChangeError }> {
  if (pledge.status === "retired") return { ok: false, error: "retired" };
  const current = await db
    .selectFrom("pledge_versions")
    .selectAll()
    .where("id", "=", pledge.current_version_id!)
    .executeTakeFirstOrThrow();
  const now = nowIso();
  if (pledge.status !== "published") {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("pledge_versions").set(fields).where("id", "=", current.id).execute();
      await trx
        .updateTable("pledges")
        .set({ service_id: serviceId, updated_at: now })
        .where("id", "=", pledge.id)
        .execute();
      await markResultsStale(trx, [{ departmentId: pledge.department_id, pledgeId: pledge.id }]);
      await recordAudit(trx, {
        action: "pledge.update",
        actorUserId: actor.id,
        departmentId: pledge.department_id,
        entityType: "pledge",
        entityId: pledge.id,
      });
    });
    return { ok: true, newVersion: false };
  }
  if (!reason || reason === "initial" || reason === "obsolete") return { ok: false, error: "reasonRequired" };
  const today = hkDate(new Date());
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("pledge_versions")
      .set({ effective_to: today })
      .where("id", "=", current.id)
      .execute();
    const v = await insertVersion(trx, pledge.id, current.version_no + 1, fields, reason, today, actor.id);
    await trx
      .updateTable("pledges")
      .set({ current_version_id: v, service_id: serviceId, updated_at: now })
      .where("id", "=", pledge.id)
      .execute();
    await markResultsStale(trx, [{ departmentId: pledge.department_id, pledgeId: pledge.id }]);
    await recordAudit(trx, {
      action: "pledge.update",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "pledge",
      entityId: pledge.id,
      detail: { reason, version: current.version_no + 1 },
    });
  });
  return { ok: true, newVersion: true };
}

/** draft → approved → published → retired (retiring records the reason "obsolete"). */
export const PLEDGE_TRANSITIONS: Record<
  "approve" | "publish" | "retire",
  { from: PledgeStatus[]; to: PledgeStatus }
> = {
  approve: { from: ["draft"], to: "approved" },
  publish: { from: ["approved"], to: "published" },
  retire: { from: ["published", "approved", "draft"], to: "retired" },
};

export type PledgeMove = keyof typeof PLEDGE_TRANSITIONS;

/** Whether a form's value names a move of the table (any move; whether it is allowed is movePledge's). */
export function isPledgeMove(value: string): value is PledgeMove {
  return Object.hasOwn(PLEDGE_TRANSITIONS, value);
}

export async function movePledge(
  db: Db,
  actor: { id: number },
  pledge: Pledge,
  action: PledgeMove,
): Promise<boolean> {
  const rule = PLEDGE_TRANSITIONS[action];
  if (!rule.from.includes(pledge.status)) return false;
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("pledges")
      .set({
        status: rule.to,
        updated_at: now,
        ...(rule.to === "published" ? { published_at: now } : {}),
        ...(rule.to === "retired" ? { retired_at: now } : {}),
      })
      .where("id", "=", pledge.id)
      .execute();
    await markResultsStale(trx, [{ departmentId: pledge.department_id, pledgeId: pledge.id }]);
    if (rule.to === "retired") {
      await trx
        .updateTable("pledge_versions")
        .set({ effective_to: hkDate(new Date()) })
        .where("id", "=", pledge.current_version_id!)
        .execute();
    }
    await recordAudit(trx, {
      action: "pledge.update",
      actorUserId: actor.id,
      departmentId: pledge.department_id,
      entityType: "pledge",
      entityId: pledge.id,
      detail: { status: rule.to },
    });
  });
  return true;
}

export interface PledgeRow extends Pledge {
  version: PledgeVersion;
  department_code: string;
  department_en: string;
  department_zh: string;
  service_en: string;
  service_zh: string;
}

/** Pledges with their current version, department and service; filter by department and status. */
export async function listPledges(
  db: Db,
  filter: { departmentId?: number | null; statuses?: PledgeStatus[] } = {},
): Promise<PledgeRow[]> {
  let q = db
    .selectFrom("pledges as p")
    .innerJoin("departments as d", "d.id", "p.department_id")
    .innerJoin("services as s", "s.id", "p.service_id")
    .selectAll("p")
    .select([
      "d.code as department_code",
      "d.name_en as department_en",
      "d.name_zh as department_zh",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
    ])
    .orderBy("d.code")
    .orderBy("p.code");
  if (filter.departmentId != null) q = q.where("p.department_id", "=", filter.departmentId);
  if (filter.statuses?.length) q = q.where("p.status", "in", filter.statuses);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const versions = await db
    .selectFrom("pledge_versions")
    .selectAll()
    .where(
      "id",
      "in",
      rows.map((r) => r.current_version_id!),
    )
    .execute();
  const byId = new Map(versions.map((v) => [v.id, v]));
  return rows.map((r) => ({ ...r, version: byId.get(r.current_version_id!)! }));
}

export async function getPledge(
  db: Db,
  id: number,
  departmentId: number | null,
): Promise<Pledge | undefined> {
  let q = db.selectFrom("pledges").selectAll().where("id", "=", id);
  if (departmentId != null) q = q.where("department_id", "=", departmentId);
  return q.executeTakeFirst();
}
/** Whether a pledge code is in use (codes are unique across all departments). */
export async function pledgeCodeTaken(db: Db, code: string): Promise<boolean> {
  const row = await db.selectFrom("pledges").select("id").where("code", "=", code).executeTakeFirst();
  return !!row;
}

/** Every version of a pledge, newest first. */
export async function listPledgeVersions(db: Db, pledgeId: number): Promise<PledgeVersion[]> {
  return db
    .selectFrom("pledge_versions")
    .selectAll()
    .where("pledge_id", "=", pledgeId)
    .orderBy("version_no", "desc")
    .execute();
}
