import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../../../db/client";
import { logger } from "../../utils/logger.server";
import { recordAudit } from "../audit/audit.server";
import { hkDate, nowIso } from "../calendar/time";
import { attachmentsDir } from "../cases/intake.server";
import { DEFAULT_CASE_SETTINGS } from "../cases/settings.server";

/**
 * Retention of what a complainant gave us (ADR 0007; PDPO data protection principle 2: kept no
 * longer than necessary). Once a case has been closed for its department's period (case settings,
 * "delete contact details"), its contact details, its attachments (rows and files) and the e-mails
 * to the complainant still in the outbox are deleted; the case itself stays, for the statistics.
 * Attachments and outbox copies may go sooner (RETENTION_ATTACHMENT_DAYS, RETENTION_OUTBOX_DAYS).
 * Days are Hong Kong calendar days: with N days, a case closed on 1 March goes on the run of
 * 1 March + N (the worker runs this nightly at 03:00, `npm run purge:contacts` any time).
 */
export interface RetentionSettings {
  /** DATA_DIR: attachments live in its attachments/ folder */
  dataDir: string;
  /** days after closing when a case's attachments go (or with the contact details, if sooner) */
  attachmentDays: number;
  /** days after queuing when an e-mail to a complainant leaves the outbox (or with the contact details) */
  outboxDays: number;
}

export interface RetentionResult {
  /** cases whose contact details were deleted (with their attachments and outbox copies) */
  contacts: number;
  /** attachments deleted (rows and files), either way */
  attachments: number;
  /** e-mails to complainants deleted from the outbox, either way */
  messages: number;
  /** files left half-written by a crash (`.part`, a day old) */
  partFiles: number;
}

const DAY_MS = 86_400_000;

/** The instant before which something is N or more Hong Kong calendar days old. */
export function olderThanDays(now: Date, days: number): string {
  const todayStart = Date.parse(`${hkDate(now)}T00:00:00+08:00`);
  return new Date(todayStart - (days - 1) * DAY_MS).toISOString();
}

export async function purgeExpired(
  db: Db,
  settings: RetentionSettings,
  now: Date = new Date(),
): Promise<RetentionResult> {
  const result: RetentionResult = { contacts: 0, attachments: 0, messages: 0, partFiles: 0 };
  const dir = attachmentsDir(settings.dataDir);

  // 1. The department's period: contact details, attachments and outbox copies together.
  const departments = await db
    .selectFrom("departments as d")
    .leftJoin("case_settings as s", "s.department_id", "d.id")
    .select(["d.id", "s.purge_after_days"])
    .execute();
  for (const d of departments) {
    const days = d.purge_after_days ?? DEFAULT_CASE_SETTINGS.purge_after_days;
    const due = await db
      .selectFrom("cases")
      .select("id")
      .where("department_id", "=", d.id)
      .where("status", "=", "closed")
      .where("purged_at", "is", null)
      .where("closed_at", "<", olderThanDays(now, days))
      .orderBy("id")
      .execute();
    for (const c of due) {
      const files = await removeFiles(db, dir, c.id);
      const messages = await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("cases")
          .set({
            contact_name_enc: null,
            contact_email_enc: null,
            contact_phone_enc: null,
            purged_at: nowIso(now),
          })
          .where("id", "=", c.id)
          .execute();
        await trx.deleteFrom("case_attachments").where("case_id", "=", c.id).execute();
        const deleted = await trx
          .deleteFrom("outbox_messages")
          .where("complainant_case_id", "=", c.id)
          .executeTakeFirst();
        const n = Number(deleted.numDeletedRows);
        await recordAudit(
          trx,
          {
            action: "case.purge",
            departmentId: d.id,
            entityType: "case",
            entityId: c.id,
            detail: { attachments: files, messages: n },
          },
          now,
        );
        return n;
      });
      result.contacts++;
      result.attachments += files;
      result.messages += messages;
    }
  }

  // 2. Attachments sooner than that (RETENTION_ATTACHMENT_DAYS after closing).
  const withFiles = await db
    .selectFrom("cases as c")
    .innerJoin("case_attachments as a", "a.case_id", "c.id")
    .select(["c.id", "c.department_id"])
    .distinct()
    .where("c.status", "=", "closed")
    .where("c.closed_at", "<", olderThanDays(now, settings.attachmentDays))
    .orderBy("c.id")
    .execute();
  for (const c of withFiles) {
    const files = await removeFiles(db, dir, c.id);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("case_attachments").where("case_id", "=", c.id).execute();
      await recordAudit(
        trx,
        {
          action: "case.purge-attachments",
          departmentId: c.department_id,
          entityType: "case",
          entityId: c.id,
          detail: { attachments: files },
        },
        now,
      );
    });
    result.attachments += files;
  }

  // 3. E-mails to complainants sooner than that (RETENTION_OUTBOX_DAYS after queuing), open cases too.
  const oldMail = await db
    .selectFrom("outbox_messages")
    .select(["complainant_case_id", "department_id"])
    .distinct()
    .where("complainant_case_id", "is not", null)
    .where("created_at", "<", olderThanDays(now, settings.outboxDays))
    .execute();
  const cutoff = olderThanDays(now, settings.outboxDays);
  for (const m of oldMail) {
    const caseId = m.complainant_case_id!;
    const n = await db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom("outbox_messages")
        .where("complainant_case_id", "=", caseId)
        .where("created_at", "<", cutoff)
        .executeTakeFirst();
      const count = Number(deleted.numDeletedRows);
      if (count > 0) {
        await recordAudit(
          trx,
          {
            action: "case.purge-messages",
            departmentId: m.department_id,
            entityType: "case",
            entityId: caseId,
            detail: { messages: count },
          },
          now,
        );
      }
      return count;
    });
    result.messages += n;
  }

  result.partFiles = await removeStalePartFiles(dir, now);
  return result;
}

/**
 * Deletes a case's attachment files, before their rows: a run that stops in between leaves rows
 * whose files are gone (the download says "not found"), and the next run deletes the rows. Names
 * are our own random tokens; anything else is never joined to a path.
 */
async function removeFiles(db: Db, dir: string, caseId: number): Promise<number> {
  const rows = await db
    .selectFrom("case_attachments")
    .select("stored_name")
    .where("case_id", "=", caseId)
    .execute();
  for (const r of rows) {
    if (!/^[A-Za-z0-9_-]+(\.[a-z0-9]+)?$/.test(r.stored_name)) continue;
    await fs.rm(path.join(dir, r.stored_name), { force: true });
  }
  return rows.length;
}

/** `.part` files more than a day old: a complaint whose transaction never committed (cases/intake.server.ts). */
async function removeStalePartFiles(dir: string, now: Date): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0; // no attachments yet
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith(".part")) continue;
    const file = path.join(dir, name);
    try {
      const stat = await fs.stat(file);
      if (now.getTime() - stat.mtimeMs < DAY_MS) continue;
      await fs.rm(file, { force: true });
      removed++;
    } catch (e) {
      logger.warn({ file: name, err: e }, "could not remove a stale upload");
    }
  }
  return removed;
}
