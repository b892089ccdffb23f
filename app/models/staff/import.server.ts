import type { Db } from "../../../db/client";
import { eachCsvRow } from "../../utils/csv";
import { tFor } from "../../utils/meta";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { sealForOutbox } from "../outbox/email.server";
import { type Actor, insertStaffUser } from "./accounts.server";
import { inLanguage, queueStaffMail, staffLanguage } from "./mail.server";
import {
  STAFF_IMPORT_COLUMNS,
  STAFF_IMPORT_MAX_ROWS,
  STAFF_IMPORT_OPTIONAL,
  StaffImportRowSchema,
} from "./schema";
import { issueStaffToken, TOKEN_MINUTES } from "./tokens.server";

/**
 * A department's staff from a CSV file (username,name,email,role[,language]): every row checked
 * first, then all stored in one transaction or none. A username already in this department is
 * left as it is (importing the same file again creates nothing); one in another department is an
 * error. Each new account gets no usable password, only an invitation e-mail with a single-use
 * link (72 hours) to set one.
 */

export interface StaffImportError {
  line: number;
  column: string | null;
  /** in the reader's language */
  message: string;
}

export type StaffImportResult =
  | { ok: true; created: number; unchanged: number }
  | { ok: false; errors: StaffImportError[] };

/** Never a valid argon2 hash: no password opens an invited account until its link is used. */
const NO_PASSWORD = "!invited";

interface Row {
  line: number;
  username: string;
  name: string;
  email: string;
  role: "counter_staff" | "case_officer" | "manager" | "department_admin";
  language?: "en" | "zh-HK";
}

export async function importStaff(
  db: Db,
  piiKey: string,
  actor: Actor,
  departmentId: number,
  text: string,
  locale: string,
): Promise<StaffImportResult> {
  const t = tFor(locale);
  const errors: StaffImportError[] = [];
  // Department administrators import into their own department only (checked here as well as
  // by the page); system administrators into any.
  if (actor.role !== "system_admin" && actor.departmentId !== departmentId) {
    return {
      ok: false,
      errors: [{ line: 0, column: null, message: t("staffAccount.import.errors.department") }],
    };
  }
  const department = await db
    .selectFrom("departments")
    .select(["id", "name_en", "name_zh"])
    .where("id", "=", departmentId)
    .executeTakeFirst();
  if (!department) {
    return {
      ok: false,
      errors: [{ line: 0, column: null, message: t("staffAccount.import.errors.department") }],
    };
  }

  const rows: Row[] = [];
  const firstLine = new Map<string, number>();
  eachCsvRow(
    text.replace(/^\uFEFF/, ""),
    { columns: STAFF_IMPORT_COLUMNS, optional: STAFF_IMPORT_OPTIONAL, maxRows: STAFF_IMPORT_MAX_ROWS },
    (issue) =>
      errors.push({
        line: issue.line,
        column: issue.column ?? null,
        message: t(`staffAccount.import.errors.${issue.problem}`, issue.values ?? {}),
      }),
    (fields, line, columns, width) => {
      if (fields.length !== width) {
        errors.push({
          line,
          column: null,
          message: t("staffAccount.import.errors.fieldCount", { found: fields.length, expected: width }),
        });
        return;
      }
      const raw = Object.fromEntries(
        STAFF_IMPORT_COLUMNS.map((c, i) => [c, columns[i]! >= 0 ? (fields[columns[i]!] ?? "") : ""]),
      );
      const parsed = StaffImportRowSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const column = String(issue.path[0] ?? "");
          errors.push({ line, column, message: t(issue.message, { value: raw[column] ?? "" }) });
        }
        return;
      }
      const seen = firstLine.get(parsed.data.username);
      if (seen) {
        errors.push({
          line,
          column: "username",
          message: t("staffAccount.import.errors.duplicateInFile", { first: seen }),
        });
        return;
      }
      firstLine.set(parsed.data.username, line);
      rows.push({ line, ...parsed.data });
    },
  );
  if (errors.length) return { ok: false, errors };

  // Usernames already taken: in this department, left as they are; elsewhere, an error.
  const existing = new Map<string, number | null>();
  for (let i = 0; i < rows.length; i += 500) {
    const found = await db
      .selectFrom("staff_users")
      .select(["username", "department_id"])
      .where(
        "username",
        "in",
        rows.slice(i, i + 500).map((r) => r.username),
      )
      .execute();
    for (const f of found) existing.set(f.username, f.department_id);
  }
  for (const r of rows) {
    if (existing.has(r.username) && existing.get(r.username) !== departmentId) {
      errors.push({
        line: r.line,
        column: "username",
        message: t("staffAccount.import.errors.usernameTaken"),
      });
    }
  }
  if (errors.length) return { ok: false, errors };

  const fresh = rows.filter((r) => !existing.has(r.username));
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    for (const r of fresh) {
      const user = await insertStaffUser(trx, {
        departmentId,
        username: r.username,
        displayName: r.name,
        role: r.role,
        passwordHash: NO_PASSWORD,
        email: r.email,
        language: r.language ?? null,
        now: at,
      });
      const link = await issueStaffToken(trx, user.id, "invite");
      const message = inLanguage(staffLanguage(r.language), (tr) => ({
        subject: tr("staffAccount.mail.invite.subject"),
        body: tr("staffAccount.mail.invite.body", {
          name: r.name,
          username: r.username,
          department: tr === tFor("zh-HK") ? department.name_zh : department.name_en,
          url: `{{APP_ORIGIN}}/staff/reset-password/${sealForOutbox(piiKey, link.token)}`,
          hours: TOKEN_MINUTES.invite / 60,
        }),
      }));
      await queueStaffMail(trx, piiKey, {
        dedupeKey: `staff-token-${link.id}`,
        kind: "staff.invitation",
        departmentId,
        to: r.email,
        ...message,
      });
      await recordAudit(trx, {
        action: "staff.create",
        actorUserId: actor.id,
        departmentId,
        entityType: "staff_user",
        entityId: user.id,
        detail: { role: r.role, email: true, via: "import" },
      });
    }
    await recordAudit(trx, {
      action: "staff.import",
      actorUserId: actor.id,
      departmentId,
      detail: { rows: rows.length, created: fresh.length },
    });
  });
  return { ok: true, created: fresh.length, unchanged: rows.length - fresh.length };
}
