import crypto from "node:crypto";
import { type Expression, PostgresAdapter, type SqlBool, sql } from "kysely";
import type { Db } from "../../../db/client";
import { CASE_STATUSES, type CaseStatus } from "../../../db/schema";
import { hkDate } from "../calendar/time";
import { NO_DEADLINE_STATUSES } from "./lifecycle";
import {
  APPEAL_FILTERS,
  CASE_CHANNELS,
  CASE_SORTS,
  type CaseSort,
  type FilterError,
  PAGE_SIZE,
} from "./list";
import { normaliseReference } from "./reference";

export type { FilterError };
export { PAGE_SIZE };

import { QUEUE_TABS, type QueueTab } from "./queue.server";

/*
 * The case list of /staff/cases: filters from the URL (the URL contract of issue 14), a sort, and
 * keyset paging (a signed cursor naming the last row's sort value and id, never an OFFSET), so
 * the 2,000th page costs what the first does.
 */

export interface CaseFilter {
  dept: string | null;
  statuses: CaseStatus[];
  serviceId: number | null;
  channel: string | null;
  /** a staff id, or "none" (unassigned) */
  officer: number | "none" | null;
  receivedMonth: string | null;
  receivedFrom: string | null;
  receivedTo: string | null;
  closedMonth: string | null;
  dueFrom: string | null;
  dueTo: string | null;
  overdue: boolean;
  withinPledge: boolean | null;
  appeal: (typeof APPEAL_FILTERS)[number] | null;
  appealMonth: string | null;
  q: string | null;
  /** one case by its full reference (the central reviewer's search box answer) */
  reference: string | null;
  sort: CaseSort;
  /** the old queue tab this filter came from, if any */
  tab: QueueTab | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isMonth(v: string): boolean {
  return MONTH.test(v);
}
export function isDay(v: string): boolean {
  if (!DAY.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** The parameters a case list reads (anything else in the URL is ignored, e.g. `saved`). */
export const CASE_LIST_PARAMS = [
  "dept",
  "status",
  "service",
  "channel",
  "officer",
  "received_month",
  "received_from",
  "received_to",
  "closed_month",
  "due_from",
  "due_to",
  "overdue",
  "within_pledge",
  "appeal",
  "appeal_month",
  "q",
  "ref",
  "sort",
  "tab",
] as const;

/** Reads a case list's filter from a URL's parameters; every bad value is named. */
export function parseCaseFilter(
  p: URLSearchParams,
  me: { id: number },
): { ok: true; filter: CaseFilter } | { ok: false; errors: FilterError[] } {
  const errors: FilterError[] = [];
  const one = (name: string): string | null => {
    const v = p.get(name);
    return v == null || v.trim() === "" ? null : v.trim();
  };
  const bad = (param: string, value: string, code: FilterError["code"] = "invalid") =>
    errors.push({ param, value: value.slice(0, 60), code });
  const month = (name: string) => {
    const v = one(name);
    if (v != null && !isMonth(v)) bad(name, v);
    return v != null && isMonth(v) ? v : null;
  };
  const day = (name: string) => {
    const v = one(name);
    if (v != null && !isDay(v)) bad(name, v);
    return v != null && isDay(v) ? v : null;
  };
  const id = (name: string) => {
    const v = one(name);
    if (v == null) return null;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1) {
      bad(name, v);
      return null;
    }
    return Number(v);
  };

  const dept = one("dept");
  if (dept != null && !/^[A-Za-z]{2,8}$/.test(dept)) bad("dept", dept);
  const statuses: CaseStatus[] = [];
  for (const s of p.getAll("status")) {
    if (s === "") continue;
    const found = CASE_STATUSES.find((c) => c === s);
    if (found) statuses.push(found);
    else bad("status", s);
  }
  const channel = one("channel");
  if (channel != null && !(CASE_CHANNELS as readonly string[]).includes(channel)) bad("channel", channel);
  let officer: CaseFilter["officer"] = null;
  const officerRaw = one("officer");
  if (officerRaw === "none") officer = "none";
  else if (officerRaw != null) officer = id("officer");
  const flag = (name: string) => {
    const v = one(name);
    if (v != null && v !== "1") bad(name, v);
    return v === "1";
  };
  const overdue = flag("overdue");
  const wp = one("within_pledge");
  if (wp != null && wp !== "1" && wp !== "0") bad("within_pledge", wp);
  const appealRaw = one("appeal");
  const appeal = APPEAL_FILTERS.find((a) => a === appealRaw) ?? null;
  if (appealRaw != null && !appeal) bad("appeal", appealRaw);
  const sortRaw = one("sort");
  const sort = CASE_SORTS.find((s) => s === sortRaw) ?? null;
  if (sortRaw != null && !sort) bad("sort", sortRaw);
  const tabRaw = one("tab");
  const tab = QUEUE_TABS.find((t) => t === tabRaw) ?? null;
  if (tabRaw != null && !tab) bad("tab", tabRaw);
  const q = one("q");
  if (q != null && q.length > 200) bad("q", q);
  const refRaw = one("ref");
  const reference = refRaw != null ? normaliseReference(refRaw) : null;
  if (refRaw != null && !reference) bad("ref", refRaw);

  const filter: CaseFilter = {
    dept: dept?.toUpperCase() ?? null,
    statuses,
    serviceId: id("service"),
    channel: channel && (CASE_CHANNELS as readonly string[]).includes(channel) ? channel : null,
    officer,
    receivedMonth: month("received_month"),
    receivedFrom: day("received_from"),
    receivedTo: day("received_to"),
    closedMonth: month("closed_month"),
    dueFrom: day("due_from"),
    dueTo: day("due_to"),
    overdue,
    withinPledge: wp === "1" ? true : wp === "0" ? false : null,
    appeal,
    appealMonth: month("appeal_month"),
    q: q != null && q.length <= 200 ? q : null,
    reference,
    sort: sort ?? (tab === "closed" ? "-received" : "received"),
    tab,
  };
  if (filter.receivedFrom && filter.receivedTo && filter.receivedFrom > filter.receivedTo)
    bad("received_to", filter.receivedTo, "range");
  if (filter.dueFrom && filter.dueTo && filter.dueFrom > filter.dueTo) bad("due_to", filter.dueTo, "range");
  if (errors.length > 0) return { ok: false, errors };

  // The old queue tabs are presets of these filters (due-soon is counted in working days and
  // stays with listCaseQueue).
  const open = CASE_STATUSES.filter((s) => s !== "closed");
  if (tab === "unassigned") {
    if (filter.statuses.length === 0) filter.statuses = open;
    filter.officer ??= "none";
  } else if (tab === "mine") {
    if (filter.statuses.length === 0) filter.statuses = open;
    filter.officer ??= me.id;
  } else if (tab === "open") {
    if (filter.statuses.length === 0) filter.statuses = open;
  } else if (tab === "closed") {
    if (filter.statuses.length === 0) filter.statuses = ["closed"];
  } else if (tab === "overdue") {
    filter.overdue = true;
  }
  return { ok: true, filter };
}

/** The filter as URL parameters (for links to the next page, the export, the bulk form's return). */
export function filterParams(f: CaseFilter): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string | number | null | undefined) => {
    if (v != null && v !== "") p.set(k, String(v));
  };
  set("dept", f.dept);
  if (f.tab) set("tab", f.tab);
  else for (const s of f.statuses) p.append("status", s);
  set("service", f.serviceId);
  set("channel", f.channel);
  if (!f.tab || (f.tab !== "unassigned" && f.tab !== "mine")) set("officer", f.officer);
  set("received_month", f.receivedMonth);
  set("received_from", f.receivedFrom);
  set("received_to", f.receivedTo);
  set("closed_month", f.closedMonth);
  set("due_from", f.dueFrom);
  set("due_to", f.dueTo);
  if (f.overdue && f.tab !== "overdue") set("overdue", "1");
  if (f.withinPledge != null) set("within_pledge", f.withinPledge ? "1" : "0");
  set("appeal", f.appeal);
  set("appeal_month", f.appealMonth);
  set("q", f.q);
  set("ref", f.reference);
  if (f.sort !== (f.tab === "closed" ? "-received" : "received")) set("sort", f.sort);
  return p;
}

