/**
 * Demo complaint cases for the demo accounts' department (Immigration, IMMD): a year of them, in
 * every state a case can be in — received, acknowledged, under investigation, the clock stopped
 * for the citizen, referred to another department, replied, closed on time and late, appealed
 * (open and decided) — so the case officer's queues, the case pages and the manager's monthly
 * report show real work. Deterministic (a fixed seed, times relative to `today`).
 *
 * Every case goes through the lifecycle's own functions (createCase, moveCase, referCase,
 * lodgeAppeal, decideAppeal), so statuses, deadlines, clock stops, events and audit rows agree as
 * they would in use. Contact details are added (encrypted) only after the moves, and any message
 * queued to a demo citizen is removed: seeding sends no e-mail to anyone. Cases already overdue
 * are marked as already escalated, as the feedback seed marks its important entries e-mailed.
 */

import { sql } from "kysely";
import { hkDate, nowIso } from "../app/models/calendar/time";
import { decideAppeal, lodgeAppeal } from "../app/models/cases/appeal.server";
import { createCase } from "../app/models/cases/intake.server";
import { NO_DEADLINE_STATUSES } from "../app/models/cases/lifecycle";
import { moveCase, recordCaseEvent } from "../app/models/cases/lifecycle.server";
import { referCase } from "../app/models/cases/referral.server";
import { encryptPii } from "../app/utils/crypto.server";
import { type Db, pgPoolOf } from "./client";
import type { AppealOutcome } from "./schema";

const DEPARTMENT = "IMMD";
const DAY = 86_400_000;

function rng(seed: string) {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  };
}

/** The state a demo case is left in. */
export type DemoCaseState =
  | "received"
  | "acknowledged"
  | "under_investigation"
  | "awaiting_customer"
  | "referred"
  | "replied"
  | "closed_on_time"
  | "closed_late"
  | "appeal_open"
  | "appeal_decided";

interface Complaint {
  service: "ID-CARD" | "PASSPORT" | "BIRTH-REG";
  en: [string, string];
  zh: [string, string];
}

/** What citizens complain about: what happened, and what they want done. */
const COMPLAINTS: Complaint[] = [
  {
    service: "ID-CARD",
    en: [
      "I applied to replace my identity card five weeks ago and it is still not ready. Nobody told me why.",
      "Tell me when the card will be ready and why it has taken so long.",
    ],
    zh: ["我五星期前申請補領身份證，至今仍未可領取，亦沒有人解釋原因。", "請告知何時可以領取及延誤的原因。"],
  },
  {
    service: "ID-CARD",
    en: [
      "The online booking for a new identity card showed no free slots for two months at Kowloon Bay.",
      "Open more appointment slots, or let me go to another office.",
    ],
    zh: ["九龍灣換證中心網上預約兩個月內都沒有空檔。", "請增加預約時段或讓我到其他辦事處辦理。"],
  },
  {
    service: "ID-CARD",
    en: [
      "The officer at the counter was rude when my elderly mother did not understand the form.",
      "An apology, and better training for counter staff.",
    ],
    zh: ["我年邁的母親不明白表格內容時，櫃位職員態度惡劣。", "希望得到道歉，並加強櫃位職員培訓。"],
  },
  {
    service: "ID-CARD",
    en: [
      "My new identity card has my name in Chinese spelt wrongly.",
      "Correct the card without another fee.",
    ],
    zh: ["新身份證上的中文姓名有錯字。", "請免費更正身份證。"],
  },
  {
    service: "PASSPORT",
    en: [
      "My passport renewal was promised in 10 working days but took four weeks; I nearly missed my flight.",
      "Explain the delay and make sure it does not happen again.",
    ],
    zh: [
      "續領護照承諾十個工作天完成，結果用了四星期，我險些趕不上航班。",
      "請解釋延誤原因，並確保不會再發生。",
    ],
  },
  {
    service: "PASSPORT",
    en: [
      "I paid for my passport online twice; the second payment has not been refunded.",
      "Refund the second payment.",
    ],
    zh: ["我在網上為護照申請重複付款，第二筆款項至今仍未退回。", "請退回重複繳付的款項。"],
  },
  {
    service: "PASSPORT",
    en: [
      "The passport collection queue at Wan Chai took over two hours and there was nowhere to sit.",
      "More counters at busy times and seats for people waiting.",
    ],
    zh: ["在灣仔領取護照排隊超過兩小時，而且沒有座位。", "繁忙時段增開櫃位，並為輪候人士提供座位。"],
  },
  {
    service: "PASSPORT",
    en: [
      "The hotline rang for 40 minutes and then cut off when I asked about my child's passport.",
      "Call me back and answer my question.",
    ],
    zh: ["我致電熱線查詢子女的護照申請，等了四十分鐘後被截線。", "請回電並解答我的查詢。"],
  },
  {
    service: "BIRTH-REG",
    en: [
      "The birth registration office gave me a wrong appointment date in its confirmation letter.",
      "Confirm the right date in writing.",
    ],
    zh: ["出生登記處的確認信上預約日期有誤。", "請以書面確認正確日期。"],
  },
  {
    service: "BIRTH-REG",
    en: [
      "I was told to bring documents that the website does not list, and had to come back another day.",
      "Make the website list every document needed.",
    ],
    zh: ["職員要求我帶備網頁上沒有列出的文件，令我要改日再來。", "請在網頁列明所需的全部文件。"],
  },
  {
    service: "BIRTH-REG",
    en: [
      "My baby's birth certificate has the father's name missing.",
      "Issue a corrected certificate quickly.",
    ],
    zh: ["嬰兒的出生證明書上漏印了父親的姓名。", "請盡快補發正確的出生證明書。"],
  },
];

