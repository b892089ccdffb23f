import type { Db } from "../../../db/client";
import type { LiaisonGroup, LiaisonMeeting } from "../../../db/schema";
import type { FieldErrors } from "../../utils/forms";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import { LIAISON_ERRORS, type NewLiaisonGroupInput, type NewMeetingInput } from "./schema";

/**
 * A department's customer liaison groups and user committees (issue 16), the services they cover
 * and their meetings. Every read and write names the department: the caller passes the actor's
 * department (or, for the central bureau, the group's own), and a group of another department is
 * not found here.
 */

interface Actor {
  id: number;
}

export interface LiaisonGroupRow extends LiaisonGroup {
  department_code: string;
  department_name_en: string;
  department_name_zh: string;
  meetings: number;
  last_met_on: string | null;
}

/** The groups of one department, or of every department (departmentId null: the central bureau). */
export async function listLiaisonGroups(db: Db, departmentId: number | null): Promise<LiaisonGroupRow[]> {
  let q = db
    .selectFrom("liaison_groups as g")
    .innerJoin("departments as d", "d.id", "g.department_id")
    .leftJoin("liaison_meetings as m", "m.group_id", "g.id")
    .select((eb) => [
      "g.id",
      "g.department_id",
      "g.kind",
      "g.name_en",
      "g.name_zh",
      "g.is_active",
      "g.created_at",
      "g.created_by",
      "d.code as department_code",
      "d.name_en as department_name_en",
      "d.name_zh as department_name_zh",
      eb.fn.count<number | string>("m.id").as("meetings"),
      eb.fn.max("m.met_on").as("last_met_on"),
    ])
    .groupBy([
      "g.id",
      "g.department_id",
      "g.kind",
      "g.name_en",
      "g.name_zh",
      "g.is_active",
      "g.created_at",
      "g.created_by",
      "d.code",
      "d.name_en",
      "d.name_zh",
    ])
    .orderBy("d.code")
    .orderBy("g.is_active", "desc")
    .orderBy("g.name_en");
  if (departmentId != null) q = q.where("g.department_id", "=", departmentId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, meetings: Number(r.meetings), last_met_on: r.last_met_on ?? null }));
}

export interface LiaisonGroupDetail {
  group: LiaisonGroup & { department_code: string; department_name_en: string; department_name_zh: string };
  services: { id: number; code: string; name_en: string; name_zh: string }[];
  /** newest first */
  meetings: LiaisonMeeting[];
}

/** One group with its services and meetings, or undefined when there is none with that id. */
export async function getLiaisonGroup(db: Db, id: number): Promise<LiaisonGroupDetail | undefined> {
  const group = await db
    .selectFrom("liaison_groups as g")
    .innerJoin("departments as d", "d.id", "g.department_id")
    .selectAll("g")
    .select([
      "d.code as department_code",
      "d.name_en as department_name_en",
      "d.name_zh as department_name_zh",
    ])
    .where("g.id", "=", id)
    .executeTakeFirst();
  if (!group) return undefined;
  const [services, meetings] = await Promise.all([
    db
      .selectFrom("liaison_group_services as gs")
      .innerJoin("services as s", "s.id", "gs.service_id")
      .select(["s.id", "s.code", "s.name_en", "s.name_zh"])
      .where("gs.group_id", "=", id)
      .orderBy("s.code")
      .execute(),
    db
      .selectFrom("liaison_meetings")
      .selectAll()
      .where("group_id", "=", id)
      .orderBy("met_on", "desc")
      .orderBy("id", "desc")
      .execute(),
  ]);
  return { group, services, meetings };
}

export type LiaisonSaveResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

/**
 * Records a group of `departmentId` covering `serviceIds`. A service that is not one of the
 * department's active services refuses the whole form: nothing is written.
 */