// ---- Cursors: the last row's sort value and id, signed so a changed one is refused ----

interface CursorValue {
  sort: CaseSort | "id";
  value: string | null;
  id: number;
}

function sign(key: string, body: string): string {
  return crypto.createHmac("sha256", key).update(`list-cursor:${body}`).digest("base64url").slice(0, 22);
}

/** An opaque cursor for the row after which the next page starts. */
export function encodeCursor(key: string, c: CursorValue): string {
  const body = Buffer.from(JSON.stringify([c.sort, c.value, c.id])).toString("base64url");
  return `${body}.${sign(key, body)}`;
}

/** The cursor's position, or null when it was not made by us for this sort (changed, cut, forged). */
export function decodeCursor(key: string, raw: string, sort: CursorValue["sort"]): CursorValue | null {
  const [body, mac, extra] = raw.split(".");
  if (!body || !mac || extra !== undefined) return null;
  const expected = sign(key, body);
  if (mac.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected)))
    return null;
  try {
    const v = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [s, value, id] = v as [unknown, unknown, unknown];
    if (s !== sort || !(typeof value === "string" || value === null) || !Number.isSafeInteger(id))
      return null;
    return { sort, value: value as string | null, id: id as number };
  } catch {
    return null;
  }
}

// ---- Time bounds (HK dates and months as UTC instants, the way timestamps are stored) ----

