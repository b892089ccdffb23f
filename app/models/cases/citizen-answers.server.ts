import type { Db } from "../../../db/client";
import type { Case } from "../../../db/schema";
import { encryptPii } from "../../utils/crypto.server";
import { tFor } from "../../utils/meta";
import { nowIso } from "../calendar/time";
import { enqueueEmail } from "../outbox/email.server";
import type { UploadedFile } from "./attachments.server";
import { checkFiles, stageAttachments } from "./intake.server";
import { applyMove, recordCaseEvent } from "./lifecycle.server";
import { COMPLAINT_LIMITS, E } from "./schema";

/*
 * The citizen's answer from /track (issue 14): while the clock waits on them (awaiting_customer)
 * they send text and up to three files, checked as the complaint form's are. The answer is a case
 * event ('citizen-answer', seen by the officer and by the citizen), its files name that event, it
 * restarts the clock (the lifecycle's 'resume', the citizen as actor) and the officer is told by
 * e-mail. An answer that arrives once the clock runs again (the officer resumed, or a second
 * answer) is kept the same way with no clock change.
 */

export const ANSWER_ERRORS = {
  required: "caseMessages.track.required",
  closed: "caseMessages.track.closed",
} as const;

export type CitizenAnswerResult =
  | { ok: true; resumed: boolean; eventId: number }
  | { ok: false; errors: Record<string, string> };

class CaseClosed extends Error {}

/**
 * Stores a citizen's answer on their case with its files, together or not at all (files are
 * written as `.part` first and renamed after the commit, as submitComplaint does). A refused file,
 * a missing or too long text or a closed case writes nothing.
 */
export async function answerFromCitizen(
  db: Db,
  deps: { piiKey: string; dataDir: string },
  c: Pick<Case, "id">,
  input: { answer: string },
  files: readonly UploadedFile[],
  now: Date = new Date(),
): Promise<CitizenAnswerResult> {
  const errors: Record<string, string> = {};
  const text = input.answer.trim();
  if (!text) errors.answer = ANSWER_ERRORS.required;
  else if ([...text].length > COMPLAINT_LIMITS.whatHappened) errors.answer = E.tooLong;
  const checked = checkFiles(files);
  if (!checked.ok) errors.attachment = checked.error;
  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };

  const staged = await stageAttachments(deps.dataDir, checked.files);

  let result: { resumed: boolean; eventId: number };
  try {
    result = await db.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom("cases").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
      if (cur.status === "closed") throw new CaseClosed();
      const at = nowIso(now);
      const resumed = cur.status === "awaiting_customer";
      const eventId = await recordCaseEvent(
        trx,
        {
          caseId: cur.id,
          at,
          actorUserId: null,
          kind: "citizen-answer",
          fromStatus: cur.status,
          toStatus: cur.status,
          body: text,
          visibleToCitizen: true,
          departmentId: cur.department_id,
        },
        {
          action: "case.citizen-answer",
          actorUserId: null,
          departmentId: cur.department_id,
          entityType: "case",
          entityId: cur.id,
          detail: { files: staged.count, resumed },
        },
      );
      if (staged.count > 0)
        await trx
          .insertInto("case_attachments")
          .values(staged.rows(cur.id, at, eventId))
          .execute();
      if (resumed) {
        // The same move an officer makes, guarded the same way: a concurrent resume rolls this back.
        const moved = await applyMove(trx, null, cur.id, "resume", {}, now);
        if (!moved.ok) throw new Error(`Case ${cur.id} moved while the citizen answered`);
      }
      await tellOfficers(trx, deps.piiKey, cur, { eventId, resumed });
      return { resumed, eventId };
    });
  } catch (e) {
    await staged.discard();
    if (e instanceof CaseClosed) return { ok: false, errors: { form: ANSWER_ERRORS.closed } };
    throw e;
  }
  await staged.publish(c.id);
  return { ok: true, ...result };
}

/**
 * E-mails the case's officer that the citizen answered (with no word of the answer: it is read on
 * the case page), or, while nobody is assigned, the department's case officers. Work addresses,
 * encrypted in the outbox like any other.
 */
async function tellOfficers(
  trx: Db,
  piiKey: string,
  c: Case,
  answer: { eventId: number; resumed: boolean },
): Promise<void> {
  let people: { id: number; email: string; language: string | null }[] = [];
  if (c.assigned_to != null) {
    const officer = await trx
      .selectFrom("staff_users")
      .select(["id", "email", "language"])
      .where("id", "=", c.assigned_to)
      .where("is_active", "=", 1)
      .executeTakeFirst();
    if (officer?.email) people = [{ id: officer.id, email: officer.email, language: officer.language }];
  }
  if (people.length === 0) {
    // The same people mailableStaff finds, with the language of their e-mail.
    const officers = await trx
      .selectFrom("staff_users")
      .select(["id", "email", "language"])
      .where("role", "=", "case_officer")
      .where("department_id", "=", c.department_id)
      .where("is_active", "=", 1)
      .where("email", "is not", null)
      .where("email", "!=", "")
      .orderBy("id")
      .execute();
    people = officers.map((o) => ({ id: o.id, email: o.email ?? "", language: o.language }));
  }
  if (people.length === 0) return;
  const dept = await trx
    .selectFrom("departments")
    .select(["name_en", "name_zh"])
    .where("id", "=", c.department_id)
    .executeTakeFirstOrThrow();
  const render = (language: "en" | "zh-HK") => {
    const t = tFor(language);
    const vars = {
      reference: c.reference,
      department: language === "zh-HK" ? dept.name_zh : dept.name_en,
      url: `{{APP_ORIGIN}}/staff/cases/${c.id}`,
    };
    return {
      subject: t("caseMessages.officer.subject", vars),
      body: [
        t(answer.resumed ? "caseMessages.officer.bodyResumed" : "caseMessages.officer.bodyKept", vars),
        t("caseMessages.officer.footer", vars),
      ].join("\n\n"),
    };
  };
  for (const p of people) {
    const toEnc = encryptPii(piiKey, p.email);
    if (!toEnc) continue;
    let message: { subject: string; body: string };
    if (p.language === "en" || p.language === "zh-HK") message = render(p.language);
    else {
      // Language not known yet: both, English first (as the managers' notices).
      const en = render("en");
      const zh = render("zh-HK");
      message = { subject: `${en.subject} / ${zh.subject}`, body: `${en.body}\n\n----\n\n${zh.body}` };
    }
    await enqueueEmail(trx, {
      dedupeKey: `case-answer-${answer.eventId}-user-${p.id}`,
      kind: "case.citizen-answer",
      departmentId: c.department_id,
      toEnc,
      ...message,
    });
  }
}

/** The files a citizen sent with their answers, by answer (case event id). */
export async function answerAttachments(
  db: Db,
  caseId: number,
): Promise<Map<number, { id: number; name: string; mime: string; size: number }[]>> {
  const rows = await db
    .selectFrom("case_attachments")
    .select(["id", "event_id", "original_name", "mime", "size"])
    .where("case_id", "=", caseId)
    .where("event_id", "is not", null)
    .orderBy("id")
    .execute();
  const out = new Map<number, { id: number; name: string; mime: string; size: number }[]>();
  for (const r of rows) {
    const list = out.get(Number(r.event_id)) ?? [];
    list.push({ id: r.id, name: r.original_name, mime: r.mime, size: r.size });
    out.set(Number(r.event_id), list);
  }
  return out;
}
