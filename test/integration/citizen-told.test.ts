import fs from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { decideAppeal, lodgeAppeal } from "~/models/cases/appeal.server";
import { assignCase } from "~/models/cases/handling.server";
import { attachmentsDir, createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { acceptReferral, referCase, returnReferral } from "~/models/cases/referral.server";
import { E } from "~/models/cases/schema";
import { TRACK_RATE } from "~/models/cases/tracking.server";
import { sendPendingEmails } from "~/models/outbox/delivery.server";
import { loggingSmsSender, type SmsMessage } from "~/models/outbox/sms.server";
import { loader as caseLoader } from "~/routes/staff.cases.$id";
import { action as trackAction } from "~/routes/track";
import { decryptPii } from "~/utils/crypto.server";
import { formats } from "~/utils/formats";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=",
  "base64",
);
const EMAIL = "chan.tai.man@example.com";
const PHONE = "9123 4567";
const COMPLAINT = "I queued for three hours at the Kowloon office.";

describe.each(DB_KINDS)("keeping the citizen told [%s]", (kind) => {
  const app = useTestApp(kind, { dataDir: true });
  let immd: number;
  let hkp: number;
  let hkpZh: string;
  const staff: Record<string, number> = {};

  beforeEach(async () => {
    const depts = await app.db.selectFrom("departments").select(["id", "code", "name_zh"]).execute();
    immd = depts.find((d) => d.code === "IMMD")!.id;
    hkp = depts.find((d) => d.code === "HKP")!.id;
    hkpZh = depts.find((d) => d.code === "HKP")!.name_zh;
    for (const u of await app.db.selectFrom("staff_users").select(["id", "username"]).execute())
      staff[u.username] = u.id;
  });

  const officer = () => ({ id: staff["officer.immd"]!, departmentId: immd });

  async function newCase(language: "en" | "zh-HK", contact: { email?: string; phone?: string }) {
    return app.db.transaction().execute((trx) =>
      createCase(trx, app.context.env.PII_KEY, {
        departmentId: immd,
        serviceId: null,
        channel: "web",
        language,
        whatHappened: COMPLAINT,
        desiredOutcome: "",
        contact: { name: "Chan Tai Man", ...contact },
        consent: true,
      }),
    );
  }

  /** The messages to a case's citizen, oldest first, the acknowledgement left out. */
  async function messages(caseId: number) {
    return app.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("complainant_case_id", "=", caseId)
      .where("kind", "!=", "case.acknowledgement")
      .orderBy("id")
      .execute();
  }

  async function move(
    id: number,
    ...steps: [Parameters<typeof moveCase>[3], { reason?: string; body?: string }?][]
  ) {
    for (const [action, input] of steps) {
      const r = await moveCase(app.db, officer(), id, action, input ?? {});
      expect(r, action).toMatchObject({ ok: true });
    }
  }

  const caseRow = (id: number) =>
    app.db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  /** What the message holds: never the complaint's text, the name or another contact detail. */
  function expectNoPersonalData(m: { subject: string; body_text: string }) {
    const all = `${m.subject}\n${m.body_text}`;
    expect(all).not.toContain(COMPLAINT);
    expect(all).not.toContain("Chan Tai Man");
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain("9123");
  }

  it("a reply goes to the citizen by e-mail in English, with the reply's text and the appeal period", async () => {
    const { id, reference } = await newCase("en", { email: EMAIL });
    await move(id, ["acknowledge"], ["reply", { body: "We have booked you an appointment on 3 January." }]);
    const [m, ...rest] = await messages(id);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ kind: "case.reply", channel: "email", sent_at: null });
    expect(decryptPii(app.context.env.PII_KEY, m!.to_enc)).toBe(EMAIL);
    expect(m!.subject).toBe(`Our reply to your complaint (${reference})`);
    expect(m!.body_text).toContain("We have booked you an appointment on 3 January.");
    expect(m!.body_text).toContain("you may appeal on the tracking page until");
    expect(m!.body_text).toContain("{{APP_ORIGIN}}/track");
    expectNoPersonalData(m!);
  });

  it("a clock stop says what is needed, in Chinese", async () => {
    const { id, reference } = await newCase("zh-HK", { email: EMAIL });
    await move(id, ["acknowledge"], ["stop-clock", { reason: "請提供你的收據副本。" }]);
    const [m] = await messages(id);
    expect(m).toMatchObject({ kind: "case.clock-stopped", channel: "email" });
    expect(m!.subject).toBe(`我們需要你提供更多資料（${reference}）`);
    expect(m!.body_text).toContain("請提供你的收據副本。");
    expect(m!.body_text).toContain("入境事務處");
    expectNoPersonalData(m!);
  });

  it("a clock restart gives the new reply date, in English", async () => {
    const { id, reference } = await newCase("en", { email: EMAIL });
    await move(id, ["acknowledge"], ["stop-clock", { reason: "Your receipt, please." }], ["resume"]);
    const ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual(["case.clock-stopped", "case.clock-restarted"]);
    const c = await caseRow(id);
    const due = formats("en").longDate(c.reply_due!);
    expect(ms[1]!.subject).toBe(`We are working on your complaint again (${reference})`);
    expect(ms[1]!.body_text).toContain(`will reply by ${due}`);
  });

  it("a referral says who has the case now: sent, then accepted (Chinese)", async () => {
    const { id, reference } = await newCase("zh-HK", { email: EMAIL });
    const ref = await referCase(app.db, officer(), id, {
      toDepartmentId: hkp,
      reason: "Internal: police matter",
    });
    expect(ref.ok).toBe(true);
    let ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual(["case.referred"]);
    expect(ms[0]!.subject).toBe(`你的投訴正轉交${hkpZh}（${reference}）`);
    // The reason is between departments.
    expect(ms[0]!.body_text).not.toContain("Internal");
    const accepted = await acceptReferral(
      app.db,
      { id: staff["admin.hkp"]!, departmentId: hkp },
      ref.ok ? ref.id : 0,
    );
    expect(accepted.ok).toBe(true);
    ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual(["case.referred", "case.referral-accepted"]);
    expect(ms[1]!.subject).toBe(`你的投訴現由${hkpZh}處理（${reference}）`);
    expect(ms[1]!.body_text).toContain("從入境事務處接手");
    expect(ms[1]!.department_id).toBe(hkp);
    expectNoPersonalData(ms[1]!);
  });

  it("a referral returned says the sending department goes on with the case, never the note (English)", async () => {
    const { id, reference } = await newCase("en", { email: EMAIL });
    const ref = await referCase(app.db, officer(), id, { toDepartmentId: hkp, reason: "Theirs?" });
    const back = await returnReferral(
      app.db,
      { id: staff["admin.hkp"]!, departmentId: hkp },
      ref.ok ? ref.id : 0,
      {
        note: "Internal: not ours at all",
      },
    );
    expect(back.ok).toBe(true);
    const ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual(["case.referred", "case.referral-returned"]);
    expect(ms[1]!.subject).toBe(`Immigration Department goes on handling your complaint (${reference})`);
    expect(ms[1]!.body_text).not.toContain("Internal");
    expect(ms[1]!.department_id).toBe(immd);
  });

  it("an appeal lodged (English) and decided (Chinese) each tell the citizen", async () => {
    const en = await newCase("en", { email: EMAIL });
    await move(en.id, ["acknowledge"], ["reply", { body: "Done." }]);
    const lodged = await lodgeAppeal(app.db, await caseRow(en.id), { by: "citizen", grounds: "Too slow." });
    expect(lodged.ok).toBe(true);
    const [, lodgedMsg] = await messages(en.id);
    expect(lodgedMsg).toMatchObject({ kind: "case.appeal-lodged", channel: "email" });
    expect(lodgedMsg!.subject).toBe(`We have received your appeal (${en.reference})`);
    expect(lodgedMsg!.body_text).toContain("Someone who did not handle your complaint will review it");
    expect(lodgedMsg!.body_text).not.toContain("Too slow.");

    const zh = await newCase("zh-HK", { email: EMAIL });
    await move(zh.id, ["acknowledge"], ["reply", { body: "已處理。" }]);
    const appeal = await lodgeAppeal(app.db, await caseRow(zh.id), { by: "citizen", grounds: "太慢" });
    const manager = { id: staff["manager.immd"]!, role: "manager" as const, departmentId: immd };
    const decided = await decideAppeal(app.db, manager, appeal.ok ? appeal.id : 0, {
      outcome: "upheld",
      reply: "我們會向你致歉，並安排新的預約。",
    });
    expect(decided).toEqual({ ok: true });
    const ms = await messages(zh.id);
    expect(ms.map((m) => m.kind)).toEqual(["case.reply", "case.appeal-lodged", "case.appeal-decided"]);
    expect(ms[2]!.subject).toBe(`你的上訴結果（${zh.reference}）`);
    expect(ms[2]!.body_text).toContain("結果：上訴得直");
    expect(ms[2]!.body_text).toContain("我們會向你致歉，並安排新的預約。");
  });

  it("a closure is one e-mail: the survey invitation the first time, a closure message after a reopen", async () => {
    const { id, reference } = await newCase("en", { email: EMAIL });
    await move(id, ["acknowledge"], ["reply", { body: "Done." }], ["close"]);
    let ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual(["case.reply", "case.survey-invitation"]);
    await move(id, ["reopen"], ["reply", { body: "Done again." }], ["close"]);
    ms = await messages(id);
    expect(ms.map((m) => m.kind)).toEqual([
      "case.reply",
      "case.survey-invitation",
      "case.reply",
      "case.closed",
    ]);
    expect(ms[3]!.subject).toBe(`Your complaint is closed (${reference})`);
    expect(ms[3]!.body_text).toContain("Immigration Department");
  });

  it("a citizen who gave only a phone number gets an SMS through the adapter; the log holds neither number nor text", async () => {
    const { id } = await newCase("zh-HK", { phone: PHONE });
    await move(id, ["acknowledge"], ["stop-clock", { reason: "請提供收據。" }], ["resume"]);
    await move(id, ["reply", { body: "秘密的回覆內容" }], ["close"]);
    const ms = await messages(id);
    expect(ms.map((m) => [m.kind, m.channel])).toEqual([
      ["case.clock-stopped", "sms"],
      ["case.clock-restarted", "sms"],
      ["case.reply", "sms"],
      ["case.closed", "sms"],
    ]);
    expect(decryptPii(app.context.env.PII_KEY, ms[0]!.to_enc)).toBe(PHONE);
    expect(ms[0]!.body_text).toContain("請提供收據。");
    // No reply text by SMS: it points to /track.
    expect(ms[2]!.body_text).not.toContain("秘密的回覆內容");
    expect(ms[2]!.body_text).toContain("{{APP_ORIGIN}}/track");

    const sent: SmsMessage[] = [];
    const lines: unknown[] = [];
    const logging = loggingSmsSender({ info: (...args: unknown[]) => lines.push(args) } as never);
    const r = await sendPendingEmails(app.db, {
      mailer: null,
      sms: {
        async sendSms(m) {
          sent.push(m);
          await logging.sendSms(m);
        },
      },
      piiKey: app.context.env.PII_KEY,
      appOrigin: "https://pledge.example",
      from: "pledge@example",
    });
    expect(r).toEqual({ sent: 4, failed: 0 });
    expect(sent[0]).toMatchObject({ to: PHONE });
    expect(sent[0]!.text).toContain("https://pledge.example/track");
    expect(JSON.stringify(lines)).not.toContain("9123");
    expect(JSON.stringify(lines)).not.toContain("請提供收據");
    expect(JSON.stringify(lines)).toContain("sms sent");
    // Without a mailer, the e-mail of another case waits (an SMS sender alone sends no e-mail).
    const other = await newCase("en", { email: EMAIL });
    await move(other.id, ["acknowledge"], ["stop-clock", { reason: "x" }]);
    expect(
      await sendPendingEmails(app.db, { mailer: null, sms: null, piiKey: "x", appOrigin: "", from: "" }),
    ).toEqual({ sent: 0, failed: 0 });
  });

  // ---- The citizen's answer from /track ----

  function trackPost(body: BodyInit, headers: Record<string, string> = {}) {
    return settle(() =>
      trackAction({
        request: new Request(`${ORIGIN}/track`, {
          method: "POST",
          body,
          headers: { Origin: ORIGIN, ...headers },
        }),
        context: app.context,
        params: {},
      }),
    );
  }

  function answerForm(reference: string, answer: string, files: File[] = []) {
    const body = new FormData();
    for (const [k, v] of Object.entries({ intent: "answer", reference, contact: EMAIL, website: "", answer }))
      body.append(k, v);
    for (const f of files) body.append("attachment", f);
    return body;
  }

  const filesOnDisk = () => {
    const dir = attachmentsDir(app.dataDir);
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  async function waitingCase() {
    const c = await newCase("en", { email: EMAIL });
    await move(c.id, ["acknowledge"], ["investigate"]);
    expect(
      await assignCase(app.db, officer(), { id: c.id, department_id: immd }, staff["officer.immd"]!),
    ).toBe(true);
    await move(c.id, ["stop-clock", { reason: "A copy of your receipt, please." }]);
    return c;
  }

  async function snapshot(caseId: number) {
    const [events, attachments, outbox, c] = await Promise.all([
      app.db.selectFrom("case_events").select("id").where("case_id", "=", caseId).execute(),
      app.db.selectFrom("case_attachments").select("id").where("case_id", "=", caseId).execute(),
      app.db.selectFrom("outbox_messages").select("id").execute(),
      caseRow(caseId),
    ]);
    return {
      events: events.length,
      attachments: attachments.length,
      outbox: outbox.length,
      status: c.status,
    };
  }

  it("an answer with a file restarts the clock, is stored, is shown to both sides and tells the officer", async () => {
    const { id, reference } = await waitingCase();
    const res = await trackPost(
      answerForm(reference, "Here is my receipt.", [new File([PNG], "receipt.png", { type: "image/png" })]),
    );
    expect(res.status).toBe(200);
    const data = (await res.json()) as {
      result: string;
      answered: string;
      view: { status: string; history: { kind: string; body: string | null; files: string[] }[] };
    };
    expect(data.result).toBe("found");
    expect(data.answered).toBe("resumed");
    expect(data.view.status).toBe("under_investigation");
    expect(data.view.history.find((e) => e.kind === "citizen-answer")).toEqual(
      expect.objectContaining({ body: "Here is my receipt.", files: ["receipt.png"] }),
    );

    const c = await caseRow(id);
    expect(c.status).toBe("under_investigation");
    const stop = await app.db
      .selectFrom("case_clock_stops")
      .select("to_at")
      .where("case_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(stop.to_at).not.toBeNull();
    const event = await app.db
      .selectFrom("case_events")
      .selectAll()
      .where("case_id", "=", id)
      .where("kind", "=", "citizen-answer")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ body: "Here is my receipt.", visible_to_citizen: 1, actor_user_id: null });
    const files = await app.db.selectFrom("case_attachments").selectAll().where("case_id", "=", id).execute();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ original_name: "receipt.png", mime: "image/png", event_id: event.id });
    expect(filesOnDisk()).toEqual([files[0]!.stored_name]);

    // The officer is told (work e-mail, no word of the answer); the citizen gets the clock restart.
    const toOfficer = await app.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("kind", "=", "case.citizen-answer")
      .execute();
    expect(toOfficer).toHaveLength(1);
    expect(decryptPii(app.context.env.PII_KEY, toOfficer[0]!.to_enc)).toBe("officer.immd@pledge.example");
    expect(toOfficer[0]!.body_text).toContain(`{{APP_ORIGIN}}/staff/cases/${id}`);
    expect(toOfficer[0]!.body_text).not.toContain("receipt");
    expect(toOfficer[0]!.complainant_case_id).toBeNull();
    expect((await messages(id)).map((m) => m.kind)).toEqual(["case.clock-stopped", "case.clock-restarted"]);

    // The officer's case page shows the answer and its file in the history.
    const cookie = await signInAs(app.c, "officer.immd");
    const page = (await caseLoader({
      request: getRequest(`/staff/cases/${id}`, { cookie }),
      context: app.context,
      params: { id: String(id) },
    })) as Awaited<ReturnType<typeof caseLoader>>;
    const entry = page.history.find((e) => e.kind === "citizen-answer");
    expect(entry?.body).toBe("Here is my receipt.");
    expect(page.answerFiles[String(entry!.id)]?.map((f) => f.name)).toEqual(["receipt.png"]);
  });

  it("refuses a file that is not what its name says, an empty answer, a file too large: nothing written", async () => {
    const { id, reference } = await waitingCase();
    const before = await snapshot(id);
    const fake = new File([Buffer.from("<html><script>alert(1)</script>")], "photo.png", {
      type: "image/png",
    });
    let res = await trackPost(answerForm(reference, "Here it is.", [fake]));
    expect(res.status).toBe(400);
    let data = (await res.json()) as { answerErrors: Record<string, string>; answerText: string };
    expect(data.answerErrors).toEqual({ attachment: E.fileType });
    expect(data.answerText).toBe("Here it is.");
    expect(await snapshot(id)).toEqual(before);

    res = await trackPost(answerForm(reference, "   "));
    expect(res.status).toBe(400);
    data = (await res.json()) as typeof data;
    expect(data.answerErrors).toEqual({ answer: "caseMessages.track.required" });

    const huge = new File([Buffer.alloc(6 * 1024 * 1024, 1)], "big.pdf", { type: "application/pdf" });
    res = await trackPost(answerForm(reference, "Big file.", [huge]));
    expect(res.status).toBe(400);
    data = (await res.json()) as typeof data;
    expect(data.answerErrors).toEqual({ attachment: E.fileTooLarge });

    const four = [1, 2, 3, 4].map((n) => new File([PNG], `p${n}.png`, { type: "image/png" }));
    res = await trackPost(answerForm(reference, "Four files.", four));
    expect(res.status).toBe(400);

    // A body that is not a form at all.
    res = await trackPost("intent=answer", { "Content-Type": "text/plain" });
    expect(res.status).toBe(415);

    expect(await snapshot(id)).toEqual(before);
    expect(filesOnDisk()).toEqual([]);
  });

  it("an answer after the clock restarted is kept as a message with no clock change", async () => {
    const { id, reference } = await waitingCase();
    await move(id, ["resume"]);
    const before = await caseRow(id);
    const res = await trackPost(answerForm(reference, "One more thing."));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { answered: string }).answered).toBe("kept");
    const after = await caseRow(id);
    expect(after.status).toBe(before.status);
    expect(after.reply_due).toBe(before.reply_due);
    const kinds = (
      await app.db.selectFrom("case_events").select("kind").where("case_id", "=", id).orderBy("id").execute()
    ).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(["transition", "citizen-answer"]);
    expect((await messages(id)).map((m) => m.kind)).toEqual(["case.clock-stopped", "case.clock-restarted"]);
    const toOfficer = await app.db
      .selectFrom("outbox_messages")
      .select("body_text")
      .where("kind", "=", "case.citizen-answer")
      .executeTakeFirstOrThrow();
    expect(toOfficer.body_text).toContain("the clock was already running");

    // A closed case takes no more messages.
    await move(id, ["reply", { body: "Done." }], ["close"]);
    const closed = await trackPost(answerForm(reference, "Hello?"));
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { answerErrors: Record<string, string> }).answerErrors).toEqual({
      form: "caseMessages.track.closed",
    });
  });

  it("answers count against the /track limit: past it, 429 and nothing written", async () => {
    const { id, reference } = await waitingCase();
    const before = await snapshot(id);
    for (let i = 0; i < TRACK_RATE.points; i++) {
      const r = await trackPost(
        new URLSearchParams({ intent: "track", reference, contact: EMAIL, website: "" }),
        {
          "Content-Type": "application/x-www-form-urlencoded",
        },
      );
      expect(r.status).toBe(200);
    }
    const res = await trackPost(
      answerForm(reference, "Here it is.", [new File([PNG], "a.png", { type: "image/png" })]),
    );
    expect(res.status).toBe(429);
    expect(await snapshot(id)).toEqual(before);
    expect(filesOnDisk()).toEqual([]);
  });

  it("an answer with a wrong contact gets the same not-found answer and writes nothing", async () => {
    const { id, reference } = await waitingCase();
    const before = await snapshot(id);
    const body = answerForm(reference, "Hi.");
    body.set("contact", "someone.else@example.com");
    const res = await trackPost(body);
    expect(res.status).toBe(404);
    expect(await snapshot(id)).toEqual(before);
  });
});
