import type { Db } from "../../../db/client";
import { encryptPii } from "../../utils/crypto.server";
import { tFor } from "../../utils/meta";
import { enqueueEmail } from "../outbox/email.server";

/** The two languages staff read; anything else is taken as English. */
export type StaffLanguage = "en" | "zh-HK";

export function staffLanguage(value: string | null | undefined): StaffLanguage | null {
  if (!value) return null;
  return value.toLowerCase().startsWith("zh") ? "zh-HK" : "en";
}

type Render = (t: ReturnType<typeof tFor>) => { subject: string; body: string };

/** The message in the staff member's language; in both (English first) when it is not known. */
export function inLanguage(
  language: StaffLanguage | null,
  render: Render,
): { subject: string; body: string } {
  if (language) return render(tFor(language));
  const en = render(tFor("en"));
  const zh = render(tFor("zh-HK"));
  return { subject: `${en.subject} / ${zh.subject}`, body: [en.body, "----", zh.body].join("\n\n") };
}

/**
 * Queues one staff e-mail in the caller's transaction. The address is encrypted in the outbox like
 * every recipient (ADR 0007); the dedupe key carries the link's id, never the token.
 */
export async function queueStaffMail(
  trx: Db,
  piiKey: string,
  m: {
    dedupeKey: string;
    kind: string;
    departmentId: number | null;
    to: string;
    subject: string;
    body: string;
  },
): Promise<void> {
  const toEnc = encryptPii(piiKey, m.to);
  if (!toEnc) return;
  await enqueueEmail(trx, {
    dedupeKey: m.dedupeKey,
    kind: m.kind,
    departmentId: m.departmentId,
    toEnc,
    subject: m.subject,
    body: m.body,
  });
}

/** Remembers the language a staff member uses, when none is set yet (their e-mail is written in it). */
export async function rememberLanguage(db: Db, userId: number, locale: string): Promise<void> {
  const language = staffLanguage(locale);
  if (!language) return;
  await db
    .updateTable("staff_users")
    .set({ language })
    .where("id", "=", userId)
    .where("language", "is", null)
    .execute();
}
