import { describe, expect, it } from "vitest";
import { dueDate } from "~/models/calendar/working-days";
import { clockStops } from "~/models/cases/deadlines.server";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { importReadings, recordReading } from "~/models/pledges/readings.server";
import { pledgeResults } from "~/models/pledges/results.server";
import { recordTransaction } from "~/models/pledges/transactions.server";
import { importTransactions } from "~/models/pledges/transactions-import.server";
import { createApiKey } from "~/models/staff/api-keys.server";
import { action as listAction, loader as listLoader } from "~/routes/admin.pledges._index";
import { action as pledgeAction, loader as pledgeLoader } from "~/routes/admin.pledges.$id";
import { action as importAction } from "~/routes/admin.pledges.$id_.import";
import { action as apiAction } from "~/routes/api.v1.transactions";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { storeTestResponse } from "../setup/survey-responses";

type Fields = Record<string, string>;

/** A new transactions-timeliness pledge, as the form sends it (every fieldset's fields present). */
function pledgeForm(serviceId: number, overrides: Fields = {}): Fields {
  return {
    intent: "create",
    code: "IMMD-PASSPORT",
    serviceId: String(serviceId),
    statementEn: "HKSAR passports are issued within 10 working days.",
    statementZh: "香港特區護照於 10 個工作天內簽發。",
    customer: "external",
    category: "efficiency",
    targetKind: "timeliness",
    targetShare: "95",
    minSample: "30",
    timelinessSource: "transactions",
    transactionType: "PASSPORT",
    caseStep: "",
    days: "10",
    dayUnit: "working",
    surveyId: "",
    questionKey: "",
    measureEn: "",
    measureZh: "",
    measureUnit: "",
    comparator: "",
    threshold: "",
    plausibleMin: "",
    plausibleMax: "",
    ...overrides,
  };
}

