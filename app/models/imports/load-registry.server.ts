import type { Db } from "../../../db/client";
import type { ChangeReason, PledgeVersion } from "../../../db/schema";
import { nowIso } from "../calendar/time";
import { NO_TARGET_FIELDS, type VersionFields } from "../pledges/registry.server";
import { randomCode } from "../surveys/authoring.server";
import { type PledgeRow, type Registry, type StoredPledge, serviceKey } from "./registry.server";

/*
 * Writing the registry files inside the load's transaction: departments and services inserted or
 * renamed, pledges created with their history (docs/import-format.md), or given a new version
 * when their standard changed since the last load.
 */

/** The question every imported satisfaction survey asks; top-two box = a score of 4 or 5. */
export const IMPORT_QUESTION_KEY = "overall";

/** 00:00 Hong Kong time of a date, as a stored instant. */
export function hkMidnight(date: string): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-9);

/** The version columns of the file's current standard (or the previous one, for version 1 of a strengthened pledge). */
function fieldsOf(p: PledgeRow, previous: boolean, surveyId: number | null): VersionFields {
  const share = previous ? (p.previousShare ?? p.share) : p.share;
  const threshold = previous ? (p.previousThreshold ?? p.threshold) : p.threshold;
  const base: VersionFields = {
    statement_en: p.statementEn,
    statement_zh: p.statementZh,
    customer: p.customer,
    category: p.category,
    target_kind: p.kind,
    target_share: share,
    ...NO_TARGET_FIELDS,
    min_sample: 1,
  };
  if (p.kind === "timeliness")
    return {
      ...base,
      timeliness_source: "transactions",
      transaction_type: p.code,
      days: threshold,
      day_unit: p.unit === "working_days" ? "working" : "calendar",
    };
  if (p.kind === "satisfaction") return { ...base, survey_id: surveyId, question_key: IMPORT_QUESTION_KEY };
  return {
    ...base,
    measure_en: p.measureUnit,
    measure_zh: p.measureUnit,
    measure_unit: p.measureUnit,
    comparator: p.unit === "value_max" ? "lte" : "gte",
    threshold,
  };
}

/** Whether the stored version says what the file's row says (the standard and its words). */
function sameStandard(v: PledgeVersion, f: VersionFields): boolean {
  return (
    v.statement_en === f.statement_en &&
    v.statement_zh === f.statement_zh &&
    v.customer === f.customer &&
    v.category === f.category &&
    v.target_kind === f.target_kind &&
    same(v.target_share, f.target_share ?? null) &&
    same(v.days, f.days ?? null) &&
    (v.day_unit ?? null) === (f.day_unit ?? null) &&
    same(v.threshold, f.threshold ?? null) &&
    (v.comparator ?? null) === (f.comparator ?? null) &&
    (v.measure_unit ?? null) === (f.measure_unit ?? null)
  );
}

/** A change is "strengthened" when the share rose or the threshold got stricter, and nothing got laxer. */
function reasonOf(v: PledgeVersion, f: VersionFields): ChangeReason {
  const share = f.target_share - v.target_share;
  let stricter = 0;
  if (f.target_kind === "timeliness" && v.days !== null && f.days != null) stricter = v.days - f.days;
  if (f.target_kind === "measured" && v.threshold !== null && f.threshold != null)
    stricter = f.comparator === "lte" ? v.threshold - f.threshold : f.threshold - v.threshold;
  return share >= 0 && stricter >= 0 && (share > 0 || stricter > 0) ? "strengthened" : "corrected";
}

