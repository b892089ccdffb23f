import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import type { Redis } from "ioredis";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { DayUnit } from "../../../db/schema";
import { encryptPii } from "../../utils/crypto.server";
import { logger } from "../../utils/logger.server";
import { hkMonth, nowIso } from "../calendar/time";
import { localName } from "../departments/departments.server";
import { createLimiter, type Limiter, type LimiterFallback, limiterKey } from "../rate-limits/limiter.server";
import { newStoredName, type SniffedType, sniffFileType, type UploadedFile } from "./attachments.server";
import { computeDeadlines } from "./deadlines.server";
import { openCase } from "./lifecycle.server";
import { queueCaseAcknowledgement } from "./messages.server";
import { makeReference } from "./reference";
import { ATTACHMENT_LIMITS, type ComplaintInput, E } from "./schema";
import { getCaseSettings } from "./settings.server";

/*
 * How cases come in: opening one (a complaint from the web form, feedback that wants a reply, an
 * officer's entry), the public form's limits and choices, and storing a complaint with its files.
 */

// ---- Opening a case ----

/** The next reference of a department in a month, from a per-(department, month) counter. */
async function nextReference(
  trx: Db,
  departmentId: number,
  code: string,
  receivedAt: string,
): Promise<string> {
  const period = hkMonth(receivedAt).slice(2).replace("-", ""); // 2026-11 → 2611
  const row = await trx
    .insertInto("case_sequences")
    .values({ department_id: departmentId, period, last_value: 1 })
    .onConflict((oc) =>
      oc
        .columns(["department_id", "period"])
        .doUpdateSet({ last_value: sql<number>`case_sequences.last_value + 1` }),
    )
    .returning("last_value")
    .executeTakeFirstOrThrow();
  return makeReference(code, period, Number(row.last_value));
}

export interface NewCaseInput {
  departmentId: number;
  serviceId: number | null;
  channel: string;
  language: "en" | "zh-HK";
  whatHappened: string;
  desiredOutcome: string;
  contact: { name?: string | null; email?: string | null; phone?: string | null };
  consent: boolean;
  createdBy?: number | null;
  feedbackId?: number | null;
  receivedAt?: string;
}

/**
 * Opens a case (a complaint that wants a reply) with its reference and deadlines; contact details
 * are encrypted before they reach the database. Runs inside the caller's transaction when given one,
 * so a complaint and its attachments are stored together or not at all.
 */
export async function createCase(
  trx: Db,
  piiKey: string,
  input: NewCaseInput,
): Promise<{ id: number; reference: string }> {
  const dept = await trx
    .selectFrom("departments")
    .select(["id", "code"])
    .where("id", "=", input.departmentId)
    .executeTakeFirstOrThrow();
  const receivedAt = input.receivedAt ?? nowIso();
  const reference = await nextReference(trx, dept.id, dept.code, receivedAt);
  const id = await openCase(trx, {
    reference,
    department_id: dept.id,
    service_id: input.serviceId,
    channel: input.channel,
    language: input.language,
    what_happened: input.whatHappened,
    desired_outcome: input.desiredOutcome,
    contact_name_enc: encryptPii(piiKey, input.contact.name?.trim()),
    contact_email_enc: encryptPii(piiKey, input.contact.email?.trim().toLowerCase()),
    contact_phone_enc: encryptPii(piiKey, input.contact.phone?.trim()),
    consent_at: input.consent ? receivedAt : null,
    received_at: receivedAt,
    month: hkMonth(receivedAt),
    created_by: input.createdBy ?? null,
    feedback_id: input.feedbackId ?? null,
    updated_at: receivedAt,
  });
  const { ackDue, replyDue } = await computeDeadlines(trx, {
    id,
    department_id: dept.id,
    received_at: receivedAt,
  });
  await trx.updateTable("cases").set({ ack_due: ackDue, reply_due: replyDue }).where("id", "=", id).execute();
  const stored = await trx.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  await queueCaseAcknowledgement(trx, stored);
  return { id, reference };
}

// ---- Rate limits of the public case forms ----

const limiters = new WeakMap<Redis, Map<string, Limiter>>();

/**
 * One limiter per Redis client, prefix and name: made on first use, shared by every request.
 * `fallback` says where it counts while Redis is down (LimiterFallback).
 */
export function publicFormLimiter(
  context: Pick<AppLoadContext, "redis" | "db" | "env">,
  name: string,
  points: number,
  durationSeconds: number,
  fallback: LimiterFallback,
): Limiter {
  let byName = limiters.get(context.redis);
  if (!byName) {
    byName = new Map();
    limiters.set(context.redis, byName);
  }
  const key = `${context.env.REDIS_PREFIX}:${name}`;
  let limiter = byName.get(key);
  if (!limiter) {
    limiter = createLimiter({
      redis: context.redis,
      db: context.db,
      prefix: context.env.REDIS_PREFIX,
      name,
      points,
      durationSeconds,
      fallback,
    });
    byName.set(key, limiter);
  }
  return limiter;
}