const REPLIES = {
  en: [
    "We have looked into your complaint. The delay was caused by a backlog at the production centre; your application has now been completed and you may collect it at the office you chose.",
    "Thank you for telling us. We have spoken to the officer concerned and reminded the team of the standard of service expected. We apologise for the experience.",
    "We have checked the record and corrected the error at no charge. The corrected document is ready for collection.",
    "We have added appointment sessions at busy offices and updated the list of documents on our website.",
  ],
  zh: [
    "我們已調查你的投訴。延誤是由於製證中心積壓申請所致，你的申請現已完成，可到所選辦事處領取。",
    "多謝你的意見。我們已與有關職員跟進，並提醒團隊應有的服務水平。對你的不愉快經歷，我們深表歉意。",
    "我們已核對紀錄並免費更正錯誤，更正後的文件已可領取。",
    "我們已在繁忙辦事處增設預約時段，並更新網頁上所需文件的清單。",
  ],
};

/** What is needed from the citizen, in the language they wrote in (they read it on /track and by e-mail). */
const STOP_REASONS = {
  en: [
    "Please send a copy of your receipt and the application number.",
    "Please confirm the date and time of your visit so that we can check the counter records.",
  ],
  zh: ["請提供申請編號及收據副本。", "請確認到訪日期及時間，以便我們查核櫃位紀錄。"],
};

const APPEAL_GROUNDS = {
  en: [
    "The reply does not explain why I was not told about the delay.",
    "I do not accept that the officer behaved properly; there were other people who saw it.",
  ],
  zh: ["回覆沒有解釋為何沒有通知我延誤。", "我不接受職員行為恰當的說法，當時有其他人在場目睹。"],
};

const APPEAL_REPLIES: Record<AppealOutcome, string> = {
  upheld:
    "We have reviewed the case again and agree with you. We apologise, and the office concerned has changed its procedure.",
  partly_upheld:
    "We have reviewed the case again. We agree that you should have been told about the delay, but the processing time itself was within the rules.",
  not_upheld:
    "We have reviewed the case again, including the counter records, and found that it was handled correctly.",
};

const REFERRALS: { department: string; reason: string }[] = [
  { department: "TD", reason: "The complaint is about the traffic arrangements outside the office." },
  { department: "HKP", reason: "The complaint is about a letter lost in the post." },
  { department: "FEHD", reason: "The complaint is about hygiene at the food kiosk next to the office." },
];

const SURNAMES = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho", "Leung", "Tam", "Yip"];
const GIVEN = ["Mei Ling", "Ka Ho", "Siu Fong", "Wai Man", "Chi Kin", "Hoi Yan", "Tsz Ching", "Kwok Wai"];
const CHANNELS = ["web", "web", "web", "email", "hotline", "counter", "letter"];

/**
 * Which cases the year holds: a steady flow of older cases, almost all closed (some late, some
 * appealed and decided), and the last weeks' cases in every open state. Ages are days before today.
 */
