import type { Db } from "../../../db/client";
import {
  FEEDBACK_CHANNELS,
  FEEDBACK_KINDS,
  type FeedbackChannel,
  type FeedbackKind,
} from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { hkMonth, nowIso } from "../calendar/time";
import { createCase } from "../cases/intake.server";
import {
  decodeCursor,
  encodeCursor,
  type FilterError,
  hkDayStart,
  isDay,
  isMonth,
  PAGE_SIZE,
  textMatch,
} from "../cases/list.server";

export interface FeedbackInput {
  kind: FeedbackKind;
  channel: FeedbackChannel;
  serviceId: number | null;
  summary: string;
  language: "en" | "zh-HK";
  important: boolean;
  /** a complaint whose customer wants a reply becomes a case */
  wantsReply: boolean;
  contact?: { name?: string; email?: string; phone?: string };
}

/**
 * Logs what a customer said at the counter or on the phone. A complaint that wants a reply opens a
 * case with the contact details (encrypted); important feedback is recorded for the managers at
 * once. All in one transaction. Audited without the summary's text.
 */
export async function logFeedback(
  db: Db,
  piiKey: string,
  actor: { id: number; departmentId: number },
  input: FeedbackInput,
): Promise<{ id: number; caseReference: string | null }> {
  const at = nowIso();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("feedback_entries")
      .values({
        department_id: actor.departmentId,
        service_id: input.serviceId,
        kind: input.kind,
        channel: input.channel,
        summary: input.summary,
        language: input.language,
        important: input.important ? 1 : 0,
        logged_by: actor.id,
        logged_at: at,
        month: hkMonth(at),
        case_id: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    let caseReference: string | null = null;
    if (input.kind === "complaint" && input.wantsReply) {
      const created = await createCase(trx, piiKey, {
        departmentId: actor.departmentId,
        serviceId: input.serviceId,
        channel: input.channel,
        language: input.language,
        whatHappened: input.summary,
        desiredOutcome: "",
        contact: input.contact ?? {},
        consent: true,
        createdBy: actor.id,
        feedbackId: row.id,
        receivedAt: at,
      });
      caseReference = created.reference;
      await trx
        .updateTable("feedback_entries")
        .set({ case_id: created.id })
        .where("id", "=", row.id)
        .execute();
    }
    if (input.important) {
      await trx
        .insertInto("notifications")
        .values({
          department_id: actor.departmentId,
          kind: "important_feedback",
          entity_type: "feedback",
          entity_id: row.id,
          created_at: at,
        })
        .execute();
    }
    await recordAudit(trx, {
      action: "feedback.create",
      actorUserId: actor.id,
      departmentId: actor.departmentId,
      entityType: "feedback",
      entityId: row.id,
      detail: { kind: input.kind, channel: input.channel, important: input.important },
    });
    return { id: row.id, caseReference };
  });
}

export interface FeedbackFilter {
  kind?: FeedbackKind;
  channel?: FeedbackChannel;
  important?: boolean;
  month?: string;
  serviceId?: number;
  /** HK dates, inclusive */
  from?: string;
  to?: string;
  /** full text over the summaries */
  q?: string;
}

/** A department's entries matching a filter, newest first, with who logged them and any case they opened. */
function feedbackQuery(db: Db, departmentId: number, filter: FeedbackFilter) {
  let q = db
    .selectFrom("feedback_entries as f")
    .leftJoin("staff_users as u", "u.id", "f.logged_by")
    .leftJoin("cases as c", "c.id", "f.case_id")
    .leftJoin("services as s", "s.id", "f.service_id")
    .select([
      "f.id",
      "f.kind",
      "f.channel",
      "f.summary",
      "f.language",
      "f.important",
      "f.logged_at",
      "u.display_name as logged_by_name",
      "c.id as case_id",
      "c.reference as case_reference",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
    ])
    .where("f.department_id", "=", departmentId)
    .orderBy("f.id", "desc");
  if (filter.kind) q = q.where("f.kind", "=", filter.kind);
  if (filter.channel) q = q.where("f.channel", "=", filter.channel);
  if (filter.important) q = q.where("f.important", "=", 1);
  if (filter.month) q = q.where("f.month", "=", filter.month);
  if (filter.serviceId != null) q = q.where("f.service_id", "=", filter.serviceId);
  if (filter.from) q = q.where("f.logged_at", ">=", hkDayStart(filter.from));
  if (filter.to) q = q.where("f.logged_at", "<", hkDayStart(nextHkDay(filter.to)));
  if (filter.q) q = q.where(textMatch(db, "feedback_entries", "f.id", filter.q));
  return q;
}

function nextHkDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Recent entries of a department, newest first, with who logged them and any case they opened. */
export async function listFeedback(db: Db, departmentId: number, filter: FeedbackFilter = {}, limit = 50) {
  return feedbackQuery(db, departmentId, filter).limit(limit).execute();
}

/** One row of the feedback log's list. */
export type FeedbackListRow = Awaited<ReturnType<typeof listFeedback>>[number];

/**
 * One page of the feedback log, newest first, after `cursor` (keyset on the id, never OFFSET),
 * and the next page's cursor. A cursor we did not make is refused.
 */
export async function listFeedbackPage(
  db: Db,
  departmentId: number,
  filter: FeedbackFilter,
  options: { cursorKey: string; cursor?: string | null; limit?: number },
): Promise<{ ok: true; rows: FeedbackListRow[]; next: string | null } | { ok: false }> {
  const limit = options.limit ?? PAGE_SIZE;
  let q = feedbackQuery(db, departmentId, filter);
  if (options.cursor) {
    const after = decodeCursor(options.cursorKey, options.cursor, "id");
    if (!after) return { ok: false };
    q = q.where("f.id", "<", after.id);
  }
  const raw = await q.limit(limit + 1).execute();
  const rows = raw.slice(0, limit);
  const last = rows[rows.length - 1];
  const next =
    raw.length > limit && last
      ? encodeCursor(options.cursorKey, { sort: "id", value: null, id: last.id })
      : null;
  return { ok: true, rows, next };
}

/** Every entry matching a filter, a page at a time (exports). */
export async function* feedbackPages(
  db: Db,
  departmentId: number,
  filter: FeedbackFilter,
  options: { cursorKey: string; pageSize?: number },
): AsyncGenerator<FeedbackListRow[]> {
  let cursor: string | null = null;
  for (;;) {
    const page = await listFeedbackPage(db, departmentId, filter, {
      ...options,
      cursor,
      limit: options.pageSize ?? 1000,
    });
    if (!page.ok) return;
    if (page.rows.length > 0) yield page.rows;
    if (!page.next) return;
    cursor = page.next;
  }
}

/** Reads the feedback log's filter from the URL (fk, fc, fi, fs, month, from, to, q); every bad value named. */
export function parseFeedbackFilter(
  p: URLSearchParams,
): { ok: true; filter: FeedbackFilter } | { ok: false; errors: FilterError[] } {
  const errors: FilterError[] = [];
  const one = (name: string): string | null => {
    const v = p.get(name);
    return v == null || v.trim() === "" ? null : v.trim();
  };
  const bad = (param: string, value: string, code: FilterError["code"] = "invalid") =>
    errors.push({ param, value: value.slice(0, 60), code });
  const filter: FeedbackFilter = {};
  const fk = one("fk");
  if (fk != null) {
    const k = FEEDBACK_KINDS.find((x) => x === fk);
    if (k) filter.kind = k;
    else bad("fk", fk);
  }
  const fc = one("fc");
  if (fc != null) {
    const c = FEEDBACK_CHANNELS.find((x) => x === fc);
    if (c) filter.channel = c;
    else bad("fc", fc);
  }
  const fi = one("fi");
  if (fi != null && fi !== "1") bad("fi", fi);
  filter.important = fi === "1";
  const fs = one("fs");
  if (fs != null) {
    if (/^\d{1,9}$/.test(fs) && Number(fs) > 0) filter.serviceId = Number(fs);
    else bad("fs", fs);
  }
  const month = one("month");
  if (month != null) {
    if (isMonth(month)) filter.month = month;
    else bad("month", month);
  }
  for (const name of ["from", "to"] as const) {
    const v = one(name);
    if (v == null) continue;
    if (isDay(v)) filter[name] = v;
    else bad(name, v);
  }
  if (filter.from && filter.to && filter.from > filter.to) bad("to", filter.to, "range");
  const q = one("q");
  if (q != null) {
    if (q.length <= 200) filter.q = q;
    else bad("q", q);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, filter };
}

/** The filter as URL parameters (the next page's link, an export's). */
export function feedbackFilterParams(f: FeedbackFilter, dept: string | null): URLSearchParams {
  const p = new URLSearchParams();
  if (dept) p.set("dept", dept);
  if (f.kind) p.set("fk", f.kind);
  if (f.channel) p.set("fc", f.channel);
  if (f.important) p.set("fi", "1");
  if (f.serviceId != null) p.set("fs", String(f.serviceId));
  if (f.month) p.set("month", f.month);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.q) p.set("q", f.q);
  return p;
}