/** The UTC instant a Hong Kong date starts. */
export function hkDayStart(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString();
}
/** The UTC instants a Hong Kong month starts and the next one starts. */
export function hkMonthBounds(month: string): [string, string] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return [hkDayStart(`${month}-01`), hkDayStart(`${next}-01`)];
}
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A full-text condition on `column` of `alias` (cases.what_happened or feedback_entries.summary):
 * FTS5 on SQLite (each word a prefix, all words required), tsvector on Postgres. Never touches
 * the encrypted contact columns.
 */
export function textMatch(
  db: Db,
  table: "cases" | "feedback_entries",
  idRef: string,
  text: string,
): Expression<SqlBool> {
  // Control characters are never words: a NUL ends an FTS5 string ("unterminated string") and is
  // refused by Postgres in any text.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const q = text.replace(/[\u0000-\u001f\u007f]/g, " ");
  if (isPostgres(db)) {
    const column = table === "cases" ? "what_happened" : "summary";
    const alias = idRef.split(".")[0]!;
    return sql<SqlBool>`to_tsvector('simple', ${sql.ref(`${alias}.${column}`)}) @@ plainto_tsquery('simple', ${q})`;
  }
  const fts = table === "cases" ? "cases_fts" : "feedback_fts";
  const words = q
    .split(/\s+/)
    .map((w) => w.replace(/["*^:()]/g, ""))
    .filter((w) => w.length > 0)
    .map((w) => `"${w}"*`);
  const match = words.length > 0 ? words.join(" ") : '""';
  // The unary + keeps SQLite from looking each match up by id and sorting them all: it walks the
  // list's index in page order and checks each id against the matches (a common word: 225 → 6 ms
  // at 100,000 cases, bench-cases.ts), stopping at a page.
  return sql<SqlBool>`+${sql.ref(idRef)} in (select rowid from ${sql.table(fts)} where ${sql.table(fts)} match ${match})`;
}

// ---- The list ----

export interface CaseListRow {
  id: number;
  reference: string;
  received_at: string;
  status: CaseStatus;
  channel: string;
  ack_due: string | null;
  reply_due: string | null;
  acknowledged_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  service_en: string | null;
  service_zh: string | null;
  assigned_to: number | null;
  assigned_name: string | null;
  contact_email_enc: string | null;
  contact_phone_enc: string | null;
}

/** The base query of a department's filtered case list (no order, no page). */
function filteredCases(db: Db, departmentId: number, f: CaseFilter, now: Date) {
  let q = db
    .selectFrom("cases as c")
    .leftJoin("services as s", "s.id", "c.service_id")
    .leftJoin("staff_users as u", "u.id", "c.assigned_to")
    .select([
      "c.id",
      "c.reference",
      "c.received_at",
      "c.status",
      "c.channel",
      "c.ack_due",
      "c.reply_due",
      "c.acknowledged_at",
      "c.replied_at",
      "c.closed_at",
      "c.assigned_to",
      "c.contact_email_enc",
      "c.contact_phone_enc",
      "s.name_en as service_en",
      "s.name_zh as service_zh",
      "u.display_name as assigned_name",
    ])
    .where("c.department_id", "=", departmentId);
  if (f.statuses.length === 1) q = q.where("c.status", "=", f.statuses[0]!);
  else if (f.statuses.length > 1) q = q.where("c.status", "in", f.statuses);
  if (f.reference) q = q.where("c.reference", "=", f.reference);
  if (f.serviceId != null) q = q.where("c.service_id", "=", f.serviceId);
  if (f.channel) q = q.where("c.channel", "=", f.channel);
  if (f.officer === "none") q = q.where("c.assigned_to", "is", null);
  else if (f.officer != null) q = q.where("c.assigned_to", "=", f.officer);
  if (f.receivedMonth) q = q.where("c.month", "=", f.receivedMonth);
  if (f.receivedFrom) q = q.where("c.received_at", ">=", hkDayStart(f.receivedFrom));
  if (f.receivedTo) q = q.where("c.received_at", "<", hkDayStart(nextDay(f.receivedTo)));
  if (f.closedMonth) {
    const [from, to] = hkMonthBounds(f.closedMonth);
    q = q.where("c.closed_at", ">=", from).where("c.closed_at", "<", to);
  }
  if (f.dueFrom) q = q.where("c.reply_due", ">=", f.dueFrom);
  if (f.dueTo) q = q.where("c.reply_due", "<=", f.dueTo);
  if (f.overdue) {
    // The same test as the overdue tab and flagOverdueCases: a pending step's due date has passed.
    const today = hkDate(now);
    q = q
      .where("c.status", "not in", NO_DEADLINE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb("c.acknowledged_at", "is", null), eb("c.ack_due", "<", today)]),
          eb.and([eb("c.replied_at", "is", null), eb("c.reply_due", "<", today)]),
        ]),
      );
  }
  if (f.withinPledge != null) {
    q = q.where("c.status", "=", "closed");
    q = f.withinPledge
      ? q.where("c.ack_met", "=", 1).where("c.reply_met", "=", 1)
      : q.where((eb) =>
          eb.or([
            eb("c.ack_met", "is", null),
            eb("c.ack_met", "!=", 1),
            eb("c.reply_met", "is", null),
            eb("c.reply_met", "!=", 1),
          ]),
        );
  }
  if (f.appeal || f.appealMonth) {
    const appeal = f.appeal ?? "any";
    q = q.where((eb) => {
      let a = eb.selectFrom("appeals as a").select("a.case_id");
      if (appeal === "open") a = a.where("a.decided_at", "is", null);
      if (appeal === "decided") a = a.where("a.decided_at", "is not", null);
      if (f.appealMonth) {
        // A month's appeals are few: found by their date, then their cases (appeals_*_idx).
        const [from, to] = hkMonthBounds(f.appealMonth);
        const col = appeal === "decided" ? "a.decided_at" : "a.lodged_at";
        return eb("c.id", "in", a.where(col, ">=", from).where(col, "<", to));
      }
      return eb.exists(a.whereRef("a.case_id", "=", "c.id"));
    });
  }
  if (f.q) q = q.where(textMatch(db, "cases", "c.id", f.q));
  return q;
}