function plan(r: () => number): { age: number; state: DemoCaseState }[] {
  const out: { age: number; state: DemoCaseState }[] = [];
  // The last weeks: a fixed number in each open state, so every queue tab has work in it.
  const recent: [DemoCaseState, number, number, number][] = [
    // state, how many, youngest, oldest (days)
    ["received", 4, 0.1, 2],
    ["acknowledged", 5, 1, 6],
    ["under_investigation", 10, 4, 40],
    ["awaiting_customer", 6, 6, 30],
    ["referred", 4, 1, 10],
    ["replied", 6, 8, 35],
    ["appeal_open", 4, 25, 45],
    ["closed_on_time", 8, 12, 45],
    ["closed_late", 2, 20, 45],
  ];
  for (const [state, n, lo, hi] of recent)
    for (let i = 0; i < n; i++) out.push({ age: lo + r() * (hi - lo), state });
  // The rest of the year: about 25 a month, all closed (a few after an appeal, decided).
  for (let i = 0; i < 260; i++) {
    const age = 45 + r() * 318;
    const x = r();
    const state: DemoCaseState =
      age > 60 && x < 0.07 ? "appeal_decided" : x < 0.2 ? "closed_late" : "closed_on_time";
    out.push({ age, state });
  }
  return out;
}

/** Hong Kong office hours of a day some days before today (between 09:30 and 17:30 HK). */
function officeTime(ms: number, r: () => number): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return day + (1.5 + r() * 8) * 3_600_000;
}

/**
 * Seeds the demo department's cases unless it has cases already; returns how many were made.
 * `piiKey` encrypts the citizens' contact details (none are stored without one).
 */
