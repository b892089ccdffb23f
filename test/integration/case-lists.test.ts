import ExcelJS from "exceljs";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { resources } from "~/i18n";
import { hkMonth } from "~/models/calendar/time";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { type CaseFilter, listCases, parseCaseFilter } from "~/models/cases/list.server";
import { checkCharacter } from "~/models/cases/reference";
import { action as listAction, loader as listLoader } from "~/routes/staff.cases._index";
import { loader as csvLoader } from "~/routes/staff.cases.export[.]csv";
import { loader as xlsxLoader } from "~/routes/staff.cases.export[.]xlsx";
import { loader as feedbackLoader } from "~/routes/staff.feedback";
import { loader as feedbackCsv } from "~/routes/staff.feedback_.export[.]csv";
import { loader as searchLoader } from "~/routes/staff.search";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

const EMAIL = "chan.tai.man@example.com";
const PHONE = "9123 4567";

interface ListData {
  rows: { id: number; reference: string; status: string; contact: { email: string | null } }[];
  next: string | null;
  errors: { param: string; value: string; code: string }[];
  readOnly: boolean;
  department: { code: string } | null;
}

describe.each(DB_KINDS)("case lists, search, bulk actions and exports [%s]", (kind) => {
  const app = useTestApp(kind);

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const staffId = async (username: string) =>
    (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;

  async function newCase(
    options: {
      code?: string;
      receivedAt?: string;
      text?: string;
      channel?: string;
      serviceId?: number | null;
    } = {},
  ) {
    return createCase(app.db, app.context.env.PII_KEY, {
      departmentId: await deptId(options.code ?? "IMMD"),
      serviceId: options.serviceId ?? null,
      channel: options.channel ?? "web",
      language: "en",
      whatHappened: options.text ?? "I waited three hours at the counter and was then sent away.",
      desiredOutcome: "An explanation.",
      contact: { name: "Chan Tai Man", email: EMAIL, phone: PHONE },
      consent: true,
      receivedAt: options.receivedAt,
    });
  }

  async function list(cookie: string, query: string) {
    const res = await settle(() =>
      listLoader({
        request: getRequest(`/staff/cases?${query}`, { cookie }),
        context: app.context,
        params: {},
      }),
    );
    return {
      status: res.status,
      data: (res.status === 200 || res.status === 400 ? await res.json() : null) as ListData,
    };
  }

  function search(cookie: string, q: string) {
    return settle(() =>
      searchLoader({
        request: getRequest(`/staff/search?${new URLSearchParams({ q })}`, { cookie }),
        context: app.context,
        params: {},
      }),
    );
  }

  function post(cookie: string, fields: [string, string][], query = "") {
    const request = postForm(`/staff/cases${query}`, {}, { csrfToken: app.csrfToken, cookie });
    return settle(async () => {
      const body = new URLSearchParams(await request.text());
      for (const [k, v] of fields) body.append(k, v);
      return listAction({
        request: new Request(request.url, { method: "POST", headers: request.headers, body }),
        context: app.context,
        params: {},
      });
    });
  }

  it("the search box opens a case by its reference, with or without the check character", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    const c = await newCase();
    const full = await search(officer, c.reference.toLowerCase());
    expect(full.status).toBe(302);
    expect(full.headers.get("Location")).toBe(`/staff/cases/${c.id}`);
    const body = c.reference.slice(0, -2);
    const short = await search(officer, ` ${body} `);
    expect(short.headers.get("Location")).toBe(`/staff/cases/${c.id}`);

    // A wrong check character is said so, not searched for.
    const wrongChar = checkCharacter(body) === "A" ? "B" : "A";
    const wrong = await search(officer, `${body}-${wrongChar}`);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).answer).toEqual({ kind: "wrongCheck", value: `${body}-${wrongChar}` });
    const en = i18next.createInstance({ resources, lng: "en", ns: ["common"], defaultNS: "common" });
    await en.init();
    expect(en.t("caseLists.search.wrongCheck", { value: "X" })).toMatch(/check character/);
    const zh = i18next.createInstance({ resources, lng: "zh-HK", ns: ["common"], defaultNS: "common" });
    await zh.init();
    expect(zh.t("caseLists.search.wrongCheck", { value: "X" })).toMatch(/校驗字元/);

    // Another department's case is not found for an officer; the central reviewer finds any.
    const other = await newCase({ code: "HKP" });
    const notMine = await search(officer, other.reference);
    expect(notMine.status).toBe(404);
    expect((await notMine.json()).answer.kind).toBe("notFound");
    // The central reviewer may not open a case page (it is the handlers'): the box lists the one
    // case, read-only, in its department's list.
    const reviewer = await signInAs(app.c, "reviewer");
    const found = (await search(reviewer, other.reference)).headers.get("Location")!;
    expect(found).toBe(`/staff/cases?dept=HKP&ref=${other.reference}`);
    const shown = await list(reviewer, found.split("?")[1]!);
    expect(shown.status).toBe(200);
    expect(shown.data.rows.map((r) => r.reference)).toEqual([other.reference]);
    expect(shown.data.readOnly).toBe(true);
    // A badly formed or wrong reference in the list's URL is named, as every other filter.
    const badRef = await list(reviewer, "dept=HKP&ref=HKP-1");
    expect(badRef.status).toBe(400);
    expect(badRef.data.errors[0]).toMatchObject({ param: "ref" });

    // Words are a full-text search of the list.
    const words = await search(officer, "counter hours");
    expect(words.headers.get("Location")).toBe("/staff/cases?q=counter+hours");
  });

  it("takes any text in the search: quotes, search-syntax characters and control characters are words, never an error", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    await newCase(); // a case to match against: SQLite reads the search only when there is one
    for (const q of ["\u0000'\";drop", 'passport"', "NEAR(a b)", "a* OR b:c ^d", "\u0001\u007f", "-- ;"]) {
      const r = await list(officer, `q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      expect(r.data.errors, q).toEqual([]);
    }
  });

  it("filters the list by each parameter, and full text over what the case says", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    const officerId = await staffId("officer.immd");
    const services = await app.db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", await deptId("IMMD"))
      .orderBy("id")
      .execute();
    const a = await newCase({
      receivedAt: "2026-10-05T02:00:00.000Z",
      text: "The passport photograph was refused",
    });
    const b = await newCase({
      receivedAt: "2026-11-03T02:00:00.000Z",
      channel: "hotline",
      serviceId: services[0]!.id,
    });
    const c = await newCase({
      receivedAt: "2026-11-20T02:00:00.000Z",
      text: "Rude staff at the visa counter",
    });
    await moveCase(app.db, { id: officerId, departmentId: await deptId("IMMD") }, c.id, "acknowledge");
    await app.db.updateTable("cases").set({ assigned_to: officerId }).where("id", "=", b.id).execute();
    // an appeal on a (decided) and none on the others
    await app.db
      .insertInto("appeals")
      .values({
        case_id: a.id,
        lodged_at: "2026-11-10T02:00:00.000Z",
        lodged_by: "citizen",
        grounds: "No.",
        decided_at: "2026-11-25T02:00:00.000Z",
        outcome: "not_upheld",
      })
      .execute();
    const refs = async (q: string) => (await list(officer, q)).data.rows.map((r) => r.reference).sort();
    expect(await refs("status=acknowledged")).toEqual([c.reference]);
    expect(await refs("status=acknowledged&status=received")).toEqual(
      [a, b, c].map((x) => x.reference).sort(),
    );
    expect(await refs(`service=${services[0]!.id}`)).toEqual([b.reference]);
    expect(await refs("channel=hotline")).toEqual([b.reference]);
    expect(await refs(`officer=${officerId}`)).toEqual([b.reference]);
    expect(await refs("officer=none")).toEqual([a.reference, c.reference].sort());
    expect(await refs("received_month=2026-11")).toEqual([b.reference, c.reference].sort());
    expect(await refs("received_from=2026-10-05&received_to=2026-11-03")).toEqual(
      [a.reference, b.reference].sort(),
    );
    expect(await refs("appeal=any")).toEqual([a.reference]);
    expect(await refs("appeal=open")).toEqual([]);
    expect(await refs("appeal=decided&appeal_month=2026-11")).toEqual([a.reference]);
    expect(await refs("within_pledge=1")).toEqual([]);
    expect(await refs("closed_month=2026-11")).toEqual([]);
    expect(await refs("q=passport")).toEqual([a.reference]);
    expect(await refs("q=visa+counter")).toEqual([c.reference]);
    // contact details are never searched
    expect(await refs("q=example")).toEqual([]);
    const due = (await list(officer, "sort=-due")).data.rows.map((r) => r.id);
    expect(due).toHaveLength(3);
    // the old tab presets still work
    expect(await refs("tab=unassigned")).toEqual([a.reference, c.reference].sort());
    expect(await refs("tab=mine")).toEqual([b.reference]);
    // the list shows contacts masked
    const row = (await list(officer, "tab=open")).data.rows[0]!;
    expect(row.contact.email).not.toBe(EMAIL);
    expect(row.contact.email).toMatch(/\*/);
  });

  it("refuses invalid filter values with a message naming them, in both languages", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    for (const q of [
      "status=lost",
      "channel=pigeon",
      "officer=me",
      "received_month=2026-13",
      "received_from=2026-02-30",
      "overdue=yes",
      "within_pledge=2",
      "appeal=maybe",
      "sort=name",
      "tab=everything",
    ]) {
      const { status, data } = await list(officer, q);
      expect(status, q).toBe(400);
      expect(data.rows).toEqual([]);
      expect(data.errors[0]!.param).toBe(q.split("=")[0]);
    }
    const range = await list(officer, "due_from=2026-12-01&due_to=2026-11-01");
    expect(range.data.errors).toEqual([{ param: "due_to", value: "2026-11-01", code: "range" }]);
    for (const lng of ["en", "zh-HK"]) {
      const i = i18next.createInstance({ resources, lng, ns: ["common"], defaultNS: "common" });
      await i.init();
      const param = i.t("caseLists.params.status");
      const text = i.t("caseLists.errors.invalid", { param, value: "lost" });
      expect(text).toContain("lost");
      expect(text).toContain(lng === "en" ? "Status" : "狀態");
      expect(i.t("caseLists.errors.cursor")).not.toBe("caseLists.errors.cursor");
    }
  });

  it("pages through every row with the cursor, none twice and none missing, and refuses a changed cursor", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      // pairs received at the same instant: the id breaks the tie
      const at = new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 2), 2)).toISOString();
      ids.push((await newCase({ receivedAt: at })).id);
    }
    const departmentId = await deptId("IMMD");
    const parsed = parseCaseFilter(new URLSearchParams(), { id: 1 });
    if (!parsed.ok) throw new Error("filter");
    for (const sort of ["received", "-received", "due", "-due"] as const) {
      const f: CaseFilter = { ...parsed.filter, sort };
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const page = await listCases(app.db, departmentId, f, {
          cursorKey: app.context.env.SESSION_SECRET,
          cursor,
          limit: 5,
        });
        if (!page.ok) throw new Error("page");
        seen.push(...page.rows.map((r) => r.id));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(new Set(seen).size, sort).toBe(seen.length);
      expect(
        [...seen].sort((x, y) => x - y),
        sort,
      ).toEqual([...ids].sort((x, y) => x - y));
    }
    // through the page: the next link's cursor, and a changed one
    const first = await list(officer, "tab=open");
    expect(first.data.rows).toHaveLength(23);
    const page = await list(officer, "sort=-received");
    expect(page.data.next).toBeNull();
    const parsedOpen = parseCaseFilter(new URLSearchParams("sort=-received"), { id: 1 });
    if (!parsedOpen.ok) throw new Error("filter");
    const p1 = await listCases(app.db, departmentId, parsedOpen.filter, {
      cursorKey: app.context.env.SESSION_SECRET,
      limit: 5,
    });
    if (!p1.ok || !p1.next) throw new Error("page");
    const second = await list(officer, `sort=-received&cursor=${p1.next}`);
    expect(second.status).toBe(200);
    expect(second.data.rows[0]!.id).toBe(ids[17]);
    const [body, mac] = p1.next.split(".");
    const forged = Buffer.from(JSON.stringify(["-received", "2099-01-01T00:00:00.000Z", 1])).toString(
      "base64url",
    );
    for (const bad of [`${forged}.${mac}`, `${body}.x${mac!.slice(1)}`, "garbage", `${p1.next}`]) {
      const res = await list(officer, `sort=${bad === p1.next ? "received" : "-received"}&cursor=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.data.errors).toEqual([{ param: "cursor", value: "", code: "cursor" }]);
      expect(res.data.rows).toEqual([]);
    }
  });

  it("shows the central reviewer a department's list read-only; other staff get 404 for another department", async () => {
    const c = await newCase({ code: "HKP" });
    const reviewer = await signInAs(app.c, "reviewer");
    const choose = await list(reviewer, "");
    expect(choose.status).toBe(200);
    expect(choose.data.rows).toEqual([]);
    const ro = await list(
      reviewer,
      `dept=HKP&received_month=${c.reference.slice(4, 8).replace(/^(\d\d)(\d\d)$/, "20$1-$2")}`,
    );
    expect(ro.status).toBe(200);
    expect(ro.data.readOnly).toBe(true);
    expect(ro.data.rows.map((r) => r.id)).toEqual([c.id]);
    expect((await list(reviewer, "dept=NOPE")).data.errors[0]).toMatchObject({
      param: "dept",
      code: "invalid",
    });
    const officer = await signInAs(app.c, "officer.immd");
    expect((await list(officer, "dept=HKP")).status).toBe(404);
    const own = await list(officer, "dept=IMMD&tab=open");
    expect(own.status).toBe(200);
    expect(own.data.readOnly).toBe(false);
    // the reviewer cannot act on many
    const refused = await post(reviewer, [
      ["intent", "bulk-assign"],
      ["case", String(c.id)],
      ["officer", "none"],
    ]);
    expect(refused.status).toBe(404);
  });

  it("assigns three cases in one action, each audited", async () => {
    const officer = await signInAs(app.c, "manager.immd");
    const officerId = await staffId("officer.immd");
    const cases = [await newCase(), await newCase(), await newCase()];
    const res = await post(officer, [
      ["intent", "bulk-assign"],
      ["officer", String(officerId)],
      ["returnTo", "tab=unassigned&evil=1"],
      ...cases.map((c) => ["case", String(c.id)] as [string, string]),
    ]);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/staff/cases?tab=unassigned&bulk=assigned&count=3");
    const rows = await app.db
      .selectFrom("cases")
      .select("assigned_to")
      .where(
        "id",
        "in",
        cases.map((c) => c.id),
      )
      .execute();
    expect(rows.map((r) => r.assigned_to)).toEqual([officerId, officerId, officerId]);
    const audits = await app.db
      .selectFrom("audit_events")
      .select(["entity_id"])
      .where("action", "=", "case.assign")
      .execute();
    expect(audits.map((a) => Number(a.entity_id)).sort()).toEqual(cases.map((c) => c.id).sort());
    // nothing selected: a clear message, nothing written
    const none = await post(officer, [
      ["intent", "bulk-assign"],
      ["officer", String(officerId)],
    ]);
    expect(none.status).toBe(400);
    expect((await none.json()).bulk).toEqual({ error: "noneSelected" });
  });

  it("refuses a bulk move as a whole, naming the case and why; another department's case too", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    const managerId = await staffId("manager.immd");
    const [a, b, c] = [await newCase(), await newCase(), await newCase()];
    await moveCase(app.db, { id: managerId, departmentId: await deptId("IMMD") }, b.id, "acknowledge");
    const eventsBefore = await app.db.selectFrom("case_events").select("id").execute();
    const res = await post(manager, [
      ["intent", "bulk-move"],
      ["move", "acknowledge"],
      ["case", String(a.id)],
      ["case", String(b.id)],
      ["case", String(c.id)],
    ]);
    expect(res.status).toBe(400);
    expect((await res.json()).bulk).toEqual({
      refusal: { caseId: b.id, reference: b.reference, reason: "notAllowed", status: "acknowledged" },
      move: "acknowledge",
    });
    const statuses = await app.db
      .selectFrom("cases")
      .select(["id", "status"])
      .where("id", "in", [a.id, c.id])
      .execute();
    expect(statuses.map((s) => s.status)).toEqual(["received", "received"]);
    expect(await app.db.selectFrom("case_events").select("id").execute()).toHaveLength(eventsBefore.length);
    for (const lng of ["en", "zh-HK"]) {
      const i = i18next.createInstance({ resources, lng, ns: ["common"], defaultNS: "common" });
      await i.init();
      expect(
        i.t("caseLists.bulk.refused.notAllowed", { reference: b.reference, status: "S", move: "M" }),
      ).toContain(b.reference);
    }

    const other = await newCase({ code: "HKP" });
    const cross = await post(manager, [
      ["intent", "bulk-move"],
      ["move", "acknowledge"],
      ["case", String(a.id)],
      ["case", String(other.id)],
    ]);
    expect(cross.status).toBe(400);
    expect((await cross.json()).bulk.refusal).toEqual({
      caseId: other.id,
      reference: null,
      reason: "notFound",
    });
    expect(
      (await app.db.selectFrom("cases").select("status").where("id", "=", a.id).executeTakeFirstOrThrow())
        .status,
    ).toBe("received");

    // allowed for all: every case moves, each with its audit row
    const ok = await post(manager, [
      ["intent", "bulk-move"],
      ["move", "acknowledge"],
      ["case", String(a.id)],
      ["case", String(c.id)],
    ]);
    expect(ok.status).toBe(302);
    const moved = await app.db
      .selectFrom("audit_events")
      .select("entity_id")
      .where("action", "=", "case.move")
      .where("entity_id", "in", [String(a.id), String(c.id)])
      .execute();
    expect(moved).toHaveLength(2);
  });

  it("exports the filtered list as CSV and XLSX with contacts masked, and audits the export", async () => {
    const officer = await signInAs(app.c, "officer.immd");
    const a = await newCase({ text: "The passport photograph was refused" });
    await newCase({ text: "Something else" });
    const csv = await settle(() =>
      csvLoader({
        request: getRequest("/staff/cases/export.csv?q=passport", { cookie: officer }),
        context: app.context,
        params: {},
      }),
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    const lines = text.trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("Reference");
    expect(lines[1]).toContain(a.reference);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain("9123");
    expect(lines[1]).toMatch(/\*/);

    const xlsx = await settle(() =>
      xlsxLoader({
        request: getRequest("/staff/cases/export.xlsx?tab=open", { cookie: officer }),
        context: app.context,
        params: {},
      }),
    );
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(3);
    const cells = JSON.stringify(sheet.getSheetValues());
    expect(cells).toContain(a.reference);
    expect(cells).not.toContain(EMAIL);

    const audits = await app.db
      .selectFrom("audit_events")
      .select(["detail", "actor_user_id"])
      .where("action", "=", "case.export")
      .orderBy("id")
      .execute();
    expect(audits).toHaveLength(2);
    expect(JSON.parse(String(audits[0]!.detail))).toMatchObject({
      format: "csv",
      textSearch: true,
      contacts: "masked",
    });
    expect(String(audits[0]!.detail)).not.toContain("passport");
    // a bad filter exports nothing
    const bad = await settle(() =>
      csvLoader({
        request: getRequest("/staff/cases/export.csv?status=lost", { cookie: officer }),
        context: app.context,
        params: {},
      }),
    );
    expect(bad.status).toBe(400);
  });
});