/** Ten complaints per ten minutes per address: plenty for a family at one router, not for a script. */
export const COMPLAINT_RATE = { points: 10, durationSeconds: 600 } as const;

/**
 * Uses one of this address's complaint submissions; false once it has used them all. A flood
 * limit on the intake: while Redis is down it counts in memory.
 */
export async function allowComplaint(context: AppLoadContext): Promise<boolean> {
  const limiter = publicFormLimiter(
    context,
    "complaint-address",
    COMPLAINT_RATE.points,
    COMPLAINT_RATE.durationSeconds,
    "memory",
  );
  return limiter.consume(limiterKey(context, "complaint-address", context.clientAddress));
}

// ---- The form's choices and the confirmation page ----

export interface ComplaintFormOptions {
  departments: { id: number; name: string }[];
  services: { id: number; departmentId: number; name: string }[];
}

/** Every active department and service (a deactivated one takes no new complaints), in the reader's language. */
export async function complaintFormOptions(db: Db, locale: string): Promise<ComplaintFormOptions> {
  const [departments, services] = await Promise.all([
    db
      .selectFrom("departments")
      .select(["id", "name_en", "name_zh"])
      .where("is_active", "=", 1)
      .orderBy("code")
      .execute(),
    db
      .selectFrom("services")
      .select(["id", "department_id", "name_en", "name_zh"])
      .where("is_active", "=", 1)
      .orderBy("code")
      .execute(),
  ]);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, locale);
  return {
    departments: departments.map((d) => ({ id: d.id, name: localName(d, locale) })).sort(byName),
    services: services
      .map((s) => ({ id: s.id, departmentId: s.department_id, name: localName(s, locale) }))
      .sort(byName),
  };
}

export interface HandlingPledge {
  departmentName: string;
  ackDays: number;
  ackUnit: DayUnit;
  replyDays: number;
  replyUnit: DayUnit;
}

/** What a department pledges for a new case, from the department code in a reference. */
export async function handlingPledge(
  db: Db,
  departmentCode: string,
  locale: string,
): Promise<HandlingPledge | null> {
  const dept = await db
    .selectFrom("departments")
    .select(["id", "name_en", "name_zh"])
    .where("code", "=", departmentCode.toUpperCase())
    .executeTakeFirst();
  if (!dept) return null;
  const s = await getCaseSettings(db, dept.id);
  return {
    departmentName: localName(dept, locale),
    ackDays: s.ack_days,
    ackUnit: s.ack_unit,
    replyDays: s.reply_days,
    replyUnit: s.reply_unit,
  };
}

/**
 * A reference-shaped answer for a bot caught by the honeypot: it sees the normal confirmation and
 * nothing is stored. The sequence is drawn from 90000–99999, which no department reaches in a
 * month, so it never names a real case.
 */
export async function decoyReference(db: Db, departmentId: string | null): Promise<string> {
  const id = departmentId && /^\d{1,9}$/.test(departmentId) ? Number(departmentId) : null;
  const dept =
    (id
      ? await db.selectFrom("departments").select("code").where("id", "=", id).executeTakeFirst()
      : undefined) ??
    (await db.selectFrom("departments").select("code").orderBy("code").executeTakeFirstOrThrow());
  const period = hkMonth(nowIso()).slice(2).replace("-", "");
  return makeReference(dept.code, period, 90000 + crypto.randomInt(10000));
}

// ---- Storing a complaint ----

export type SubmitComplaintResult =
  | { ok: true; reference: string; caseId: number }
  | { ok: false; errors: Record<string, string> };

interface CheckedFile {
  originalName: string;
  type: SniffedType;
  bytes: Uint8Array;
  sha256: string;
}

/** A file name fit to show staff: no path, no control or bidi characters, at most 200 characters. */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // C0/C1 controls, characters Windows forbids, and bidi overrides ("gpj.exe" shown as "exe.jpg")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  const chars = [...cleaned];
  if (chars.length <= 200) return cleaned || "attachment";
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return chars.slice(0, 200 - [...ext].length).join("") + ext;
}