export async function seedDemoCases(db: Db, piiKey: string, today: Date): Promise<number> {
  const dept = await db
    .selectFrom("departments")
    .select(["id"])
    .where("code", "=", DEPARTMENT)
    .executeTakeFirst();
  if (!dept) return 0;
  // Seeded once: a department that has cases already keeps them as they are.
  if (
    await db.selectFrom("cases").select("id").where("department_id", "=", dept.id).limit(1).executeTakeFirst()
  )
    return 0;
  const staff = await db
    .selectFrom("staff_users")
    .select(["id", "username", "role"])
    .where("department_id", "=", dept.id)
    .execute();
  const officer =
    staff.find((s) => s.username === "officer.immd") ?? staff.find((s) => s.role === "case_officer");
  const manager = staff.find((s) => s.username === "manager.immd") ?? staff.find((s) => s.role === "manager");
  if (!officer || !manager) return 0;
  const services = new Map(
    (
      await db.selectFrom("services").select(["id", "code"]).where("department_id", "=", dept.id).execute()
    ).map((s) => [s.code, s.id]),
  );
  const others = new Map(
    (await db.selectFrom("departments").select(["id", "code"]).execute()).map((d) => [d.code, d.id]),
  );
  const r = rng(`cases-${DEPARTMENT}`);
  const now = today.getTime();
  const latest = now - 30 * 60_000;
  const cap = (ms: number) => Math.min(ms, latest);
  const actor = { id: officer.id, departmentId: dept.id };
  const reviewer = { id: manager.id, role: manager.role, departmentId: dept.id };
  // Oldest first, so references run in the order the cases came in. Each case draws from its own
  // generator, so the cases come out the same whatever order their moves run in.
  const planned = plan(r)
    .sort((a, b) => b.age - a.age)
    .map((p, i) => ({ ...p, r: rng(`case-${DEPARTMENT}-${i}`) }));
  // First every case as it came in, in one transaction (and in order: the references)…
  const made = await db.transaction().execute(async (trx) => {
    const out = [];
    for (const p of planned) {
      const cr = p.r;
      const complaint = COMPLAINTS[Math.floor(cr() * COMPLAINTS.length)]!;
      const zh = cr() < 0.6;
      const language = zh ? ("zh-HK" as const) : ("en" as const);
      const channel = CHANNELS[Math.floor(cr() * CHANNELS.length)]!;
      const receivedMs = p.age < 1 ? now - p.age * DAY : officeTime(now - p.age * DAY, cr);
      const receivedAt = new Date(cap(receivedMs)).toISOString();
      const { id } = await createCase(trx, piiKey, {
        departmentId: dept.id,
        serviceId: services.get(complaint.service) ?? null,
        channel,
        language,
        whatHappened: zh ? complaint.zh[0] : complaint.en[0],
        desiredOutcome: zh ? complaint.zh[1] : complaint.en[1],
        contact: {},
        consent: true,
        receivedAt,
      });
      out.push({
        id,
        state: p.state,
        r: cr,
        zh,
        language,
        receivedAt,
        hasEmail: cr() < 0.75,
        hasPhone: cr() < 0.5,
      });
    }
    return out;
  });
  // … then each one's moves, each at its own time after receipt and before now, a few cases at a
  // time (each move is its own transaction, as on the case page).
  const advance = async ({ id, state, r: cr, zh, receivedAt }: (typeof made)[number]) => {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(cr() * xs.length)]!;
    let t = Date.parse(receivedAt);
    const step = (minDays: number, maxDays: number) => {
      t = Math.min(t + (minDays + cr() * (maxDays - minDays)) * DAY, latest);
      return new Date(t);
    };
    const move = async (action: Parameters<typeof moveCase>[3], at: Date, input = {}) => {
      const moved = await moveCase(db, actor, id, action, input, at);
      if (!moved.ok) throw new Error(`Demo case ${id}: ${action} refused (${moved.error})`);
    };
    if (state === "received") {
      if (cr() < 0.5) await assign(db, id, dept.id, manager.id, officer.id, step(0.02, 0.1));
      return;
    }
    // Handled cases: most go to the demo officer, a few stay with the team.
    if (cr() < 0.85 || state === "appeal_open" || state === "appeal_decided")
      await assign(db, id, dept.id, manager.id, officer.id, step(0.02, 0.2));
    // Time left for the rest, spread so that every move is before now.
    const span = Math.max(0.05, (latest - t) / DAY);
    if (state === "referred") {
      if (cr() < 0.5) await move("acknowledge", step(0.05, Math.min(1, span / 3)));
      const to = pick(REFERRALS);
      const toId = others.get(to.department);
      if (!toId) return;
      const res = await referCase(
        db,
        actor,
        id,
        { toDepartmentId: toId, reason: to.reason },
        step(0.05, span / 2),
      );
      if (!res.ok) throw new Error(`Demo case ${id}: refer refused (${res.error})`);
      return;
    }
    await move("acknowledge", step(0.1, Math.min(2.5, span / 4)));
    if (state === "acknowledged") return;
    await move("investigate", step(0.05, Math.min(2, span / 4)));
    if (state === "under_investigation") return;
    if (state === "awaiting_customer") {
      await move("stop-clock", step(0.5, Math.max(0.6, span / 3)), {
        reason: pick(zh ? STOP_REASONS.zh : STOP_REASONS.en),
      });
      return;
    }
    // A case now and then waited for the citizen before its reply.
    if (cr() < 0.15 && span > 20) {
      await move("stop-clock", step(1, 4), { reason: pick(zh ? STOP_REASONS.zh : STOP_REASONS.en) });
      await move("resume", step(2, 7));
    }
    // The reply: on time (before the reply's due date) or late (after it).
    const c = await db
      .selectFrom("cases")
      .select(["reply_due"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const dueMs = Date.parse(`${c.reply_due}T09:00:00Z`);
    let replyMs: number;
    if (state === "closed_late") replyMs = dueMs + (1 + cr() * 8) * DAY;
    else if (state === "replied") replyMs = now - (1 + cr() * 6) * DAY;
    else if (state === "appeal_open") replyMs = now - (12 + cr() * 8) * DAY;
    else replyMs = t + cr() * Math.max(0, dueMs - 6 * 3_600_000 - t);
    t = cap(Math.max(replyMs, t + 3_600_000));
    await move("reply", new Date(t), { body: pick(zh ? REPLIES.zh : REPLIES.en) });
    if (state === "replied") return;
    const appeal = async (at: Date) => {
      const fresh = await db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const grounds = pick(zh ? APPEAL_GROUNDS.zh : APPEAL_GROUNDS.en);
      const lodged = await lodgeAppeal(db, fresh, { by: "citizen", grounds }, at);
      if (!lodged.ok) throw new Error(`Demo case ${id}: appeal refused (${lodged.error})`);
      return lodged.id;
    };
    if (state === "appeal_open") {
      if (cr() < 0.5) await move("close", step(1, 3));
      await appeal(step(2, 6));
      return;
    }
    await move("close", step(0.5, 5));
    if (state === "appeal_decided") {
      const appealId = await appeal(step(3, 20));
      const outcome = pick<AppealOutcome>(["not_upheld", "not_upheld", "partly_upheld", "upheld"]);
      const decided = await decideAppeal(
        db,
        reviewer,
        appealId,
        { outcome, reply: APPEAL_REPLIES[outcome] },
        step(5, cr() < 0.15 ? 40 : 25),
      );
      if (!decided.ok) throw new Error(`Demo case ${id}: appeal decision refused (${decided.error})`);
    }
  };
  // SQLite has one writer: there they run one after another, without waiting for the disk at each
  // commit (demo data, written once; the setting is put back after).
  const sqlite = !pgPoolOf(db);
  const synchronous = sqlite
    ? (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]
    : undefined;
  if (sqlite) await sql`pragma synchronous = normal`.execute(db);
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: sqlite ? 1 : 6 }, async () => {
        while (next < made.length) await advance(made[next++]!);
      }),
    );
  } finally {
    if (synchronous)
      await sql`pragma synchronous = ${sql.raw(String(Number(synchronous.synchronous)))}`.execute(db);
  }
  await finish(db, piiKey, dept.id, made, today, r);
  return made.length;
}

