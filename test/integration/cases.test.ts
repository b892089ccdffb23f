import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hkDate } from "~/models/calendar/time";

import { lodgeAppeal } from "~/models/cases/appeal.server";
import { createCase } from "~/models/cases/intake.server";
import { action as queueAction, loader as queueLoader } from "~/routes/staff.cases._index";
import { action as caseAction, loader as caseLoader } from "~/routes/staff.cases.$id";
import { loader as attachmentLoader } from "~/routes/staff.cases.$id.attachments.$attachmentId";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

const EMAIL = "chan.tai.man@example.com";
const PHONE = "9123 4567";

describe.each(DB_KINDS)("case handling [%s]", (kind) => {
  const app = useTestApp(kind, { dataDir: true });

  const sessionOf = (username: string) => signInAs(app.c, username);

  async function staffId(username: string): Promise<number> {
    return (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function departmentId(code: string): Promise<number> {
    return (
      await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow()
    ).id;
  }

  async function newCase(options: { code?: string; receivedAt?: string } = {}) {
    return createCase(app.db, app.context.env.PII_KEY, {
      departmentId: await departmentId(options.code ?? "IMMD"),
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "I waited three hours at the counter and was then sent away.",
      desiredOutcome: "An explanation and an appointment.",
      contact: { name: "Chan Tai Man", email: EMAIL, phone: PHONE },
      consent: true,
      receivedAt: options.receivedAt,
    });
  }

  const caseRow = (id: number) =>
    app.db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const events = (id: number) =>
    app.db.selectFrom("case_events").selectAll().where("case_id", "=", id).orderBy("id").execute();
  const audits = (action: string) =>
    app.db.selectFrom("audit_events").selectAll().where("action", "=", action).orderBy("id").execute();

  function post(id: number, fields: Record<string, string>, cookie: string, options: { csrf?: null } = {}) {
    return settle(() =>
      caseAction({
        request: postForm(`/staff/cases/${id}`, fields, { csrfToken: app.csrfToken, cookie, ...options }),
        context: app.context,
        params: { id: String(id) },
      }),
    );
  }

  function page(id: number, cookie: string, query = "") {
    return settle(() =>
      caseLoader({
        request: getRequest(`/staff/cases/${id}${query}`, { cookie }),
        context: app.context,
        params: { id: String(id) },
      }),
    );
  }

  function queue(cookie: string, tab: string) {
    return settle(() =>
      queueLoader({
        request: getRequest(`/staff/cases?tab=${tab}`, { cookie }),
        context: app.context,
        params: {},
      }),
    );
  }

  function download(caseId: number, attachmentId: number, cookie: string) {
    return settle(() =>
      attachmentLoader({
        request: getRequest(`/staff/cases/${caseId}/attachments/${attachmentId}`, { cookie }),
        context: app.context,
        params: { id: String(caseId), attachmentId: String(attachmentId) },
      }),
    );
  }

  async function addAttachment(
    caseId: number,
    storedName: string,
    content: string,
    originalName = "收據 receipt.pdf",
    mime = "application/pdf",
  ) {
    fs.mkdirSync(path.join(app.dataDir, "attachments"), { recursive: true });
    fs.writeFileSync(path.join(app.dataDir, "attachments", storedName), content);
    const row = await app.db
      .insertInto("case_attachments")
      .values({
        case_id: caseId,
        stored_name: storedName,
        original_name: originalName,
        mime,
        size: Buffer.byteLength(content),
        sha256: "0".repeat(64),
        uploaded_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it("takes a case through its lifecycle from the case page, storing deadlines and whether they were met", async () => {
    const cookie = await sessionOf("officer.immd");
    const { id } = await newCase();
    const start = await caseRow(id);
    expect(start.ack_due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(start.reply_due).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const ack = await post(id, { intent: "move", move: "acknowledge" }, cookie);
    expect(ack.status).toBe(302);
    expect(ack.headers.get("location")).toBe(`/staff/cases/${id}?saved=acknowledge`);
    expect((await caseRow(id)).status).toBe("acknowledged");

    expect(
      (
        await post(
          id,
          { intent: "move", move: "stop-clock", reason: "Asked for a copy of the receipt" },
          cookie,
        )
      ).status,
    ).toBe(302);
    const stopped = await caseRow(id);
    expect(stopped).toMatchObject({
      status: "awaiting_customer",
      status_before_stop: "acknowledged",
      ack_due: null,
      reply_due: null,
    });

    expect((await post(id, { intent: "move", move: "resume" }, cookie)).status).toBe(302);
    const resumed = await caseRow(id);
    expect(resumed.status).toBe("acknowledged");
    // A stop and restart on the same day costs no time: the deadlines come back unchanged.
    expect({ ack: resumed.ack_due, reply: resumed.reply_due }).toEqual({
      ack: start.ack_due,
      reply: start.reply_due,
    });
    const stops = await app.db.selectFrom("case_clock_stops").selectAll().where("case_id", "=", id).execute();
    expect(stops).toHaveLength(1);
    expect(stops[0]!.to_at).not.toBeNull();

    expect(
      (
        await post(
          id,
          { intent: "move", move: "reply", reply: "We are sorry. An appointment is booked." },
          cookie,
        )
      ).status,
    ).toBe(302);
    expect((await caseRow(id)).status).toBe("replied");
    expect((await post(id, { intent: "move", move: "close" }, cookie)).status).toBe(302);

    const closed = await caseRow(id);
    expect(closed).toMatchObject({
      status: "closed",
      ack_met: 1,
      reply_met: 1,
      ack_due: start.ack_due,
      reply_due: start.reply_due,
    });
    expect(closed.closed_at).not.toBeNull();
    expect((await events(id)).map((e) => [e.kind, e.to_status])).toEqual([
      ["transition", "received"],
      ["transition", "acknowledged"],
      ["transition", "awaiting_customer"],
      ["transition", "acknowledged"],
      ["reply", "replied"],
      ["transition", "closed"],
    ]);
    expect(await audits("case.move")).toHaveLength(5);

    const view = (await (await page(id, cookie)).json()) as {
      case: { status: string };
      deadlines: { ack: { met: number }; reply: { met: number } };
      moves: string[];
      history: { kind: string; body: string | null }[];
    };
    expect(view.case.status).toBe("closed");
    expect(view.deadlines.ack.met).toBe(1);
    expect(view.deadlines.reply.met).toBe(1);
    expect(view.moves).toEqual(["reopen"]);
    expect(view.history.find((e) => e.kind === "reply")?.body).toBe(
      "We are sorry. An appointment is booked.",
    );
  });

  it("refuses a move the table does not allow with 409 and writes nothing", async () => {
    const cookie = await sessionOf("officer.immd");
    const { id } = await newCase();
    const before = await events(id);
    const res = await post(id, { intent: "move", move: "close" }, cookie);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ intent: "move", errors: { form: "cases.errors.notAllowed" } });
    expect((await caseRow(id)).status).toBe("received");
    expect(await events(id)).toEqual(before);
    expect(await audits("case.move")).toHaveLength(0);
  });

  it("refuses to stop the clock without a reason with 400 and writes nothing", async () => {
    const cookie = await sessionOf("officer.immd");
    const { id } = await newCase();
    const before = await events(id);
    const res = await post(id, { intent: "move", move: "stop-clock", reason: "  " }, cookie);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: { reason: "cases.errors.reasonRequired" } });
    expect((await caseRow(id)).status).toBe("received");
    expect(await events(id)).toEqual(before);
    expect(await app.db.selectFrom("case_clock_stops").selectAll().execute()).toEqual([]);
  });

  it("refuses a post without the CSRF token with 403 and writes nothing", async () => {
    const cookie = await sessionOf("officer.immd");
    const { id } = await newCase();
    const before = await events(id);
    const posts: Record<string, string>[] = [
      { intent: "move", move: "acknowledge" },
      { intent: "note", note: "Called the counter supervisor." },
    ];
    for (const fields of posts) {
      expect((await post(id, fields, cookie, { csrf: null })).status).toBe(403);
    }
    expect((await caseRow(id)).status).toBe("received");
    expect(await events(id)).toEqual(before);
  });

  it("keeps internal notes internal and refuses an empty or over-long one", async () => {
    const cookie = await sessionOf("manager.immd");
    const { id } = await newCase();
    expect((await post(id, { intent: "note", note: "" }, cookie)).status).toBe(400);
    expect((await post(id, { intent: "note", note: "x".repeat(5001) }, cookie)).status).toBe(400);
    expect((await post(id, { intent: "note", note: "Checked the CCTV log." }, cookie)).status).toBe(302);
    const note = (await events(id)).find((e) => e.kind === "note");
    expect(note).toMatchObject({ body: "Checked the CCTV log.", visible_to_citizen: 0 });
    const view = (await (await page(id, cookie)).json()) as {
      history: { kind: string; internal: boolean }[];
    };
    expect(view.history.find((e) => e.kind === "note")?.internal).toBe(true);
  });

  it("masks contact details until asked with a POST, and records each full viewing", async () => {
    const cookie = await sessionOf("officer.immd");
    const { id } = await newCase();
    const masked = await (await page(id, cookie)).text();
    expect(masked).not.toContain(EMAIL);
    expect(masked).not.toContain("Chan Tai Man");
    expect(JSON.parse(masked).contact).toMatchObject({
      email: "c***@example.com",
      phone: "****4567",
      shown: false,
    });
    expect(await audits("case.contact-view")).toHaveLength(0);

    // A GET (a prefetch, a crawler, a link followed by accident) neither reveals nor records.
    const got = await (await page(id, cookie, "?contact=show")).text();
    expect(got).not.toContain(EMAIL);
    expect(got).not.toContain("Chan Tai Man");
    expect(JSON.parse(got).contact.shown).toBe(false);
    expect(await audits("case.contact-view")).toHaveLength(0);

    // A POST without the CSRF token: refused, nothing recorded.
    const forged = await post(id, { intent: "show-contact" }, cookie, { csrf: null });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain(EMAIL);
    expect(await audits("case.contact-view")).toHaveLength(0);

    const res = await post(id, { intent: "show-contact" }, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const shown = (await res.json()) as { contact: Record<string, unknown> };
    expect(shown.contact).toMatchObject({ name: "Chan Tai Man", email: EMAIL, phone: PHONE, shown: true });
    const views = await audits("case.contact-view");
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({
      actor_user_id: await staffId("officer.immd"),
      entity_type: "case",
      entity_id: String(id),
    });
    expect(views[0]!.detail ?? "").not.toContain(EMAIL);

    // Another department's staff cannot ask: 404, nothing shown.
    const hkp = await sessionOf("admin.hkp");
    const foreign = await post(id, { intent: "show-contact" }, hkp);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain(EMAIL);
    expect(await audits("case.contact-view")).toHaveLength(1);
  });

  it("assigns a case to an officer of the department only", async () => {
    const cookie = await sessionOf("manager.immd");
    const { id } = await newCase();
    const officer = await staffId("officer.immd");
    expect(
      (await post(id, { intent: "assign", officerId: String(await staffId("admin.hkp")) }, cookie)).status,
    ).toBe(400);
    expect((await caseRow(id)).assigned_to).toBeNull();
    expect((await post(id, { intent: "assign", officerId: String(officer) }, cookie)).status).toBe(302);
    expect((await caseRow(id)).assigned_to).toBe(officer);
    const view = (await (await page(id, cookie)).json()) as { history: { kind: string }[] };
    expect(view.history.map((e) => e.kind)).toContain("assign");
  });

  it("serves an attachment to the department's staff only, as a download", async () => {
    const { id } = await newCase();
    const other = await newCase();
    // Stored as the complaint form stores uploads: random hex and the sniffed type's extension.
    const attachmentId = await addAttachment(id, "0f1e2d3c4b5a69788796a5b4c3d2e1f0.pdf", "%PDF-1.4 receipt");

    const immd = await sessionOf("admin.immd");
    const res = await download(id, attachmentId, immd);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent("收據 receipt.pdf")}`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toBe("%PDF-1.4 receipt");
    expect(await audits("case.attachment-download")).toHaveLength(1);

    // The attachment must belong to the case in the address.
    expect((await download(other.id, attachmentId, immd)).status).toBe(404);
    // A stored name that is not one of ours never reaches the filesystem.
    const odd = await addAttachment(id, "ok-name", "x");
    for (const name of ["../pii-key", "..", "a/../b.pdf", "a.pdf.part", "x.html", ".png"]) {
      await app.db.updateTable("case_attachments").set({ stored_name: name }).where("id", "=", odd).execute();
      expect((await download(id, odd, immd)).status, name).toBe(404);
    }
    // Whatever type a row claims, only a type recognised from the bytes is ever served as such.
    const html = await addAttachment(
      id,
      "aa11bb22cc33dd44ee55ff6677889900.png",
      "<script>",
      "x.png",
      "text/html",
    );
    const served = await download(id, html, immd);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/octet-stream");
    expect(served.headers.get("content-disposition")).toMatch(/^attachment;/);

    const hkp = await sessionOf("admin.hkp");
    expect((await download(id, attachmentId, hkp)).status).toBe(404);
    expect((await page(id, hkp)).status).toBe(404);
    const denied = await audits("access.denied");
    expect(denied.filter((a) => a.entity_type === "case" && a.entity_id === String(id))).toHaveLength(2);
    expect(await audits("case.attachment-download")).toHaveLength(2);
  });

  it("gives staff of another department 404 on the case page and its forms", async () => {
    const { id } = await newCase();
    const hkp = await sessionOf("admin.hkp");
    expect((await page(id, hkp)).status).toBe(404);
    expect((await post(id, { intent: "move", move: "acknowledge" }, hkp)).status).toBe(404);
    expect((await caseRow(id)).status).toBe("received");
  });

  it("does not open the case page or queue for counter staff", async () => {
    const { id } = await newCase();
    const counter = await sessionOf("counter.immd");
    expect((await page(id, counter)).status).toBe(404);
    expect((await queue(counter, "open")).status).toBe(404);
  });

  it("lists overdue and due-soon cases in the queue, masked, and writes nothing on GET", async () => {
    const cookie = await sessionOf("officer.immd");
    const late = await newCase();
    const soon = await newCase();
    await newCase(); // neither
    await app.db.updateTable("cases").set({ ack_due: "2020-01-02" }).where("id", "=", late.id).execute();
    await app.db
      .updateTable("cases")
      .set({ ack_due: hkDate(new Date()) })
      .where("id", "=", soon.id)
      .execute();

    const res = await queue(cookie, "overdue");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(EMAIL);
    const overdue = JSON.parse(text) as {
      rows: { reference: string; next: { step: string; left: number }; contact: { email: string } }[];
    };
    expect(overdue.rows.map((r) => r.reference)).toEqual([late.reference]);
    expect(overdue.rows[0]!.next.step).toBe("ack");
    expect(overdue.rows[0]!.next.left).toBeLessThan(0);
    expect(overdue.rows[0]!.contact.email).toBe("c***@example.com");

    const dueSoon = (await (await queue(cookie, "due-soon")).json()) as {
      rows: { reference: string; next: { left: number } }[];
    };
    expect(dueSoon.rows.map((r) => r.reference)).toEqual([soon.reference]);
    expect(dueSoon.rows[0]!.next.left).toBe(0);

    const notices = () =>
      app.db.selectFrom("notifications").selectAll().where("kind", "=", "case_overdue").execute();
    // The queue is a GET: it writes nothing, however often it is read. The worker flags overdue
    // cases and tells managers, once per case (escalation-worker.test.ts).
    expect(await notices()).toHaveLength(0);
    await queue(cookie, "unassigned");
    expect(await notices()).toHaveLength(0);
    const unassigned = (await (await queue(cookie, "unassigned")).json()) as { rows: unknown[] };
    expect(unassigned.rows).toHaveLength(3);
  });

  it("refers a case to Hongkong Post, which accepts it: the case becomes theirs", async () => {
    const immd = await sessionOf("officer.immd");
    const hkp = await sessionOf("admin.hkp");
    const hkpId = await departmentId("HKP");
    const { id } = await newCase();
    await post(id, { intent: "assign", officerId: String(await staffId("officer.immd")) }, immd);

    expect(
      (await post(id, { intent: "refer", toDepartmentId: String(hkpId), referReason: "" }, immd)).status,
    ).toBe(400);
    const referred = await post(
      id,
      { intent: "refer", toDepartmentId: String(hkpId), referReason: "About mail delivery" },
      immd,
    );
    expect(referred.status).toBe(302);
    expect((await caseRow(id)).status).toBe("referred");
    const ref = await app.db
      .selectFrom("case_referrals")
      .selectAll()
      .where("case_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(ref).toMatchObject({ status: "pending", to_department_id: hkpId, reason: "About mail delivery" });
    // Nothing moves while it waits.
    expect((await post(id, { intent: "move", move: "acknowledge" }, immd)).status).toBe(409);

    // Hongkong Post sees it in "referred to us", but not the case page yet.
    const q = (await (await queue(hkp, "open")).json()) as { referrals: { id: number; reference: string }[] };
    expect(q.referrals.map((r) => r.id)).toEqual([ref.id]);
    expect((await page(id, hkp)).status).toBe(404);

    const accepted = await settle(() =>
      queueAction({
        request: postForm(
          "/staff/cases",
          { intent: "accept-referral", referralId: String(ref.id) },
          { csrfToken: app.csrfToken, cookie: hkp },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe(`/staff/cases/${id}?saved=refer-accept`);
    const moved = await caseRow(id);
    expect(moved).toMatchObject({ department_id: hkpId, status: "received", assigned_to: null });
    expect(moved.ack_due).not.toBeNull();
    expect((await events(id)).map((e) => e.kind).slice(-2)).toEqual(["refer", "refer-accept"]);
    expect(
      (
        await app.db
          .selectFrom("case_referrals")
          .select("status")
          .where("id", "=", ref.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe("accepted");
    expect(await audits("case.refer")).toHaveLength(2);

    expect((await page(id, hkp)).status).toBe(200);
    expect((await page(id, immd)).status).toBe(404);
    // A second decision on the same referral finds nothing to decide.
    const again = await settle(() =>
      queueAction({
        request: postForm(
          "/staff/cases",
          { intent: "return-referral", referralId: String(ref.id), returnNote: "No" },
          { csrfToken: app.csrfToken, cookie: hkp },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(again.status).toBe(404);
  });

  it("returns a referral to the sending department in its previous status, with a note", async () => {
    const immd = await sessionOf("officer.immd");
    const hkp = await sessionOf("admin.hkp");
    const { id } = await newCase();
    await post(id, { intent: "move", move: "acknowledge" }, immd);
    await post(
      id,
      { intent: "refer", toDepartmentId: String(await departmentId("HKP")), referReason: "Theirs?" },
      immd,
    );
    const ref = await app.db
      .selectFrom("case_referrals")
      .selectAll()
      .where("case_id", "=", id)
      .executeTakeFirstOrThrow();
    const decide = (fields: Record<string, string>, cookie: string) =>
      settle(() =>
        queueAction({
          request: postForm("/staff/cases", fields, { csrfToken: app.csrfToken, cookie }),
          context: app.context,
          params: {},
        }),
      );
    // Without a note: refused, nothing changes. The sending department cannot decide its own referral.
    expect(
      (await decide({ intent: "return-referral", referralId: String(ref.id), returnNote: "" }, hkp)).status,
    ).toBe(400);
    expect((await decide({ intent: "accept-referral", referralId: String(ref.id) }, immd)).status).toBe(404);
    expect((await caseRow(id)).status).toBe("referred");

    const res = await decide(
      { intent: "return-referral", referralId: String(ref.id), returnNote: "Counter matter, not mail" },
      hkp,
    );
    expect(res.status).toBe(302);
    const back = await caseRow(id);
    expect(back).toMatchObject({ status: "acknowledged", department_id: await departmentId("IMMD") });
    const last = (await events(id)).at(-1)!;
    expect(last).toMatchObject({
      kind: "refer-return",
      to_status: "acknowledged",
      body: "Counter matter, not mail",
      visible_to_citizen: 0,
    });
  });

  it("refuses the original handler's decision on an appeal and stores a manager's", async () => {
    const officer = await sessionOf("officer.immd");
    const manager = await sessionOf("manager.immd");
    const { id } = await newCase();
    await post(id, { intent: "assign", officerId: String(await staffId("officer.immd")) }, officer);
    await post(id, { intent: "move", move: "acknowledge" }, officer);
    expect(
      (await post(id, { intent: "move", move: "reply", reply: "Your application was in order." }, officer))
        .status,
    ).toBe(302);

    const lodged = await lodgeAppeal(app.db, await caseRow(id), {
      by: "citizen",
      grounds: "Nobody explained the delay.",
    });
    expect(lodged.ok).toBe(true);
    const appealId = lodged.ok ? lodged.id : 0;

    const officerView = (await (await page(id, officer)).json()) as {
      decideBlock: string | null;
      openAppealId: number;
    };
    expect(officerView).toMatchObject({ decideBlock: "originalHandler", openAppealId: appealId });

    const before = await events(id);
    const refused = await post(
      id,
      { intent: "decide-appeal", appealId: String(appealId), outcome: "upheld", appealReply: "Upheld." },
      officer,
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: { form: "cases.appeals.errors.originalHandler" } });
    const still = await app.db
      .selectFrom("appeals")
      .selectAll()
      .where("id", "=", appealId)
      .executeTakeFirstOrThrow();
    expect(still).toMatchObject({ outcome: null, reply: null, decided_at: null, reviewer_id: null });
    expect(await events(id)).toEqual(before);

    const decided = await post(
      id,
      {
        intent: "decide-appeal",
        appealId: String(appealId),
        outcome: "partly_upheld",
        appealReply: "We should have told you about the delay.",
      },
      manager,
    );
    expect(decided.status).toBe(302);
    const row = await app.db
      .selectFrom("appeals")
      .selectAll()
      .where("id", "=", appealId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      outcome: "partly_upheld",
      reply: "We should have told you about the delay.",
      reviewer_id: await staffId("manager.immd"),
      met: 1,
    });
    const view = (await (await page(id, manager)).json()) as {
      history: { kind: string; to: string | null; body: string | null }[];
      openAppealId: number | null;
    };
    expect(view.openAppealId).toBeNull();
    expect(view.history.map((e) => e.kind)).toEqual([
      "transition",
      "assign",
      "transition",
      "reply",
      "appeal",
      "appeal-decision",
    ]);
    expect(view.history.at(-1)).toMatchObject({
      to: "partly_upheld",
      body: "We should have told you about the delay.",
    });
  });

  it("refuses as an appeal's decider anyone who was ever assigned to the case, replied on it or decided it", async () => {
    const manager = await sessionOf("manager.immd");
    const officer = await sessionOf("officer.immd");
    const admin = await sessionOf("admin.immd");
    const { id } = await newCase();
    // The manager had the case first, then passed it to the officer, who acknowledged it; the
    // manager sent the reply. The current assignee is the officer.
    await post(id, { intent: "assign", officerId: String(await staffId("manager.immd")) }, manager);
    await post(id, { intent: "assign", officerId: String(await staffId("officer.immd")) }, manager);
    await post(id, { intent: "move", move: "acknowledge" }, officer);
    expect((await post(id, { intent: "move", move: "reply", reply: "Done." }, manager)).status).toBe(302);

    const first = await lodgeAppeal(app.db, await caseRow(id), { by: "citizen", grounds: "Too slow." });
    const firstId = first.ok ? first.id : 0;
    const decideAs = (cookie: string, appealId: number, reply: string) =>
      post(
        id,
        { intent: "decide-appeal", appealId: String(appealId), outcome: "not_upheld", appealReply: reply },
        cookie,
      );
    const appealRow = (appealId: number) =>
      app.db.selectFrom("appeals").selectAll().where("id", "=", appealId).executeTakeFirstOrThrow();
    const view = async (cookie: string) =>
      (await (await page(id, cookie)).json()) as { decideBlock: string | null; openAppealId: number | null };

    // The manager (assigned once, and the one who replied) is not offered the form and is refused.
    expect(await view(manager)).toMatchObject({ decideBlock: "involved", openAppealId: firstId });
    const before = await events(id);
    const refused = await decideAs(manager, firstId, "Not upheld.");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: { form: "cases.appeals.errors.involved" } });
    expect(await appealRow(firstId)).toMatchObject({ outcome: null, reply: null, reviewer_id: null });
    expect(await events(id)).toEqual(before);
    expect(await audits("appeal.decide")).toHaveLength(0);
    // The current assignee still gets the original handler's refusal.
    expect(await view(officer)).toMatchObject({ decideBlock: "originalHandler" });

    // The department's administrator never touched it: offered the form, and may decide.
    expect(await view(admin)).toMatchObject({ decideBlock: null });
    expect((await decideAs(admin, firstId, "We replied within our pledge.")).status).toBe(302);

    // A second appeal on the same case: whoever decided the first one is now involved too.
    const second = await lodgeAppeal(app.db, await caseRow(id), { by: "staff", grounds: "Still unhappy." });
    const secondId = second.ok ? second.id : 0;
    expect(secondId).toBeGreaterThan(0);
    expect(await view(admin)).toMatchObject({ decideBlock: "involved", openAppealId: secondId });
    const again = await decideAs(admin, secondId, "Not upheld again.");
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ errors: { form: "cases.appeals.errors.involved" } });
    expect(await appealRow(secondId)).toMatchObject({ outcome: null, decided_at: null });
    expect(await audits("appeal.decide")).toHaveLength(1);
  });

  it("lets staff lodge an appeal for the customer, with grounds, after the reply only", async () => {
    const cookie = await sessionOf("manager.immd");
    const { id } = await newCase();
    expect((await post(id, { intent: "lodge-appeal", grounds: "Too slow." }, cookie)).status).toBe(409);
    await post(id, { intent: "move", move: "acknowledge" }, cookie);
    await post(id, { intent: "move", move: "reply", reply: "Done." }, cookie);
    expect((await post(id, { intent: "lodge-appeal", grounds: " " }, cookie)).status).toBe(400);
    expect((await post(id, { intent: "lodge-appeal", grounds: "Too slow." }, cookie)).status).toBe(302);
    const appeal = await app.db
      .selectFrom("appeals")
      .selectAll()
      .where("case_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(appeal).toMatchObject({
      lodged_by: "staff",
      lodged_by_user: await staffId("manager.immd"),
      grounds: "Too slow.",
    });
    expect((await post(id, { intent: "lodge-appeal", grounds: "Again." }, cookie)).status).toBe(409);
  });
});