/** Checks the attachments from their bytes: how many, how large, and what they really are. */
export function checkFiles(
  files: readonly UploadedFile[],
): { ok: true; files: CheckedFile[] } | { ok: false; error: string } {
  // An empty file input (nothing chosen) arrives as a part with no name and no bytes.
  const given = files.filter((f) => !(f.size === 0 && f.name === ""));
  if (given.length > ATTACHMENT_LIMITS.count) return { ok: false, error: E.tooManyFiles };
  const out: CheckedFile[] = [];
  for (const f of given) {
    if (f.size > ATTACHMENT_LIMITS.bytes || f.bytes.byteLength > ATTACHMENT_LIMITS.bytes)
      return { ok: false, error: E.fileTooLarge };
    if (f.bytes.byteLength === 0) return { ok: false, error: E.fileEmpty };
    const type = sniffFileType(f.bytes);
    if (!type) return { ok: false, error: E.fileType };
    out.push({
      originalName: sanitiseFileName(f.name),
      type,
      bytes: f.bytes,
      sha256: crypto.createHash("sha256").update(f.bytes).digest("hex"),
    });
  }
  return { ok: true, files: out };
}

/** Where attachments live: under DATA_DIR, never under public/, so only the app can serve them. */
export function attachmentsDir(dataDir: string): string {
  return path.join(dataDir, "attachments");
}

/**
 * Checked files written under their stored names with `.part` added, before the transaction that
 * records them: `rows` gives that transaction their case_attachments rows; after a commit,
 * `publish` renames them into place (a failed rename keeps the `.part` file, to be recovered by
 * hand: the rows are committed); after a rollback, `discard` removes them.
 */
export async function stageAttachments(dataDir: string, files: readonly CheckedFile[]) {
  const dir = attachmentsDir(dataDir);
  const stored = files.map((f) => {
    const name = newStoredName(f.type);
    return { ...f, storedName: name, final: path.join(dir, name), temp: path.join(dir, `${name}.part`) };
  });
  const discard = async () => {
    await Promise.all(stored.map((f) => fs.rm(f.temp, { force: true })));
  };
  if (stored.length > 0) {
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      for (const f of stored) await fs.writeFile(f.temp, f.bytes, { flag: "wx", mode: 0o600 });
    } catch (e) {
      await discard();
      throw e;
    }
  }
  return {
    count: stored.length,
    rows: (caseId: number, at: string, eventId: number | null = null) =>
      stored.map((f) => ({
        case_id: caseId,
        stored_name: f.storedName,
        original_name: f.originalName,
        mime: f.type.mime,
        size: f.bytes.byteLength,
        sha256: f.sha256,
        uploaded_at: at,
        event_id: eventId,
      })),
    discard,
    publish: async (caseId: number) => {
      for (const f of stored) {
        try {
          await fs.rename(f.temp, f.final);
        } catch (e) {
          logger.error({ caseId, storedName: f.storedName, err: e }, "attachment rename failed");
        }
      }
    },
  };
}

/**
 * Stores a citizen's complaint and its attachments together or not at all. Files are written
 * first under a temporary name (`<name>.part`), then the case and its attachment rows are
 * inserted in one transaction, then the files are renamed to their final names. If the
 * transaction fails the files are deleted; if a write fails, nothing is inserted. (A crash between
 * writing and committing leaves `.part` files that no row names: safe to delete after a day.)
 */
export async function submitComplaint(
  db: Db,
  piiKey: string,
  dataDir: string,
  input: ComplaintInput & { language: "en" | "zh-HK" },
  files: readonly UploadedFile[],
): Promise<SubmitComplaintResult> {
  const errors: Record<string, string> = {};
  const departmentId = Number(input.department);
  const dept = await db
    .selectFrom("departments")
    .select("id")
    .where("id", "=", departmentId)
    .where("is_active", "=", 1)
    .executeTakeFirst();
  if (!dept) errors.department = E.unknownDepartment;
  let serviceId: number | null = null;
  if (dept && input.service !== "") {
    const service = await db
      .selectFrom("services")
      .select("id")
      .where("id", "=", Number(input.service))
      .where("department_id", "=", dept.id)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (service) serviceId = service.id;
    else errors.service = E.service;
  }
  const checked = checkFiles(files);
  if (!checked.ok) errors.attachment = checked.error;
  if (!dept || !checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };

  const staged = await stageAttachments(dataDir, checked.files);

  let created: { id: number; reference: string };
  try {
    created = await db.transaction().execute(async (trx) => {
      const c = await createCase(trx, piiKey, {
        departmentId: dept.id,
        serviceId,
        channel: "web",
        language: input.language,
        whatHappened: input.whatHappened,
        desiredOutcome: input.desiredOutcome,
        contact: { name: input.name || null, email: input.email || null, phone: input.phone || null },
        consent: input.consent === "yes",
      });
      if (staged.count > 0)
        await trx.insertInto("case_attachments").values(staged.rows(c.id, nowIso())).execute();
      return c;
    });
  } catch (e) {
    await staged.discard();
    throw e;
  }
  await staged.publish(created.id);
  return { ok: true, reference: created.reference, caseId: created.id };
}