/**
 * One page of a department's filtered case list, after `cursor` (null: the first page), and the
 * cursor of the next page (null: this was the last). A cursor not made for this sort is refused.
 */
export async function listCases(
  db: Db,
  departmentId: number,
  f: CaseFilter,
  options: { cursorKey: string; cursor?: string | null; limit?: number; now?: Date },
): Promise<{ ok: true; rows: CaseListRow[]; next: string | null } | { ok: false; error: FilterError }> {
  const limit = options.limit ?? PAGE_SIZE;
  const now = options.now ?? new Date();
  let after: CursorValue | null = null;
  if (options.cursor) {
    after = decodeCursor(options.cursorKey, options.cursor, f.sort);
    if (!after) return { ok: false, error: { param: "cursor", value: "", code: "cursor" } };
  }
  let q = filteredCases(db, departmentId, f, now);
  const desc = f.sort.startsWith("-");
  const byDue = f.sort === "due" || f.sort === "-due";
  if (!byDue) {
    const op = desc ? "<" : ">";
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb("c.received_at", op, a.value ?? ""),
          eb.and([eb("c.received_at", "=", a.value ?? ""), eb("c.id", op, a.id)]),
        ]),
      );
    }
    q = desc
      ? q.orderBy("c.received_at", "desc").orderBy("c.id", "desc")
      : q.orderBy("c.received_at").orderBy("c.id");
  } else {
    // Cases with no reply deadline count as the earliest (SQLite's order, kept on Postgres too):
    // first going up, last going down, so the index's order serves both directions.
    const op = desc ? "<" : ">";
    if (after) {
      const a = after;
      q = q.where((eb) => {
        if (a.value == null)
          return desc
            ? eb.and([eb("c.reply_due", "is", null), eb("c.id", "<", a.id)])
            : eb.or([
                eb.and([eb("c.reply_due", "is", null), eb("c.id", ">", a.id)]),
                eb("c.reply_due", "is not", null),
              ]);
        const after = eb.or([
          eb("c.reply_due", op, a.value),
          eb.and([eb("c.reply_due", "=", a.value), eb("c.id", op, a.id)]),
        ]);
        return desc ? eb.or([after, eb("c.reply_due", "is", null)]) : after;
      });
    }
    const pg = isPostgres(db);
    q = desc
      ? q.orderBy("c.reply_due", (ob) => (pg ? ob.desc().nullsLast() : ob.desc())).orderBy("c.id", "desc")
      : q.orderBy("c.reply_due", (ob) => (pg ? ob.asc().nullsFirst() : ob.asc())).orderBy("c.id", "asc");
  }
  const raw = await q.limit(limit + 1).execute();
  const rows = raw.slice(0, limit) as CaseListRow[];
  const last = rows[rows.length - 1];
  const next =
    raw.length > limit && last
      ? encodeCursor(options.cursorKey, {
          sort: f.sort,
          value: byDue ? last.reply_due : last.received_at,
          id: last.id,
        })
      : null;
  return { ok: true, rows, next };
}

/** Every row of a filtered list, a page at a time (for exports: never all in memory). */
export async function* caseListPages(
  db: Db,
  departmentId: number,
  f: CaseFilter,
  options: { cursorKey: string; pageSize?: number; now?: Date },
): AsyncGenerator<CaseListRow[]> {
  let cursor: string | null = null;
  for (;;) {
    const page = await listCases(db, departmentId, f, {
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