describe.each(DB_KINDS)("feedback log lists [%s]", (kind) => {
  const app = useTestApp(kind);

  async function log(
    summary: string,
    options: { kind?: "complaint" | "compliment"; at?: string; service?: number | null } = {},
  ) {
    const dept = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const at = options.at ?? "2026-11-10T02:00:00.000Z";
    return (
      await app.db
        .insertInto("feedback_entries")
        .values({
          department_id: dept.id,
          service_id: options.service ?? null,
          kind: options.kind ?? "compliment",
          channel: "counter",
          summary,
          language: "en",
          important: 0,
          logged_by: null,
          logged_at: at,
          month: hkMonth(at),
          case_id: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function page(cookie: string, query: string) {
    const res = await settle(() =>
      feedbackLoader({
        request: getRequest(`/staff/feedback?${query}`, { cookie }),
        context: app.context,
        params: {},
      }),
    );
    const data = res.status === 200 || res.status === 400 ? await res.json() : null;
    return { status: res.status, data } as {
      status: number;
      data: {
        entries: { id: number }[];
        next: string | null;
        errors: { param: string; code: string }[];
        readOnly: boolean;
      };
    };
  }

  it("filters by service, month, dates and words, pages by cursor, and refuses bad values", async () => {
    const counter = await signInAs(app.c, "counter.immd");
    const service = (
      await app.db
        .selectFrom("services as s")
        .innerJoin("departments as d", "d.id", "s.department_id")
        .select("s.id")
        .where("d.code", "=", "IMMD")
        .executeTakeFirstOrThrow()
    ).id;
    const ids: number[] = [];
    for (let i = 0; i < 55; i++) ids.push(await log(`Helpful staff number ${i}`));
    const october = await log("Queue too long at the passport office", {
      at: "2026-10-02T02:00:00.000Z",
      service,
    });
    const complaint = await log("Rude reply", { kind: "complaint", at: "2026-10-31T17:00:00.000Z" });
    expect((await page(counter, `fs=${service}`)).data.entries.map((e) => e.id)).toEqual([october]);
    expect((await page(counter, "month=2026-10")).data.entries.map((e) => e.id)).toEqual([october]);
    // 17:00 UTC on 31 October is 1 November in Hong Kong
    expect(
      (await page(counter, "from=2026-11-01&to=2026-11-01&fk=complaint")).data.entries.map((e) => e.id),
    ).toEqual([complaint]);
    expect((await page(counter, "q=passport")).data.entries.map((e) => e.id)).toEqual([october]);
    const seen: number[] = [];
    let query = "fk=compliment";
    for (let n = 0; n < 5; n++) {
      const p = await page(counter, query);
      expect(p.status).toBe(200);
      seen.push(...p.data.entries.map((e) => e.id));
      if (!p.data.next) break;
      query = p.data.next;
    }
    expect(seen).toHaveLength(56);
    expect(new Set(seen).size).toBe(56);
    expect([...seen].sort((a, b) => a - b)).toEqual([...ids, october].sort((a, b) => a - b));
    const tampered = await page(counter, "cursor=eyJ4Ijox.abc");
    expect(tampered.status).toBe(400);
    expect(tampered.data.errors).toEqual([{ param: "cursor", value: "", code: "cursor" }]);
    for (const bad of ["fk=rumour", "fc=pigeon", "fi=yes", "fs=abc", "month=2026-1", "from=yesterday"]) {
      const p = await page(counter, bad);
      expect(p.status, bad).toBe(400);
      expect(p.data.entries).toEqual([]);
      expect(p.data.errors[0]!.param).toBe(bad.split("=")[0]);
    }
  });

  it("takes any text in the search: quotes, search-syntax and control characters are words, never an error", async () => {
    const counter = await signInAs(app.c, "counter.immd");
    await log("Passport counter was quick"); // an entry to match against
    for (const q of ["\u0000'\";drop", 'passport"', "NEAR(a b)", "a* OR b:c ^d", "\u0001\u007f", "-- ;"]) {
      const f = await page(counter, `q=${encodeURIComponent(q)}`);
      expect(f.status, q).toBe(200);
    }
  });

  it("exports the filtered log as CSV, audited", async () => {
    await log("Kind officer at the passport hall");
    await log("Rude reply", { kind: "complaint" });
    const manager = await signInAs(app.c, "manager.immd");
    const res = await settle(() =>
      feedbackCsv({
        request: getRequest("/staff/feedback/export.csv?fk=complaint", { cookie: manager }),
        context: app.context,
        params: {},
      }),
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Rude reply");
    const audit = await app.db
      .selectFrom("audit_events")
      .select("detail")
      .where("action", "=", "feedback.export")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(audit.detail))).toMatchObject({
      format: "csv",
      filter: "dept=IMMD&fk=complaint",
    });
  });

  it("shows the central reviewer a department's log read-only; others get 404 for another department", async () => {
    const id = await log("Very kind officer");
    const reviewer = await signInAs(app.c, "reviewer");
    const ro = await page(reviewer, "dept=IMMD");
    expect(ro.status).toBe(200);
    expect(ro.data.readOnly).toBe(true);
    expect(ro.data.entries.map((e) => e.id)).toEqual([id]);
    const hkp = await signInAs(app.c, "admin.hkp");
    expect((await page(hkp, "dept=IMMD")).status).toBe(404);
  });
});