/** Assigns a case to the demo officer, by the manager, at a time of the demo's history. */
async function assign(db: Db, caseId: number, departmentId: number, by: number, officer: number, at: Date) {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("cases")
      .set({ assigned_to: officer, updated_at: nowIso(at) })
      .where("id", "=", caseId)
      .execute();
    await recordCaseEvent(
      trx,
      {
        caseId,
        at: nowIso(at),
        actorUserId: by,
        kind: "assign",
        body: String(officer),
        visibleToCitizen: false,
        departmentId,
      },
      { action: "case.assign", actorUserId: by, departmentId, entityType: "case", entityId: caseId },
    );
  });
}

/**
 * The citizens' contact details (encrypted), added after the moves; no message to a demo citizen
 * stays queued; and the cases already overdue marked as escalated, so a first start e-mails no one.
 */
async function finish(
  db: Db,
  piiKey: string,
  departmentId: number,
  made: readonly { id: number; language: "en" | "zh-HK"; hasEmail: boolean; hasPhone: boolean }[],
  today: Date,
  r: () => number,
) {
  const ids = made.map((m) => m.id);
  await db.transaction().execute(async (trx) => {
    if (piiKey) {
      for (const [i, m] of made.entries()) {
        const surname = SURNAMES[Math.floor(r() * SURNAMES.length)]!;
        const given = GIVEN[Math.floor(r() * GIVEN.length)]!;
        const name = m.language === "zh-HK" && r() < 0.5 ? `${surname}先生` : `${surname} ${given}`;
        const handle = `${surname}.${given.replace(/ /g, "")}${i}`.toLowerCase();
        await trx
          .updateTable("cases")
          .set({
            contact_name_enc: encryptPii(piiKey, name),
            contact_email_enc: m.hasEmail ? encryptPii(piiKey, `${handle}@example.com`) : null,
            contact_phone_enc:
              m.hasPhone || !m.hasEmail
                ? encryptPii(piiKey, `${r() < 0.5 ? 9 : 6}${String(Math.floor(r() * 1e7)).padStart(7, "0")}`)
                : null,
          })
          .where("id", "=", m.id)
          .execute();
      }
    }
    for (let i = 0; i < ids.length; i += 500) {
      await trx
        .deleteFrom("outbox_messages")
        .where("complainant_case_id", "in", ids.slice(i, i + 500))
        .execute();
    }
    const day = hkDate(today);
    const overdue = await trx
      .selectFrom("cases")
      .select(["id"])
      .where("department_id", "=", departmentId)
      .where("status", "not in", NO_DEADLINE_STATUSES)
      .where("overdue_notified_at", "is", null)
      .where((eb) =>
        eb.or([
          eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", day)]),
          eb.and([eb("replied_at", "is", null), eb("reply_due", "<", day)]),
        ]),
      )
      .execute();
    const at = nowIso(today);
    for (const c of overdue) {
      await trx
        .insertInto("notifications")
        .values({
          department_id: departmentId,
          kind: "case_overdue",
          entity_type: "case",
          entity_id: c.id,
          created_at: at,
          emailed_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx.updateTable("cases").set({ overdue_notified_at: at }).where("id", "=", c.id).execute();
    }
  });
}