export async function createLiaisonGroup(
  db: Db,
  actor: Actor,
  departmentId: number,
  input: NewLiaisonGroupInput,
  serviceIds: readonly number[],
): Promise<LiaisonSaveResult> {
  const wanted = [...new Set(serviceIds)];
  return db.transaction().execute(async (trx) => {
    if (wanted.length > 0) {
      const own = await trx
        .selectFrom("services")
        .select("id")
        .where("department_id", "=", departmentId)
        .where("is_active", "=", 1)
        .where("id", "in", wanted)
        .execute();
      if (own.length !== wanted.length) return { ok: false, errors: { services: LIAISON_ERRORS.service } };
    }
    const row = await trx
      .insertInto("liaison_groups")
      .values({
        department_id: departmentId,
        kind: input.kind,
        name_en: input.nameEn,
        name_zh: input.nameZh,
        created_at: nowIso(),
        created_by: actor.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (wanted.length > 0) {
      await trx
        .insertInto("liaison_group_services")
        .values(wanted.map((service_id) => ({ group_id: row.id, service_id })))
        .execute();
    }
    await recordAudit(trx, {
      action: "liaison.create",
      actorUserId: actor.id,
      departmentId,
      entityType: "liaison_group",
      entityId: row.id,
      detail: { kind: input.kind, services: wanted.length },
    });
    return { ok: true, id: row.id };
  });
}

/**
 * Records one meeting of an active group. A date after today (Hong Kong) is refused: a meeting is
 * recorded once it has taken place.
 */
export async function addLiaisonMeeting(
  db: Db,
  actor: Actor,
  group: Pick<LiaisonGroup, "id" | "department_id" | "is_active">,
  input: NewMeetingInput,
  now: Date = new Date(),
): Promise<LiaisonSaveResult> {
  if (group.is_active !== 1) return { ok: false, errors: { form: LIAISON_ERRORS.disbanded } };
  if (input.metOn > hkDate(now)) return { ok: false, errors: { metOn: LIAISON_ERRORS.future } };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("liaison_meetings")
      .values({
        group_id: group.id,
        met_on: input.metOn,
        summary_en: input.summaryEn,
        summary_zh: input.summaryZh,
        created_at: nowIso(now),
        created_by: actor.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "liaison.meeting",
      actorUserId: actor.id,
      departmentId: group.department_id,
      entityType: "liaison_group",
      entityId: group.id,
      detail: { meeting: row.id, metOn: input.metOn },
    });
    return { ok: true, id: row.id };
  });
}

/** Disbands a group: is_active = 0; it and its meetings stay (the review reads its history). */
export async function disbandLiaisonGroup(
  db: Db,
  actor: Actor,
  group: Pick<LiaisonGroup, "id" | "department_id">,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("liaison_groups")
      .set({ is_active: 0 })
      .where("id", "=", group.id)
      .where("department_id", "=", group.department_id)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: "liaison.disband",
      actorUserId: actor.id,
      departmentId: group.department_id,
      entityType: "liaison_group",
      entityId: group.id,
    });
    return true;
  });
}

/** Services a group may cover: the active services of one department, or of all (system admin). */
export async function liaisonServiceChoices(
  db: Db,
  departmentId: number | null,
): Promise<{ id: number; departmentId: number; departmentCode: string; nameEn: string; nameZh: string }[]> {
  let q = db
    .selectFrom("services as s")
    .innerJoin("departments as d", "d.id", "s.department_id")
    .select(["s.id", "s.department_id", "d.code", "s.name_en", "s.name_zh"])
    .where("s.is_active", "=", 1)
    .where("d.is_active", "=", 1)
    .orderBy("d.code")
    .orderBy("s.code");
  if (departmentId != null) q = q.where("s.department_id", "=", departmentId);
  return (await q.execute()).map((s) => ({
    id: s.id,
    departmentId: s.department_id,
    departmentCode: s.code,
    nameEn: s.name_en,
    nameZh: s.name_zh,
  }));
}