describe.each(DB_KINDS)("pledge registry for department staff [%s]", (kind) => {
  const app = useTestApp(kind);

  const sessionOf = (username: string) => signInAs(app.c, username);

  const dept = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const staff = async (username: string) =>
    (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;
  async function service(deptCode: string, code: string) {
    const row = await app.db
      .selectFrom("services as s")
      .innerJoin("departments as d", "d.id", "s.department_id")
      .select("s.id")
      .where("d.code", "=", deptCode)
      .where("s.code", "=", code)
      .executeTakeFirstOrThrow();
    return row.id;
  }
  async function pledge(code: string) {
    return app.db.selectFrom("pledges").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  }
  async function currentVersion(code: string) {
    const p = await pledge(code);
    return app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("id", "=", p.current_version_id!)
      .executeTakeFirstOrThrow();
  }
  async function count(
    table:
      | "pledges"
      | "pledge_versions"
      | "service_transactions"
      | "quality_readings"
      | "data_imports"
      | "audit_events"
      | "pledge_unmet_notes",
  ): Promise<number> {
    const r = await app.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  const listPost = (cookie: string, fields: Fields) =>
    settle(() =>
      listAction({
        request: postForm("/admin/pledges", fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: {},
      }),
    );
  const pledgePost = (cookie: string, id: number, fields: Fields) =>
    settle(() =>
      pledgeAction({
        request: postForm(`/admin/pledges/${id}`, fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: { id: String(id) },
      }),
    );
  const pledgePage = (cookie: string, id: number) =>
    settle(() =>
      pledgeLoader({
        request: getRequest(`/admin/pledges/${id}`, { cookie }),
        context: app.context,
        params: { id: String(id) },
      }),
    );
  /** The import form as the browser sends it: multipart with the file (or a paste). */
  const importPost = (
    cookie: string,
    id: number,
    file: { name: string; text: string } | { paste: string },
  ) => {
    const body = new FormData();
    body.set("csrf", app.csrfToken);
    if ("paste" in file) body.set("csv", file.paste);
    else body.set("file", new File([file.text], file.name, { type: "text/csv" }));
    const headers = new Headers({ Cookie: `pledge_csrf=${app.csrfToken}; ${cookie}`, Origin: ORIGIN });
    return settle(() =>
      importAction({
        request: new Request(`${ORIGIN}/admin/pledges/${id}/import`, { method: "POST", headers, body }),
        context: app.context,
        params: { id: String(id) },
      }),
    );
  };
  const createdId = (res: Response) => {
    expect(res.status).toBe(302);
    const m = /^\/admin\/pledges\/(\d+)\?saved=created$/.exec(res.headers.get("location") ?? "");
    expect(m).not.toBeNull();
    return Number(m![1]);
  };

  it("lists the department's own pledges with their latest result and creates a draft from the form", async () => {
    const cookie = await sessionOf("admin.immd");
    const list = await settle(() =>
      listLoader({ request: getRequest("/admin/pledges", { cookie }), context: app.context, params: {} }),
    );
    expect(list.status).toBe(200);
    const body = (await list.json()) as { rows: { code: string; status: string; result: unknown }[] };
    expect(body.rows.map((r) => r.code)).toEqual(["IMMD-ID-CARD"]);
    expect(body.rows[0]).toMatchObject({
      status: "published",
      result: { status: "insufficient", sample: 0 },
    });

    const passport = await service("IMMD", "PASSPORT");
    const audits = await count("audit_events");
    const id = createdId(await listPost(cookie, pledgeForm(passport, { code: "immd-passport" })));
    const p = await app.db.selectFrom("pledges").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(p).toMatchObject({ code: "IMMD-PASSPORT", status: "draft", service_id: passport });
    const v = await currentVersion("IMMD-PASSPORT");
    expect(v).toMatchObject({
      version_no: 1,
      change_reason: "initial",
      target_kind: "timeliness",
      timeliness_source: "transactions",
      transaction_type: "PASSPORT",
      days: 10,
      day_unit: "working",
      target_share: 95,
      min_sample: 30,
      // Fields of the other kinds of target are not kept, even when sent.
      survey_id: null,
      measure_en: null,
    });
    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: "pledge.create", entity_id: String(id) });
    expect(await count("audit_events")).toBe(audits + 1);

    // The same code again, a malformed code, and another department's service are refused.
    const again = await listPost(cookie, pledgeForm(passport));
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errors: Fields }).errors).toEqual({
      code: "pledgesAdmin.errors.codeTaken",
    });
    const bad = await listPost(cookie, pledgeForm(passport, { code: "X", targetShare: "150" }));
    expect(((await bad.json()) as { errors: Fields }).errors).toMatchObject({
      code: "pledgesAdmin.errors.code",
      targetShare: "pledgesAdmin.errors.share",
    });
    const foreign = await listPost(
      cookie,
      pledgeForm(await service("HKP", "SPEEDPOST"), { code: "IMMD-SPEED" }),
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({
      field: "serviceId",
      errors: { serviceId: "pledgesAdmin.errors.serviceNotOurs" },
    });
    expect(await count("pledges")).toBe(14);
  });

  it("refuses a satisfaction target that cannot be measured, naming the field, and stores nothing", async () => {
    const cookie = await sessionOf("admin.immd");
    const survey = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "immdcsat")
      .executeTakeFirstOrThrow();
    const satisfaction = (questionKey: string) =>
      pledgeForm(0, {
        code: "IMMD-CSAT",
        serviceId: "",
        targetKind: "satisfaction",
        category: "quality",
        targetShare: "80",
        minSample: "20",
        surveyId: String(survey.id),
        questionKey,
      });
    const before = { pledges: await count("pledges"), versions: await count("pledge_versions") };
    const serviceId = String(await service("IMMD", "ID-CARD"));

    const noQuestion = await listPost(cookie, { ...satisfaction(""), serviceId });
    expect(noQuestion.status).toBe(400);
    expect(((await noQuestion.json()) as { errors: Fields }).errors).toEqual({
      questionKey: "pledgesAdmin.errors.notMeasurable",
    });

    // "comments" is a free-text question: it has no five-point share to count.
    const textQuestion = await listPost(cookie, { ...satisfaction("comments"), serviceId });
    expect(textQuestion.status).toBe(400);
    expect(await textQuestion.json()).toMatchObject({
      field: "questionKey",
      errors: { questionKey: "pledgesAdmin.errors.questionNotRating" },
    });

    // Another department's survey cannot measure this department's pledge either.
    const hkp = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "hkpcsat")
      .executeTakeFirstOrThrow();
    const foreign = await listPost(cookie, {
      ...satisfaction("overall"),
      serviceId,
      surveyId: String(hkp.id),
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ field: "questionKey" });

    expect({ pledges: await count("pledges"), versions: await count("pledge_versions") }).toEqual(before);

    // A five-point question of the department's own survey is measurable.
    createdId(await listPost(cookie, { ...satisfaction("overall"), serviceId }));
  });

  it("approves and publishes by the table of moves, refuses a disallowed move with 409, and edits a published pledge only as a new version with a reason", async () => {
    const cookie = await sessionOf("admin.immd");
    const id = createdId(await listPost(cookie, pledgeForm(await service("IMMD", "PASSPORT"))));
    const status = async () => (await pledge("IMMD-PASSPORT")).status;

    const early = await pledgePost(cookie, id, { intent: "move", move: "publish" });
    expect(early.status).toBe(409);
    expect(await status()).toBe("draft");

    // A draft is edited in place: still version 1.
    const draftEdit = await pledgePost(cookie, id, {
      ...pledgeForm(await service("IMMD", "PASSPORT"), { targetShare: "96" }),
      intent: "edit",
    });
    expect(draftEdit.headers.get("location")).toBe(`/admin/pledges/${id}?saved=updated`);
    expect(await count("pledge_versions")).toBe(14);

    expect((await pledgePost(cookie, id, { intent: "move", move: "approve" })).status).toBe(302);
    expect((await pledgePost(cookie, id, { intent: "move", move: "publish" })).status).toBe(302);
    expect(await status()).toBe("published");
    const v1 = await currentVersion("IMMD-PASSPORT");
    expect(v1).toMatchObject({ version_no: 1, target_share: 96, effective_to: null });

    const again = await pledgePost(cookie, id, { intent: "move", move: "approve" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { errors: Fields }).errors.form).toBe(
      "pledgesAdmin.errors.moveNotAllowed",
    );

    const audits = await count("audit_events");
    const strengthened = pledgeForm(await service("IMMD", "PASSPORT"), {
      intent: "edit",
      statementEn: "HKSAR passports are issued within 8 working days.",
      statementZh: "香港特區護照於 8 個工作天內簽發。",
      days: "8",
    });
    const noReason = await pledgePost(cookie, id, strengthened);
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { errors: Fields }).errors).toEqual({
      changeReason: "pledgesAdmin.errors.reasonRequired",
    });
    // "obsolete" is what retiring records; it is not a reason to edit.
    expect((await pledgePost(cookie, id, { ...strengthened, changeReason: "obsolete" })).status).toBe(400);
    expect(await count("pledge_versions")).toBe(14);
    expect(await count("audit_events")).toBe(audits);
    expect(await currentVersion("IMMD-PASSPORT")).toEqual(v1);

    const res = await pledgePost(cookie, id, { ...strengthened, changeReason: "strengthened" });
    expect(res.headers.get("location")).toBe(`/admin/pledges/${id}?saved=new-version`);
    const versions = await app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("pledge_id", "=", id)
      .orderBy("version_no")
      .execute();
    expect(versions).toHaveLength(2);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // Version 1 keeps every word and number; only its end date is set.
    expect(versions[0]).toEqual({ ...v1, effective_to: today });
    expect(versions[1]).toMatchObject({
      version_no: 2,
      change_reason: "strengthened",
      days: 8,
      statement_en: "HKSAR passports are issued within 8 working days.",
      effective_from: today,
      effective_to: null,
    });
    expect((await pledge("IMMD-PASSPORT")).current_version_id).toBe(versions[1]!.id);

    const page = (await (await pledgePage(cookie, id)).json()) as {
      versions: { version_no: number; change_reason: string }[];
    };
    expect(page.versions.map((v) => [v.version_no, v.change_reason])).toEqual([
      [2, "strengthened"],
      [1, "initial"],
    ]);

    expect((await pledgePost(cookie, id, { intent: "move", move: "retire" })).status).toBe(302);
    expect(await status()).toBe("retired");
    expect((await pledgePost(cookie, id, { ...strengthened, changeReason: "corrected" })).status).toBe(409);
  });

  it("answers another department's pledge, or a role that may not manage pledges, with 404 and writes nothing", async () => {
    const idCard = (await pledge("IMMD-ID-CARD")).id;
    const hkp = await sessionOf("admin.hkp");
    expect((await pledgePage(hkp, idCard)).status).toBe(404);
    const audits = await count("audit_events");
    const post = await pledgePost(hkp, idCard, { intent: "move", move: "retire" });
    expect(post.status).toBe(404);
    expect(
      (
        await importPost(hkp, idCard, {
          paste: "transaction_type,external_ref,received_at,completed_at\nID-CARD,X,2026-10-01 10:00,\n",
        })
      ).status,
    ).toBe(404);
    expect(await pledge("IMMD-ID-CARD")).toMatchObject({ status: "published" });
    expect(await count("service_transactions")).toBe(0);
    const denied = await app.db
      .selectFrom("audit_events")
      .select(["action", "entity_type", "entity_id"])
      .orderBy("id", "desc")
      .limit(2)
      .execute();
    expect(denied).toEqual([
      { action: "access.denied", entity_type: "pledge", entity_id: String(idCard) },
      { action: "access.denied", entity_type: "pledge", entity_id: String(idCard) },
    ]);
    expect(await count("audit_events")).toBe(audits + 2);

    const officer = await sessionOf("officer.immd");
    expect((await pledgePage(officer, idCard)).status).toBe(404);
    expect(
      (
        await settle(() =>
          listLoader({
            request: getRequest("/admin/pledges", { cookie: officer }),
            context: app.context,
            params: {},
          }),
        )
      ).status,
    ).toBe(404);
  });

  it("counts transaction timeliness in working days across the 2026 Mid-Autumn and National Day holidays, exactly", async () => {
    const cookie = await sessionOf("admin.immd");
    const p = await pledge("IMMD-ID-CARD"); // 99% within 10 working days, judged on 30 or more
    /*
     * Received Tue 22 Sep 2026; counting starts the next day:
     *   Wed 23 (1), Thu 24 (2), Fri 25 (3), Sat 26 = the day after Mid-Autumn (a general holiday,
     *   and a Saturday anyway), Sun 27, Mon 28 (4), Tue 29 (5), Wed 30 (6), Thu 1 Oct National Day
     *   (holiday), Fri 2 (7), Sat 3, Sun 4, Mon 5 (8), Tue 6 (9), Wed 7 (10), Thu 8 (11).
     * Completed Wed 7 Oct = 10 working days: met. Thu 8 Oct = 11: not met.
     * September: received Tue 1 Sep, completed Thu 3 Sep = 2 working days (met), but only 5 rows.
     */
    const lines = ["transaction_type,external_ref,received_at,completed_at"];
    for (let i = 0; i < 36; i++) lines.push(`ID-CARD,OCT-MET-${i},2026-09-22 10:00,2026-10-07 16:00`);
    for (let i = 0; i < 4; i++)
      lines.push(`ID-CARD,OCT-LATE-${i},2026-09-22 10:00,2026-10-08T16:00:00+08:00`);
    for (let i = 0; i < 5; i++) lines.push(`ID-CARD,SEP-${i},2026-09-01 09:00,2026-09-03 17:30`);
    lines.push("ID-CARD,OPEN-1,2026-10-30 09:00,");
    const res = await importPost(cookie, p.id, { name: "id-cards.csv", text: `${lines.join("\r\n")}\r\n` });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/admin/pledges/${p.id}?saved=import&rows=46`);

    const rows = await app.db
      .selectFrom("service_transactions")
      .select(["external_ref", "month", "working_days", "calendar_days", "received_at", "completed_at"])
      .execute();
    const byRef = new Map(rows.map((r) => [r.external_ref, r]));
    expect(byRef.get("OCT-MET-0")).toMatchObject({
      month: "2026-10",
      working_days: 10,
      calendar_days: 15,
      received_at: "2026-09-22T02:00:00.000Z",
      completed_at: "2026-10-07T08:00:00.000Z",
    });
    expect(byRef.get("OCT-LATE-0")).toMatchObject({ month: "2026-10", working_days: 11, calendar_days: 16 });
    expect(byRef.get("SEP-0")).toMatchObject({ month: "2026-09", working_days: 2 });
    expect(byRef.get("OPEN-1")).toMatchObject({ month: null, working_days: null, completed_at: null });
    const met = rows.filter((r) => r.working_days !== null && r.working_days <= 10);
    expect(met.map((r) => r.external_ref).sort()).toEqual(
      [
        ...Array.from({ length: 36 }, (_, i) => `OCT-MET-${i}`),
        ...Array.from({ length: 5 }, (_, i) => `SEP-${i}`),
      ].sort(),
    );
    const imp = await app.db.selectFrom("data_imports").selectAll().executeTakeFirstOrThrow();
    expect(imp).toMatchObject({ kind: "transactions", filename: "id-cards.csv", rows: 46 });

    const [sep, oct, q3, q4] = await pledgeResults(app.db, p, ["2026-09", "2026-10", "2026-Q3", "2026-Q4"]);
    // 5 rows < min_sample 30: not enough data to judge, whatever the share.
    expect(sep).toEqual({
      period: "2026-09",
      achieved: 100,
      compliant: 5,
      sample: 5,
      target: 99,
      status: "insufficient",
    });
    // 36 of 40 = 90.0% < 99%.
    expect(oct).toEqual({
      period: "2026-10",
      achieved: 90,
      compliant: 36,
      sample: 40,
      target: 99,
      status: "not_met",
    });
    expect(q3).toMatchObject({ compliant: 5, sample: 5, status: "insufficient" });
    expect(q4).toMatchObject({ compliant: 36, sample: 40, status: "not_met" });

    // The unmet month takes a reason and a corrective proposal; a second save replaces the first.
    const note = {
      intent: "unmet-note",
      period: "2026-10",
      reason: "Card personalisation machines were down for two days after National Day.",
      correctiveProposal: "A standby machine has been leased; overtime shifts until the backlog clears.",
    };
    expect((await pledgePost(cookie, p.id, { ...note, correctiveProposal: "" })).status).toBe(400);
    expect((await pledgePost(cookie, p.id, { ...note, reason: "x".repeat(2001) })).status).toBe(400);
    expect((await pledgePost(cookie, p.id, { ...note, period: "2026-09" })).status).toBe(400);
    expect(await count("pledge_unmet_notes")).toBe(0);
    expect((await pledgePost(cookie, p.id, note)).headers.get("location")).toBe(
      `/admin/pledges/${p.id}?saved=note`,
    );
    expect(
      (await pledgePost(cookie, p.id, { ...note, correctiveProposal: "A standby machine has been leased." }))
        .status,
    ).toBe(302);
    const page = (await (await pledgePage(cookie, p.id)).json()) as {
      notes: { period: string; reason: string; corrective_proposal: string; recorded_by_name: string }[];
    };
    expect(page.notes).toEqual([
      expect.objectContaining({
        period: "2026-10",
        reason: note.reason,
        corrective_proposal: "A standby machine has been leased.",
        recorded_by_name: "Cheung Wai Kit",
      }),
    ]);
    const audits = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "in", ["pledge.unmet-note", "data.import"])
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual([
      "data.import",
      "pledge.unmet-note",
      "pledge.unmet-note",
    ]);
  });

  it("records one transaction from the form, completes it later, and refuses a changed one", async () => {
    const cookie = await sessionOf("admin.immd");
    const p = await pledge("IMMD-ID-CARD");
    const post = (fields: Fields) => pledgePost(cookie, p.id, { intent: "transaction", ...fields });
    const open = await post({ externalRef: "A1234567", receivedAt: "2026-10-02T10:00", completedAt: "" });
    expect(open.headers.get("location")).toBe(`/admin/pledges/${p.id}?saved=transaction-stored`);
    const done = await post({
      externalRef: "A1234567",
      receivedAt: "2026-10-02T10:00",
      completedAt: "2026-10-09T15:00",
    });
    expect(done.headers.get("location")).toBe(`/admin/pledges/${p.id}?saved=transaction-updated`);
    // Fri 2 Oct → Mon 5 (1), Tue 6 (2), Wed 7 (3), Thu 8 (4), Fri 9 (5).
    expect(
      await app.db
        .selectFrom("service_transactions")
        .select(["transaction_type", "working_days", "month"])
        .execute(),
    ).toEqual([{ transaction_type: "ID-CARD", working_days: 5, month: "2026-10" }]);
    const same = await post({
      externalRef: "A1234567",
      receivedAt: "2026-10-02 10:00",
      completedAt: "2026-10-09T15:00",
    });
    expect(same.headers.get("location")).toBe(`/admin/pledges/${p.id}?saved=transaction-unchanged`);
    const changed = await post({ externalRef: "A1234567", receivedAt: "2026-10-01T10:00", completedAt: "" });
    expect(changed.status).toBe(400);
    expect(((await changed.json()) as { errors: Fields }).errors).toEqual({
      externalRef: "pledgesAdmin.errors.refConflict",
    });
    const backwards = await post({
      externalRef: "B1",
      receivedAt: "2026-10-09T10:00",
      completedAt: "2026-10-02T10:00",
    });
    expect(((await backwards.json()) as { errors: Fields }).errors).toEqual({
      completedAt: "pledgesAdmin.errors.completedBeforeReceived",
    });
    expect(await count("service_transactions")).toBe(1);
    const audits = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "transaction.create")
      .execute();
    expect(audits).toHaveLength(2);
  });

  it("judges a measured target from readings (29 of 30 at 15 m or more = 96.7% < 98%) and refuses implausible readings", async () => {
    const salt = await pledge("WSD-SALT-WATER"); // ≥ 15 m, 98%, plausible 0–100, judged on 10 or more
    const version = await currentVersion("WSD-SALT-WATER");
    const actor = { id: await staff("sysadmin") };
    const good = ["date,value,evidence_note"];
    for (let d = 1; d <= 29; d++)
      good.push(`2026-10-${String(d).padStart(2, "0")},${d === 1 ? "15" : (15 + d / 10).toFixed(1)},`);
    good.push('2026-10-30,14.9,"Pumping station 3, main under repair"');
    const r = await importReadings(app.db, actor, salt, version, "salt-water-oct.csv", good.join("\n"));
    expect(r).toMatchObject({ ok: true, rows: 30 });
    const [oct] = await pledgeResults(app.db, salt, ["2026-10"]);
    expect(oct).toEqual({
      period: "2026-10",
      achieved: 96.7,
      compliant: 29,
      sample: 30,
      target: 98,
      status: "not_met",
    });
    const note = await app.db
      .selectFrom("quality_readings")
      .select("evidence_note")
      .where("taken_on", "=", "2026-10-30")
      .executeTakeFirstOrThrow();
    expect(note.evidence_note).toBe("Pumping station 3, main under repair");

    // A file with one reading off the scale and one in the future stores nothing and names both.
    const bad = await importReadings(
      app.db,
      actor,
      salt,
      version,
      "bad.csv",
      "value,date\n15.5,2026-11-02\n150,2026-11-03\n15.2,2099-01-01\nabc,2026-11-04\n",
    );
    expect(bad).toEqual({
      ok: false,
      errorCount: 3,
      errors: [
        {
          line: 3,
          key: "pledgesAdmin.errors.implausibleDetail",
          column: "value",
          values: { column: "value", min: 0, max: 100 },
        },
        { line: 4, key: "pledgesAdmin.errors.dateFuture", column: "date", values: { column: "date" } },
        { line: 5, key: "pledgesAdmin.errors.number", column: "value", values: { column: "value" } },
      ],
    });
    expect(await count("quality_readings")).toBe(30);
    const one = await recordReading(app.db, actor, salt, version, { takenOn: "2026-11-02", value: "-3" });
    expect(one).toMatchObject({ ok: false, errors: { value: "pledgesAdmin.errors.implausible" } });
    expect(await count("quality_readings")).toBe(30);
  });

  it("refuses a reading outside the plausible range from the form, naming the field, and stores a good one", async () => {
    const cookie = await sessionOf("admin.immd");
    const id = createdId(
      await listPost(
        cookie,
        pledgeForm(await service("IMMD", "BIRTH-REG"), {
          code: "IMMD-BIRTH-ACCURACY",
          targetKind: "measured",
          category: "quality",
          targetShare: "99",
          minSample: "10",
          measureEn: "Share of birth entries without a correction",
          measureZh: "無須更正的出生登記比率",
          measureUnit: "%",
          comparator: "gte",
          threshold: "99.5",
          plausibleMin: "0",
          plausibleMax: "100",
        }),
      ),
    );
    const audits = await count("audit_events");
    const bad = await pledgePost(cookie, id, {
      intent: "reading",
      takenOn: "2026-10-05",
      value: "995",
      evidenceNote: "",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      errors: { value: "pledgesAdmin.errors.implausible" },
      messageValues: { min: 0, max: 100 },
    });
    const future = await pledgePost(cookie, id, { intent: "reading", takenOn: "2099-10-05", value: "99.6" });
    expect(((await future.json()) as { errors: Fields }).errors).toEqual({
      takenOn: "pledgesAdmin.errors.dateFuture",
    });
    expect(await count("quality_readings")).toBe(0);
    expect(await count("audit_events")).toBe(audits);

    const ok = await pledgePost(cookie, id, {
      intent: "reading",
      takenOn: "2026-10-05",
      value: "99.6",
      evidenceNote: "Register audit 10/2026",
    });
    expect(ok.headers.get("location")).toBe(`/admin/pledges/${id}?saved=reading`);
    expect(
      await app.db.selectFrom("quality_readings").select(["month", "value", "evidence_note"]).execute(),
    ).toEqual([{ month: "2026-10", value: 99.6, evidence_note: "Register audit 10/2026" }]);
    expect(
      (
        await app.db
          .selectFrom("audit_events")
          .select("action")
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirstOrThrow()
      ).action,
    ).toBe("reading.create");

    // A file of readings goes in whole and is listed on this pledge's page only.
    const imported = await importPost(cookie, id, {
      paste: "date,value,evidence_note\r\n2026-10-12,99.7,\r\n2026-10-19,99.9,Register audit\r\n",
    });
    expect(imported.headers.get("location")).toBe(`/admin/pledges/${id}?saved=import&rows=2`);
    expect(await count("quality_readings")).toBe(3);
    const page = (await (await pledgePage(cookie, id)).json()) as {
      kind: string;
      imports: { rows: number }[];
    };
    expect(page).toMatchObject({ kind: "readings", imports: [{ rows: 2, filename: "pasted.csv" }] });
    const idCard = (await (await pledgePage(cookie, (await pledge("IMMD-ID-CARD")).id)).json()) as {
      imports: unknown[];
    };
    expect(idCard.imports).toEqual([]);
  });

  it("judges a satisfaction target from survey responses: 17 of 20 rate 4 or 5 = 85% ≥ 80%", async () => {
    const scores = [5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1];
    for (const [i, score] of scores.entries()) {
      await storeTestResponse(app.db, "cstdicsat", {
        at: `2026-10-${String(i + 1).padStart(2, "0")}T02:00:00.000Z`,
        answers: { overall: String(score) },
      });
    }
    const p = await pledge("CSTDI-COURSE-RATING"); // 80% rate good or excellent, judged on 20 or more
    const [oct, sep] = await pledgeResults(app.db, p, ["2026-10", "2026-09"]);
    expect(oct).toEqual({
      period: "2026-10",
      achieved: 85,
      compliant: 17,
      sample: 20,
      target: 80,
      status: "met",
    });
    expect(sep).toMatchObject({ sample: 0, achieved: null, status: "insufficient" });
  });

  it("judges a case timeliness target with a clock stop spanning National Day", async () => {
    const gpa = await dept("GPA");
    const property = await service("GPA", "PROPERTY-MGMT");
    const actor = { id: await staff("sysadmin"), departmentId: gpa };
    const at = (iso: string) => new Date(iso);
    const open = (receivedAt: string) =>
      createCase(app.db, app.context.env.PII_KEY, {
        departmentId: gpa,
        serviceId: property,
        channel: "email",
        language: "en",
        whatHappened: "The lift on the 3rd floor is out of order.",
        desiredOutcome: "Repair it.",
        contact: {},
        consent: true,
        receivedAt,
      });
    /*
     * Reply within 2 working days. Both cases received Wed 30 Sep 2026, 10:00 HKT.
     * Case A: clock stopped Wed 30 Sep 15:00, restarted Fri 2 Oct 10:00, so Thu 1 Oct (National Day)
     *   and Fri 2 Oct are removed; counting: Sat 3, Sun 4, Mon 5 (1), Tue 6 (2) → due Tue 6 Oct.
     *   Replied Tue 6 Oct 16:00: met.
     * Case B: no stop: Thu 1 Oct holiday, Fri 2 (1), Mon 5 (2) → due Mon 5 Oct. Replied Tue 6: not met.
     * Cases C1–C8: received Mon 12 Oct 10:00, replied the same day: met.
     * October: 9 of 10 = 90% < 95%: not met.
     */
    const a = await open("2026-09-30T02:00:00.000Z");
    expect((await moveCase(app.db, actor, a.id, "acknowledge", {}, at("2026-09-30T03:00:00Z"))).ok).toBe(
      true,
    );
    expect(
      (
        await moveCase(
          app.db,
          actor,
          a.id,
          "stop-clock",
          { reason: "Waiting for the floor plan" },
          at("2026-09-30T07:00:00Z"),
        )
      ).ok,
    ).toBe(true);
    expect((await moveCase(app.db, actor, a.id, "resume", {}, at("2026-10-02T02:00:00Z"))).ok).toBe(true);
    expect(
      (await moveCase(app.db, actor, a.id, "reply", { body: "Repaired." }, at("2026-10-06T08:00:00Z"))).ok,
    ).toBe(true);

    const p = await pledge("GPA-PROPERTY-COMPLAINTS"); // 95% within 2 working days, judged on 10 or more
    const october = async () => (await pledgeResults(app.db, p, ["2026-10"]))[0]!;
    const twoWorkingDays = { days: 2, unit: "working" as const };
    expect(
      dueDate("2026-09-30T02:00:00.000Z", twoWorkingDays, { stops: await clockStops(app.db, a.id) }),
    ).toBe("2026-10-06");
    expect(await october()).toMatchObject({ compliant: 1, sample: 1 });

    const b = await open("2026-09-30T02:00:00.000Z");
    await moveCase(app.db, actor, b.id, "acknowledge", {}, at("2026-09-30T03:00:00Z"));
    await moveCase(app.db, actor, b.id, "reply", { body: "Repaired." }, at("2026-10-06T08:00:00Z"));
    expect(
      dueDate("2026-09-30T02:00:00.000Z", twoWorkingDays, { stops: await clockStops(app.db, b.id) }),
    ).toBe("2026-10-05");
    expect(await october()).toMatchObject({ compliant: 1, sample: 2 });

    for (let i = 0; i < 8; i++) {
      const x = await open("2026-10-12T02:00:00.000Z");
      await moveCase(app.db, actor, x.id, "acknowledge", {}, at("2026-10-12T03:00:00Z"));
      await moveCase(app.db, actor, x.id, "reply", { body: "Done." }, at("2026-10-12T09:00:00Z"));
    }
    const [sep, oct] = await pledgeResults(app.db, p, ["2026-09", "2026-10"]);
    expect(sep).toMatchObject({ sample: 0, status: "insufficient" });
    expect(oct).toEqual({
      period: "2026-10",
      achieved: 90,
      compliant: 9,
      sample: 10,
      target: 95,
      status: "not_met",
    });
  });

  it("checks a whole CSV before storing: every bad row by line, nothing stored, stored refs counted as duplicates", async () => {
    const immd = await dept("IMMD");
    const actor = { id: await staff("admin.immd") };
    expect(
      (
        await recordTransaction(app.db, actor, immd, {
          transactionType: "ID-CARD",
          externalRef: "STORED1",
          receivedAt: "2026-09-01 10:00",
          completedAt: "2026-09-02 10:00",
        })
      ).ok,
    ).toBe(true);
    const text = [
      "completed_at,transaction_type,external_ref,received_at",
      "2026-10-07 16:00,ID-CARD,OK1,2026-09-22 10:00",
      ",id-card,BAD1,2026-09-22 10:00",
      ",ID-CARD,BAD2,2026-09-31 10:00",
      ",ID-CARD,BAD3,2026-09-22T10:00",
      ",ID-CARD,OK1,2026-09-23 10:00",
      ",ID-CARD,BAD4",
      ",ID-CARD,BAD5,2099-01-01 10:00",
      '"","ID-CARD","Q,""1""","2026-09-22T10:00:00+08:00"',
      "2026-09-02 10:00,ID-CARD,STORED1,2026-09-01 10:00",
      "",
    ].join("\n");
    const r = await importTransactions(app.db, actor, immd, "mixed.csv", text);
    const col = (column: string) => ({ column, values: { column } });
    expect(r).toEqual({
      ok: false,
      errorCount: 7,
      errors: [
        { line: 3, key: "pledgesAdmin.errors.transactionType", ...col("transaction_type") },
        { line: 4, key: "pledgesAdmin.errors.dateTime", ...col("received_at") },
        { line: 5, key: "pledgesAdmin.errors.dateTime", ...col("received_at") },
        {
          line: 6,
          key: "pledgesAdmin.import.errors.duplicateInFile",
          column: "external_ref",
          values: { column: "external_ref", first: 2 },
        },
        { line: 7, key: "pledgesAdmin.import.errors.fieldCount", values: { expected: 4, found: 3 } },
        { line: 8, key: "pledgesAdmin.errors.future", ...col("received_at") },
        { line: 10, key: "pledgesAdmin.import.errors.duplicateStored", ...col("external_ref") },
      ],
    });
    expect(await count("service_transactions")).toBe(1);
    expect(await count("data_imports")).toBe(0);

    // Header problems are named column by column.
    expect(
      await importTransactions(
        app.db,
        actor,
        immd,
        "h.csv",
        "transaction_type,external_ref,received,completed_at\nA,B,C,D\n",
      ),
    ).toEqual({
      ok: false,
      errorCount: 2,
      errors: [
        {
          line: 1,
          key: "pledgesAdmin.import.errors.unknownColumn",
          column: "received",
          values: { column: "received" },
        },
        {
          line: 1,
          key: "pledgesAdmin.import.errors.missingColumn",
          column: "received_at",
          values: { column: "received_at" },
        },
      ],
    });
    expect(await importTransactions(app.db, actor, immd, "e.csv", "")).toMatchObject({
      errors: [{ line: 1, key: "pledgesAdmin.import.errors.empty" }],
    });
    expect(
      await importTransactions(
        app.db,
        actor,
        immd,
        "q.csv",
        'transaction_type,external_ref,received_at,completed_at\nA,"B,C,D\n',
      ),
    ).toMatchObject({
      errors: [{ line: 2, key: "pledgesAdmin.import.errors.unterminatedQuote" }],
    });

    // 150 bad rows: 100 listed, all 150 counted.
    const many = ["transaction_type,external_ref,received_at,completed_at"];
    for (let i = 0; i < 150; i++) many.push(`ID-CARD,M${i},not a date,`);
    const capped = await importTransactions(app.db, actor, immd, "many.csv", many.join("\n"));
    expect(capped).toMatchObject({ ok: false, errorCount: 150 });
    if (!capped.ok) {
      expect(capped.errors).toHaveLength(100);
      expect(capped.errors.at(-1)!.line).toBe(101);
    }

    // Fixed, the file goes in whole, the quoted reference with it.
    const fixed = text
      .split("\n")
      .filter((l, i) => i === 0 || l.includes("OK1,2026-09-22") || l.includes("Q,"))
      .join("\r\n");
    expect(await importTransactions(app.db, actor, immd, "fixed.csv", fixed)).toMatchObject({
      ok: true,
      rows: 2,
    });
    expect(
      (
        await app.db
          .selectFrom("service_transactions")
          .select("external_ref")
          .orderBy("external_ref")
          .execute()
      ).map((x) => x.external_ref),
    ).toEqual(["OK1", 'Q,"1"', "STORED1"]);
  });

  it("takes transactions from the JSON API: validated whole, stored once, completed later, scoped to the key's department", async () => {
    const immd = await dept("IMMD");
    const { key } = await createApiKey(
      app.db,
      { id: await staff("admin.immd"), departmentId: immd },
      "Card system",
    );
    const send = (body: unknown, apiKey: string | null = key) => {
      const headers = new Headers({ "Content-Type": "application/json" });
      if (apiKey) headers.set("Authorization", `Bearer ${apiKey}`);
      return settle(() =>
        apiAction({
          request: new Request(`${ORIGIN}/api/v1/transactions`, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
          }),
          context: app.context,
          params: {},
        }),
      );
    };
    const first = [
      {
        type: "ID-CARD",
        ref: "API-1",
        receivedAt: "2026-09-22T10:00:00+08:00",
        completedAt: "2026-10-07T16:00:00+08:00",
      },
      { type: "ID-CARD", ref: "API-2", receivedAt: "2026-10-02T02:00:00Z" },
    ];
    const r1 = await send({ transactions: first });
    expect(r1.status).toBe(201);
    expect(await r1.json()).toEqual({ stored: 2, updated: 0, unchanged: 0 });
    expect(await (await send({ transactions: first })).json()).toEqual({
      stored: 0,
      updated: 0,
      unchanged: 2,
    });
    const r3 = await send({
      transactions: [first[0], { ...first[1], completedAt: "2026-10-09T15:00:00+08:00" }],
    });
    expect(await r3.json()).toEqual({ stored: 0, updated: 1, unchanged: 1 });
    const api2 = await app.db
      .selectFrom("service_transactions")
      .select(["working_days", "month"])
      .where("external_ref", "=", "API-2")
      .executeTakeFirstOrThrow();
    expect(api2).toEqual({ working_days: 5, month: "2026-10" });

    const bad = await send({
      transactions: [
        { type: "ID-CARD", ref: "API-3", receivedAt: "2026-10-05T10:00:00+08:00" },
        { type: "id", ref: "API-4", receivedAt: "2026-10-05T10:00:00+08:00" },
        { type: "ID-CARD", ref: "API-5", receivedAt: "2026-10-05 10:00" },
        { type: "ID-CARD", ref: "API-1", receivedAt: "2026-09-21T10:00:00+08:00" },
        { type: "ID-CARD", ref: "API-6", receivedAt: "2026-10-05T10:00:00+08:00", note: "x" },
        { type: "ID-CARD", ref: "API-3", receivedAt: "2026-10-05T10:00:00+08:00" },
      ],
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as {
      error: { code: string };
      errors: { index: number; code: string; field: string }[];
    };
    expect(body.error.code).toBe("invalid_transactions");
    expect(body.errors.map((e) => [e.index, e.code, e.field])).toEqual([
      [1, "invalid_type", "type"],
      [2, "invalid_date", "receivedAt"],
      [3, "ref_conflict", "ref"],
      [4, "unknown_field", "note"],
      [5, "duplicate_ref", "ref"],
    ]);
    expect(await count("service_transactions")).toBe(2);

    expect((await send({ transactions: first }, null)).status).toBe(401);
    const tooMany = Array.from({ length: 5001 }, (_, i) => ({
      type: "ID-CARD",
      ref: `N${i}`,
      receivedAt: "2026-10-05T10:00:00+08:00",
    }));
    expect((await send({ transactions: tooMany })).status).toBe(413);
    expect((await send({ transactions: [] })).status).toBe(400);

    // The same ref from another department's key is that department's own transaction.
    const hkp = await dept("HKP");
    const other = await createApiKey(
      app.db,
      { id: await staff("admin.hkp"), departmentId: hkp },
      "Mail system",
    );
    expect(await (await send({ transactions: [first[0]] }, other.key)).json()).toEqual({
      stored: 1,
      updated: 0,
      unchanged: 0,
    });
    const audits = await app.db
      .selectFrom("audit_events")
      .select("department_id")
      .where("action", "=", "transaction.create")
      .orderBy("id")
      .execute();
    expect(audits.map((a) => a.department_id)).toEqual([immd, immd, hkp]);
  });

  if (kind === "sqlite") {
    it("refuses a 100,000-row file with one bad row at line 54,321, storing nothing; the fixed file is stored whole", async () => {
      const cookie = await sessionOf("admin.immd");
      const p = await pledge("IMMD-ID-CARD");
      const hk = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
      const start = Date.parse("2026-01-05T09:00:00+08:00");
      const file = (badLine: number | null) => {
        const lines = ["transaction_type,external_ref,received_at,completed_at"];
        for (let i = 0; i < 100_000; i++) {
          const received = start + (i % 270) * 86_400_000 + (i % 420) * 60_000;
          const line = i + 2;
          const completed =
            line === badLine ? received - 3_600_000 : received + (i % 12) * 86_400_000 + 3_600_000;
          lines.push(
            `ID-CARD,R${String(i).padStart(6, "0")},${hk(received)},${i % 40 === 0 ? "" : hk(completed)}`,
          );
        }
        return `${lines.join("\r\n")}\r\n`;
      };
      const refused = await importPost(cookie, p.id, { name: "cards-2026.csv", text: file(54_321) });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        filename: "cards-2026.csv",
        errorCount: 1,
        errors: [
          {
            line: 54_321,
            key: "pledgesAdmin.errors.completedBeforeReceived",
            column: "completed_at",
            values: { column: "completed_at" },
          },
        ],
      });
      expect(await count("service_transactions")).toBe(0);
      expect(await count("data_imports")).toBe(0);

      const stored = await importPost(cookie, p.id, { name: "cards-2026.csv", text: file(null) });
      expect(stored.status).toBe(302);
      expect(stored.headers.get("location")).toBe(`/admin/pledges/${p.id}?saved=import&rows=100000`);
      expect(await count("service_transactions")).toBe(100_000);
      const imp = await app.db.selectFrom("data_imports").selectAll().executeTakeFirstOrThrow();
      expect(imp).toMatchObject({ rows: 100_000, kind: "transactions" });
      const linked = await app.db
        .selectFrom("service_transactions")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("import_id", "=", imp.id)
        .executeTakeFirstOrThrow();
      expect(Number(linked.n)).toBe(100_000);
    });
  }
});
