import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { Survey } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { loadVersion } from "./lookup.server";
import { countResponses } from "./responses.server";
import { type PointChannel, parseOptionLines, type QuestionInput } from "./schema";
import { CSAT5_TEMPLATE, type TemplateQuestion } from "./templates";

/**
 * Authoring a survey (department admins): creating it, editing its questions (a version with
 * responses is copied first, never changed in place), publishing, closing, collection points.
 */

// Codes people may type from a leaflet: no 0/o, 1/l/i.
const CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export function randomCode(length: number): string {
  const bytes = crypto.randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return out;
}

export interface Actor {
  id: number;
  departmentId: number | null;
}

async function insertQuestions(trx: Db, versionId: number, questions: TemplateQuestion[], startAt = 0) {
  let position = startAt;
  for (const q of questions) {
    const row = await trx
      .insertInto("survey_questions")
      .values({
        version_id: versionId,
        position: position++,
        question_key: q.key,
        type: q.type,
        required: q.required ? 1 : 0,
        prompt_en: q.promptEn,
        prompt_zh: q.promptZh,
        max_length: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (q.options?.length) {
      await trx
        .insertInto("question_options")
        .values(
          q.options.map((o, i) => ({
            question_id: row.id,
            position: i,
            code: o.code,
            label_en: o.labelEn,
            label_zh: o.labelZh,
          })),
        )
        .execute();
    }
  }
}

/**
 * Starts a survey in one click: from the five-point satisfaction template, or blank. It is a
 * draft with one version and a "Web" collection point. Audited.
 */
export async function createSurvey(
  db: Db,
  actor: Actor,
  input: { departmentId: number; serviceId: number | null; template: "csat5" | "blank" },
): Promise<number> {
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const survey = await trx
      .insertInto("surveys")
      .values({
        department_id: input.departmentId,
        service_id: input.serviceId,
        slug: randomCode(6),
        status: "draft",
        current_version_id: null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const t = input.template === "csat5" ? CSAT5_TEMPLATE : null;
    const version = await trx
      .insertInto("survey_versions")
      .values({
        survey_id: survey.id,
        version_no: 1,
        title_en: t?.titleEn ?? "New survey",
        title_zh: t?.titleZh ?? "新問卷",
        intro_en: t?.introEn ?? "",
        intro_zh: t?.introZh ?? "",
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (t) await insertQuestions(trx, version.id, t.questions);
    await trx
      .updateTable("surveys")
      .set({ current_version_id: version.id })
      .where("id", "=", survey.id)
      .execute();
    await trx
      .insertInto("collection_points")
      .values({
        survey_id: survey.id,
        code: randomCode(8),
        name_en: "Web",
        name_zh: "網上",
        channel: "web",
        is_active: 1,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, {
      action: "survey.create",
      actorUserId: actor.id,
      departmentId: input.departmentId,
      entityType: "survey",
      entityId: survey.id,
      detail: { template: input.template },
    });
    return survey.id;
  });
}

/**
 * The version an edit may change: the current one while no response has answered it; otherwise
 * a new copy (same question keys) that becomes current, so every response keeps the version it
 * answered (issue 3: "never changed in place").
 */
async function editableVersionId(trx: Db, survey: Survey, now: string): Promise<number> {
  const currentId = survey.current_version_id!;
  if ((await countResponses(trx, { versionId: currentId })) === 0) return currentId;
  const current = (await loadVersion(trx, currentId))!;
  const next = await trx
    .insertInto("survey_versions")
    .values({
      survey_id: survey.id,
      version_no: current.versionNo + 1,
      title_en: current.titleEn,
      title_zh: current.titleZh,
      intro_en: current.introEn,
      intro_zh: current.introZh,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await insertQuestions(
    trx,
    next.id,
    current.questions.map((q) => ({
      key: q.key,
      type: q.type,
      required: q.required,
      promptEn: q.promptEn,
      promptZh: q.promptZh,
      options: q.options.map((o) => ({ code: o.code, labelEn: o.labelEn, labelZh: o.labelZh })),
    })),
  );
  await trx.updateTable("surveys").set({ current_version_id: next.id }).where("id", "=", survey.id).execute();
  return next.id;
}

export type SurveyEdit =
  | { kind: "details"; titleEn: string; titleZh: string; introEn: string; introZh: string }
  | { kind: "add-question"; input: QuestionInput }
  | { kind: "update-question"; questionKey: string; input: QuestionInput }
  | { kind: "remove-question"; questionKey: string }
  | { kind: "move-question"; questionKey: string; direction: "up" | "down" };

export type EditResult = { ok: true; versionId: number; newVersion: boolean } | { ok: false; error: string };

/** Applies one edit to a survey that is not closed; a version with responses is copied first. Audited. */
export async function editSurvey(
  db: Db,
  actor: Actor,
  survey: Survey,
  edit: SurveyEdit,
): Promise<EditResult> {
  if (survey.status === "closed") return { ok: false, error: "surveys.errors.closedNoEdit" };
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const versionId = await editableVersionId(trx, survey, now);
    const version = (await loadVersion(trx, versionId))!;
    const find = (key: string) => version.questions.find((q) => q.key === key);
    switch (edit.kind) {
      case "details":
        await trx
          .updateTable("survey_versions")
          .set({
            title_en: edit.titleEn,
            title_zh: edit.titleZh,
            intro_en: edit.introEn,
            intro_zh: edit.introZh,
          })
          .where("id", "=", versionId)
          .execute();
        break;
      case "add-question": {
        if (version.questions.length >= 40)
          return { ok: false as const, error: "surveys.errors.tooManyQuestions" };
        const used = new Set(version.questions.map((q) => q.key));
        let n = version.questions.length + 1;
        while (used.has(`q${n}`)) n++;
        await insertQuestions(
          trx,
          versionId,
          [templateQuestion(`q${n}`, edit.input)],
          version.questions.length,
        );
        await renumber(trx, versionId);
        break;
      }
      case "update-question": {
        const q = find(edit.questionKey);
        if (!q) return { ok: false as const, error: "surveys.errors.unknownQuestion" };
        // Replacing the row keeps the key (results add up across versions) and its place.
        const position = version.questions.indexOf(q);
        await trx.deleteFrom("survey_questions").where("id", "=", q.id).execute();
        await insertQuestions(trx, versionId, [templateQuestion(q.key, edit.input)], position);
        break;
      }
      case "remove-question": {
        const q = find(edit.questionKey);
        if (!q) return { ok: false as const, error: "surveys.errors.unknownQuestion" };
        await trx.deleteFrom("survey_questions").where("id", "=", q.id).execute();
        await renumber(trx, versionId);
        break;
      }
      case "move-question": {
        const i = version.questions.findIndex((q) => q.key === edit.questionKey);
        const j = edit.direction === "up" ? i - 1 : i + 1;
        if (i < 0) return { ok: false as const, error: "surveys.errors.unknownQuestion" };
        if (j >= 0 && j < version.questions.length) {
          const a = version.questions[i]!;
          const b = version.questions[j]!;
          await trx.updateTable("survey_questions").set({ position: j }).where("id", "=", a.id).execute();
          await trx.updateTable("survey_questions").set({ position: i }).where("id", "=", b.id).execute();
        }
        break;
      }
    }
    await trx.updateTable("surveys").set({ updated_at: now }).where("id", "=", survey.id).execute();
    await recordAudit(trx, {
      action: "survey.update",
      actorUserId: actor.id,
      departmentId: survey.department_id,
      entityType: "survey",
      entityId: survey.id,
      detail: { edit: edit.kind, version: version.versionNo },
    });
    return { ok: true as const, versionId, newVersion: versionId !== survey.current_version_id };
  });
}

function templateQuestion(key: string, input: QuestionInput): TemplateQuestion {
  const options =
    input.type === "single" || input.type === "multiple"
      ? (parseOptionLines(input.options) ?? []).map((o, i) => ({ code: `o${i + 1}`, ...o }))
      : undefined;
  return {
    key,
    type: input.type,
    required: input.required,
    promptEn: input.promptEn,
    promptZh: input.promptZh,
    options,
  };
}

async function renumber(trx: Db, versionId: number) {
  const rows = await trx
    .selectFrom("survey_questions")
    .select("id")
    .where("version_id", "=", versionId)
    .orderBy("position")
    .orderBy("id")
    .execute();
  for (const [i, r] of rows.entries()) {
    await trx.updateTable("survey_questions").set({ position: i }).where("id", "=", r.id).execute();
  }
}

/** Publishes (a survey needs at least one question), closes or reopens a survey. Audited. */
export async function setSurveyStatus(
  db: Db,
  actor: Actor,
  survey: Survey,
  status: "published" | "closed",
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (status === "published") {
    const v = await loadVersion(db, survey.current_version_id!);
    if (!v || v.questions.length === 0) return { ok: false, error: "surveys.errors.noQuestions" };
  }
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("surveys")
      .set(
        status === "published"
          ? { status, published_at: survey.published_at ?? now, closed_at: null, updated_at: now }
          : { status, closed_at: now, updated_at: now },
      )
      .where("id", "=", survey.id)
      .execute();
    await recordAudit(trx, {
      action: status === "published" ? "survey.publish" : "survey.close",
      actorUserId: actor.id,
      departmentId: survey.department_id,
      entityType: "survey",
      entityId: survey.id,
    });
  });
  return { ok: true };
}

export async function addCollectionPoint(
  db: Db,
  actor: Actor,
  survey: Survey,
  input: { nameEn: string; nameZh: string; channel: PointChannel },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("collection_points")
      .values({
        survey_id: survey.id,
        code: randomCode(8),
        name_en: input.nameEn,
        name_zh: input.nameZh,
        channel: input.channel,
        is_active: 1,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: "collection-point.create",
      actorUserId: actor.id,
      departmentId: survey.department_id,
      entityType: "collection_point",
      entityId: row.id,
      detail: { channel: input.channel },
    });
    return row.id;
  });
}