async function createSurvey(trx: Db, departmentId: number, p: PledgeRow, now: string): Promise<number> {
  const survey = await trx
    .insertInto("surveys")
    .values({
      department_id: departmentId,
      service_id: null,
      slug: randomCode(6),
      status: "closed",
      current_version_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      published_at: null,
      closed_at: now,
      listed: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const version = await trx
    .insertInto("survey_versions")
    .values({
      survey_id: survey.id,
      version_no: 1,
      title_en: `Satisfaction: ${p.code}`,
      title_zh: `滿意度：${p.code}`,
      intro_en: "Responses loaded by the registry import.",
      intro_zh: "由登記冊匯入載入的回應。",
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("survey_questions")
    .values({
      version_id: version.id,
      position: 1,
      question_key: IMPORT_QUESTION_KEY,
      type: "rating5",
      required: 1,
      prompt_en: "Overall, how satisfied are you with the service?",
      prompt_zh: "整體而言，你對這項服務有多滿意？",
      max_length: null,
    })
    .execute();
  await trx
    .updateTable("surveys")
    .set({ current_version_id: version.id })
    .where("id", "=", survey.id)
    .execute();
  return survey.id;
}

async function insertVersion(
  trx: Db,
  pledgeId: number,
  versionNo: number,
  fields: VersionFields,
  reason: ChangeReason,
  from: string,
  to: string | null,
  now: string,
): Promise<number> {
  const v = await trx
    .insertInto("pledge_versions")
    .values({
      ...fields,
      pledge_id: pledgeId,
      version_no: versionNo,
      change_reason: reason,
      effective_from: from,
      effective_to: to,
      created_by: null,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return v.id;
}

async function createPledge(trx: Db, p: PledgeRow, departmentId: number, serviceId: number, now: string) {
  const surveyId = p.kind === "satisfaction" ? await createSurvey(trx, departmentId, p, now) : null;
  const start = p.change === "new" ? p.changeDate! : p.effectiveFrom;
  const row = await trx
    .insertInto("pledges")
    .values({
      department_id: departmentId,
      service_id: serviceId,
      code: p.code,
      status: p.change === "retired" ? "retired" : "published",
      current_version_id: null,
      created_at: now,
      updated_at: now,
      published_at: hkMidnight(start),
      retired_at: p.change === "retired" ? hkMidnight(p.changeDate!) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  let current: number;
  if (p.change === "strengthened") {
    await insertVersion(trx, row.id, 1, fieldsOf(p, true, surveyId), "initial", start, p.changeDate, now);
    current = await insertVersion(
      trx,
      row.id,
      2,
      fieldsOf(p, false, surveyId),
      "strengthened",
      p.changeDate!,
      null,
      now,
    );
  } else {
    const reason = p.change === "new" ? "new_service" : "initial";
    current = await insertVersion(trx, row.id, 1, fieldsOf(p, false, surveyId), reason, start, null, now);
  }
  await trx.updateTable("pledges").set({ current_version_id: current }).where("id", "=", row.id).execute();
  return row.id;
}

/** A stored pledge brought to the file's row: a new version if its standard changed; retired if the file says so. */
async function updatePledge(
  trx: Db,
  p: PledgeRow,
  s: StoredPledge,
  today: string,
  now: string,
): Promise<boolean> {
  let changed = false;
  const fields = fieldsOf(p, false, s.version.survey_id);
  // A case- or transaction-type pledge entered by hand keeps its own source: only imported ones compare.
  if (!sameStandard(s.version, fields)) {
    const last = await trx
      .selectFrom("pledge_versions")
      .select((eb) => eb.fn.max("version_no").as("n"))
      .where("pledge_id", "=", s.id)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("pledge_versions")
      .set({ effective_to: today })
      .where("id", "=", s.version.id)
      .execute();
    const v = await insertVersion(
      trx,
      s.id,
      Number(last.n) + 1,
      fields,
      reasonOf(s.version, fields),
      today,
      null,
      now,
    );
    await trx
      .updateTable("pledges")
      .set({ current_version_id: v, updated_at: now })
      .where("id", "=", s.id)
      .execute();
    changed = true;
  }
  if (p.change === "retired" && s.status !== "retired") {
    await trx
      .updateTable("pledges")
      .set({ status: "retired", retired_at: hkMidnight(p.changeDate!), updated_at: now })
      .where("id", "=", s.id)
      .execute();
    changed = true;
  }
  return changed;
}

/** Writes the registry files' rows; returns what it changed. */
export async function loadRegistry(
  trx: Db,
  reg: Registry,
  today: string,
  now: Date,
): Promise<{ departments: number; services: number; pledges: number; changedPledgeIds: number[] }> {
  const at = nowIso(now);
  let departments = 0;
  let services = 0;
  const deptIds = new Map<string, number>();
  for (const [c, d] of reg.stored.departments) deptIds.set(c, d.id);
  for (const d of reg.departments.values()) {
    const s = reg.stored.departments.get(d.code);
    if (!s) {
      const row = await trx
        .insertInto("departments")
        .values({ code: d.code, name_en: d.nameEn, name_zh: d.nameZh, kind: d.kind, created_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      deptIds.set(d.code, row.id);
      departments++;
    } else if (s.name_en !== d.nameEn || s.name_zh !== d.nameZh || s.kind !== d.kind) {
      await trx
        .updateTable("departments")
        .set({ name_en: d.nameEn, name_zh: d.nameZh, kind: d.kind })
        .where("id", "=", s.id)
        .execute();
      departments++;
    }
  }
  const serviceIds = new Map<string, number>();
  for (const [k, s] of reg.stored.services) serviceIds.set(k, s.id);
  for (const s of reg.services.values()) {
    const key = serviceKey(s.departmentCode, s.code);
    const stored = reg.stored.services.get(key);
    if (!stored) {
      const row = await trx
        .insertInto("services")
        .values({
          department_id: deptIds.get(s.departmentCode)!,
          code: s.code,
          name_en: s.nameEn,
          name_zh: s.nameZh,
          created_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      serviceIds.set(key, row.id);
      services++;
    } else if (stored.name_en !== s.nameEn || stored.name_zh !== s.nameZh) {
      await trx
        .updateTable("services")
        .set({ name_en: s.nameEn, name_zh: s.nameZh })
        .where("id", "=", stored.id)
        .execute();
      services++;
    }
  }
  const changedPledgeIds: number[] = [];
  for (const p of reg.pledges.values()) {
    const stored = reg.stored.pledges.get(p.code);
    if (stored) {
      if (await updatePledge(trx, p, stored, today, at)) changedPledgeIds.push(stored.id);
    } else {
      const id = await createPledge(
        trx,
        p,
        deptIds.get(p.departmentCode)!,
        serviceIds.get(serviceKey(p.departmentCode, p.serviceCode))!,
        at,
      );
      changedPledgeIds.push(id);
    }
  }
  return { departments, services, pledges: changedPledgeIds.length, changedPledgeIds };
}
