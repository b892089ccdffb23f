import ExcelJS from "exceljs";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, TrendChart } from "~/components/reports/charts";
import { hkMonth } from "~/models/calendar/time";
import { editSurvey } from "~/models/surveys/authoring.server";
import { startResponseExport } from "~/models/surveys/exports.server";
import { loadVersion } from "~/models/surveys/lookup.server";
import type { SurveyResults } from "~/models/surveys/results.server";
import { addMonths, parseResultsFilter } from "~/models/surveys/results-filter.server";
import type { ResponseChannel, ResponseLanguage } from "~/models/surveys/schema";
import { loader as csvLoader } from "~/routes/staff.surveys.$id.export[.]csv";
import { loader as xlsxLoader } from "~/routes/staff.surveys.$id.export[.]xlsx";
import { loader as resultsLoader } from "~/routes/staff.surveys.$id.results";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { storeTestResponse } from "../setup/survey-responses";

interface Answer {
  at: string;
  channel?: ResponseChannel;
  language?: ResponseLanguage;
  point?: "web" | "ctr" | null;
  answers: Record<string, string | string[]>;
}

describe.each(DB_KINDS)("survey results and exports [%s]", (kind) => {
  const app = useTestApp(kind);

  const sessionOf = (username: string) => signInAs(app.c, username);

  async function surveyOf(slug = "immdcsat") {
    return app.db.selectFrom("surveys").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
  }

  async function pointId(slug: string, which: "web" | "ctr") {
    const row = await app.db
      .selectFrom("collection_points")
      .select("id")
      .where("code", "=", `${slug}${which}`)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Stores one response the way the public form does (test/setup/survey-responses.ts). */
  async function respond(slug: string, r: Answer): Promise<number> {
    return storeTestResponse(app.db, slug, {
      ...r,
      point: r.point === null ? null : `${slug}${r.point ?? "web"}`,
    });
  }

  /** Four responses in March and April 2026, and one in November 2025. */
  async function seedResponses() {
    // 00:30 on 1 March in Hong Kong: March, although it is still February in UTC.
    await respond("immdcsat", {
      at: "2026-02-28T16:30:00.000Z",
      answers: { overall: "5", courtesy: "4", comments: "Very helpful staff" },
    });
    await respond("immdcsat", {
      at: "2026-03-20T03:00:00.000Z",
      channel: "counter",
      language: "zh-HK",
      point: "ctr",
      answers: { overall: "4", courtesy: "na", comments: "=cmd()" },
    });
    await respond("immdcsat", {
      at: "2026-04-02T03:00:00.000Z",
      language: "zh-HK",
      answers: { overall: "2", courtesy: "3", comments: "職員很有禮貌" },
    });
    await respond("immdcsat", { at: "2026-04-10T03:00:00.000Z", answers: { overall: "4" } });
    await respond("immdcsat", { at: "2025-11-15T03:00:00.000Z", answers: { overall: "1" } });
    // Another department's survey: never counted in IMMD's results.
    await respond("hkpcsat", { at: "2026-03-10T03:00:00.000Z", answers: { overall: "1" } });
  }

  async function results(cookie: string, surveyId: number, query = "", headers: Record<string, string> = {}) {
    const path = `/staff/surveys/${surveyId}/results${query ? `?${query}` : ""}`;
    return settle(() =>
      resultsLoader({
        request: getRequest(path, { cookie, headers }),
        context: app.context,
        params: { id: String(surveyId) },
      }),
    );
  }

  async function resultsOf(cookie: string, surveyId: number, query = ""): Promise<SurveyResults> {
    const res = await results(cookie, surveyId, query);
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: SurveyResults }).results;
  }

  function exportOf(
    loader: typeof csvLoader,
    format: "csv" | "xlsx",
    cookie: string,
    surveyId: number,
    query = "",
    headers: Record<string, string> = {},
  ) {
    return settle(() =>
      loader({
        request: getRequest(`/staff/surveys/${surveyId}/export.${format}?${query}`, { cookie, headers }),
        context: app.context,
        params: { id: String(surveyId) },
      }),
    );
  }

  const question = (r: SurveyResults, key: string) => {
    const q = r.questions.find((x) => x.key === key);
    if (!q) throw new Error(`no result for ${key}`);
    return q;
  };

  it("counts ratings, not-applicable answers, top-two-box and averages over the chosen months", async () => {
    await seedResponses();
    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const r = await resultsOf(cookie, survey.id, "from=2026-03&to=2026-04");

    expect(r.title).toBe("Customer satisfaction survey");
    expect(r.totalResponses).toBe(4);
    expect(r.questions.map((q) => q.key)).toEqual(["overall", "courtesy", "waiting", "clarity", "comments"]);
    expect(question(r, "overall")).toMatchObject({
      type: "rating5",
      answered: 4,
      notApplicable: 0,
      average: 3.75,
      topTwoBox: 0.75,
      distribution: [
        { value: 1, count: 0 },
        { value: 2, count: 1 },
        { value: 3, count: 0 },
        { value: 4, count: 2 },
        { value: 5, count: 1 },
      ],
    });
    // "Not applicable" is counted on its own and left out of the shares.
    expect(question(r, "courtesy")).toMatchObject({
      answered: 2,
      notApplicable: 1,
      average: 3.5,
      topTwoBox: 0.5,
    });
    expect(question(r, "waiting")).toMatchObject({ answered: 0, average: null, topTwoBox: null });
    expect(question(r, "comments")).toMatchObject({
      type: "long_text",
      answered: 3,
      comments: [
        { text: "職員很有禮貌", month: "2026-04", language: "zh-HK" },
        { text: "=cmd()", month: "2026-03", language: "zh-HK" },
        { text: "Very helpful staff", month: "2026-03", language: "en" },
      ],
    });
    expect(r.trendQuestion?.key).toBe("overall");
    expect(r.trend).toEqual([
      { month: "2026-03", responses: 2, topTwoBox: 1 },
      { month: "2026-04", responses: 2, topTwoBox: 0.5 },
    ]);
  });

  it("filters by month, channel, collection point and language", async () => {
    await seedResponses();
    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const ctr = await pointId("immdcsat", "ctr");
    const total = async (q: string) => (await resultsOf(cookie, survey.id, q)).totalResponses;

    expect(await total("from=2026-04&to=2026-04")).toBe(2);
    expect(await total("from=2025-11&to=2026-04")).toBe(5);
    expect(await total("from=2026-03&to=2026-04&channel=counter")).toBe(1);
    expect(await total(`from=2026-03&to=2026-04&point=${ctr}`)).toBe(1);
    const zh = await resultsOf(cookie, survey.id, "from=2026-03&to=2026-04&language=zh-HK");
    expect(zh.totalResponses).toBe(2);
    expect(question(zh, "overall")).toMatchObject({ answered: 2, topTwoBox: 0.5, average: 3 });
    // Months the wrong way round are swapped; nonsense is dropped, not an error.
    expect(await total("from=2026-04&to=2026-03")).toBe(4);
    const odd = await resultsOf(cookie, survey.id, "from=2026-13&to=2026-04&channel=pigeon&point=x");
    expect(odd.filter).toEqual({
      from: "2025-05",
      to: "2026-04",
      collectionPointId: null,
      channel: null,
      language: null,
    });

    // By default: the last twelve months, up to this Hong Kong month.
    const now = await resultsOf(cookie, survey.id);
    const thisMonth = hkMonth(new Date());
    expect(now.filter).toMatchObject({ from: addMonths(thisMonth, -11), to: thisMonth });
    expect(now.trend).toHaveLength(12);
    expect(parseResultsFilter(new URLSearchParams(), new Date("2026-12-31T16:00:00Z"))).toMatchObject({
      from: "2026-02",
      to: "2027-01",
    });
  });

  it("adds up answers across versions by question key, with scores out of ten and choices", async () => {
    const admin = await app.db
      .selectFrom("staff_users")
      .select(["id", "department_id"])
      .where("username", "=", "admin.immd")
      .executeTakeFirstOrThrow();
    const actor = { id: admin.id, departmentId: admin.department_id };
    await respond("immdcsat", { at: "2026-05-03T03:00:00.000Z", answers: { overall: "5" } });
    // The first version has a response, so these edits make version 2.
    for (const input of [
      {
        type: "nps" as const,
        promptEn: "Would you recommend us?",
        promptZh: "你會推薦我們嗎？",
        options: "",
      },
      {
        type: "multiple" as const,
        promptEn: "How did you contact us?",
        promptZh: "你如何聯絡我們？",
        options: "Counter | 櫃位\nWebsite | 網站\nPhone | 電話",
      },
    ]) {
      const edit = await editSurvey(app.db, actor, await surveyOf(), {
        kind: "add-question",
        input: { intent: "add-question", required: false, ...input },
      });
      expect(edit.ok).toBe(true);
    }
    const v2 = (await loadVersion(app.db, (await surveyOf()).current_version_id!))!;
    expect(v2.versionNo).toBe(2);
    const [nps, contact] = v2.questions.slice(-2).map((q) => q.key) as [string, string];
    await respond("immdcsat", {
      at: "2026-05-04T03:00:00.000Z",
      answers: { overall: "4", [nps]: "10", [contact]: ["o1", "o2"] },
    });
    await respond("immdcsat", {
      at: "2026-05-05T03:00:00.000Z",
      answers: { overall: "4", [nps]: "9", [contact]: "o2" },
    });
    await respond("immdcsat", {
      at: "2026-05-06T03:00:00.000Z",
      answers: { overall: "2", [nps]: "7", [contact]: "o3" },
    });
    await respond("immdcsat", { at: "2026-05-07T03:00:00.000Z", answers: { overall: "1", [nps]: "3" } });

    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const r = await resultsOf(cookie, survey.id, "from=2026-05&to=2026-05");
    expect(r.totalResponses).toBe(5);
    expect(question(r, "overall")).toMatchObject({ answered: 5, topTwoBox: 0.6, average: 3.2 });
    expect(question(r, nps)).toMatchObject({
      type: "nps",
      answered: 4,
      promoters: 2,
      passives: 1,
      detractors: 1,
      score: 25,
    });
    expect(question(r, contact)).toMatchObject({
      type: "multiple",
      answered: 3,
      options: [
        { code: "o1", label: "Counter", count: 1 },
        { code: "o2", label: "Website", count: 2 },
        { code: "o3", label: "Phone", count: 1 },
      ],
    });

    // The export writes choices in the reader's language, one column per question key.
    const csv = await exportOf(csvLoader, "csv", cookie, survey.id, "from=2026-05&to=2026-05", {
      "Accept-Language": "zh-HK",
    });
    const lines = (await csv.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      `response_id,submitted_at,month,channel,collection_point,language,version,overall,courtesy,waiting,clarity,comments,${nps},${contact}`,
    );
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/,web,immdcsatweb,en,1,5,,,,,,$/);
    expect(lines[2]).toMatch(/,2,4,,,,,10,櫃位; 網站$/);
  });

  it("exports every response as CSV, streamed, with formulas made harmless, and audits it", async () => {
    await seedResponses();
    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const res = await exportOf(csvLoader, "csv", cookie, survey.id, "from=2026-03&to=2026-04");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="survey-immdcsat-responses.csv"',
    );
    expect(res.body).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "response_id,submitted_at,month,channel,collection_point,language,version,overall,courtesy,waiting,clarity,comments",
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      /^\d+,2026-02-28T16:30:00.000Z,2026-03,web,immdcsatweb,en,1,5,4,,,Very helpful staff$/,
    );
    expect(lines[2]).toMatch(/,counter,immdcsatctr,zh-HK,1,4,N\/A,,,'=cmd\(\)$/);
    expect(text).toContain("職員很有禮貌");
    expect(text).not.toMatch(/,=cmd/);

    const audit = await app.db
      .selectFrom("audit_events")
      .select(["action", "entity_type", "entity_id", "detail"])
      .where("action", "=", "survey.export")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: "survey", entity_id: String(survey.id) });
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ format: "csv", rows: 4 });
    expect(audit[0]!.detail).not.toContain("cmd");
  });

  it("reads the export in keyset pages, month by month and by id, every response once", async () => {
    await seedResponses();
    const survey = await surveyOf();
    const out = await startResponseExport(
      app.db,
      { id: 1, departmentId: survey.department_id },
      survey,
      parseResultsFilter(new URLSearchParams("from=2025-01&to=2026-12")),
      "en",
      "csv",
      2,
    );
    const pages: number[][] = [];
    for await (const page of out.pages) pages.push(page.map((row) => Number(row[0])));
    // November 2025 (one response), then March and April 2026 (two each), pages of at most two.
    expect(pages.map((p) => p.length)).toEqual([1, 2, 2]);
    const expected = await app.db
      .selectFrom("survey_responses")
      .select("id")
      .where("survey_id", "=", survey.id)
      .orderBy("month")
      .orderBy("id")
      .execute();
    expect(pages.flat()).toEqual(expected.map((r) => Number(r.id)));
    expect(out.rows).toBe(5);
  });

  it("exports a valid Excel workbook", async () => {
    await seedResponses();
    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const res = await exportOf(xlsxLoader, "xlsx", cookie, survey.id, "from=2026-03&to=2026-04");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="survey-immdcsat-responses.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(5);
    const row = (i: number) => (sheet.getRow(i).values as unknown[]).slice(1);
    expect(row(1)).toEqual([
      "response_id",
      "submitted_at",
      "month",
      "channel",
      "collection_point",
      "language",
      "version",
      "overall",
      "courtesy",
      "waiting",
      "clarity",
      "comments",
    ]);
    expect(row(2).slice(1)).toEqual([
      "2026-02-28T16:30:00.000Z",
      "2026-03",
      "web",
      "immdcsatweb",
      "en",
      1,
      5,
      4,
      undefined,
      undefined,
      "Very helpful staff",
    ]);
    expect(typeof row(2)[0]).toBe("number");
    expect(row(3)[11]).toBe("'=cmd()");
    expect(row(3)[8]).toBe("N/A");
    expect(row(4)[11]).toBe("職員很有禮貌");
    const audit = await app.db
      .selectFrom("audit_events")
      .select("detail")
      .where("action", "=", "survey.export")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail!)).toMatchObject({ format: "xlsx", rows: 4 });
  });

  it("gives staff of another department 404 on the results and both exports, and audits it", async () => {
    await seedResponses();
    const survey = await surveyOf();
    const cookie = await sessionOf("admin.hkp");
    expect((await results(cookie, survey.id)).status).toBe(404);
    expect((await exportOf(csvLoader, "csv", cookie, survey.id)).status).toBe(404);
    expect((await exportOf(xlsxLoader, "xlsx", cookie, survey.id)).status).toBe(404);
    expect((await results(cookie, 999_999)).status).toBe(404);
    const events = await app.db
      .selectFrom("audit_events")
      .select(["action", "entity_type", "entity_id"])
      .where("action", "in", ["access.denied", "survey.export"])
      .orderBy("id")
      .execute();
    expect(events).toEqual([
      ...[1, 2, 3].map(() => ({
        action: "access.denied",
        entity_type: "survey",
        entity_id: String(survey.id),
      })),
      { action: "access.denied", entity_type: "survey", entity_id: "999999" },
    ]);

    // Their own survey opens, and shows none of IMMD's responses.
    const own = await resultsOf(cookie, (await surveyOf("hkpcsat")).id, "from=2026-03&to=2026-04");
    expect(own.totalResponses).toBe(1);
    // A government-wide reviewer reads every department.
    const reviewer = await sessionOf("reviewer");
    expect((await resultsOf(reviewer, survey.id, "from=2026-03&to=2026-04")).totalResponses).toBe(4);
  });

  it("sends a signed-out reader to sign in", async () => {
    const survey = await surveyOf();
    const res = await results("", survey.id);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/staff\/sign-in\?redirectTo=/);
    expect((await exportOf(csvLoader, "csv", "", survey.id)).status).toBe(302);
  });

  it("labels questions and the title in the reader's language", async () => {
    await seedResponses();
    const cookie = await sessionOf("manager.immd");
    const survey = await surveyOf();
    const res = await results(cookie, survey.id, "from=2026-03&to=2026-04", { "Accept-Language": "zh-HK" });
    const body = (await res.json()) as { results: SurveyResults };
    expect(body.results.title).toBe("顧客滿意程度問卷調查");
    expect(question(body.results, "overall").prompt).toBe("整體而言，你對我們的服務有多滿意？");
  });
});

describe("charts", () => {
  it("draw a bar chart as one labelled image with a table of the same figures", () => {
    const html = renderToStaticMarkup(
      createElement(BarChart, {
        title: "Overall",
        data: [1, 2, 3, 4, 5].map((v) => ({
          label: `${v} stars`,
          short: String(v),
          value: [0, 1, 0, 2, 1][v - 1]!,
        })),
        labelHeader: "Rating",
        valueHeader: "Responses",
        shareHeader: "Share",
        formatShare: (s: number) => `${Math.round(s * 100)}%`,
      }),
    );
    expect(html).toContain('role="img"');
    expect(html).toMatch(
      /<title id="[^"]+">Overall\. 1 stars: 0; 2 stars: 1; 3 stars: 0; 4 stars: 2; 5 stars: 1<\/title>/,
    );
    // Drawn twice, for a phone and for a wider screen (CSS shows one): five columns each.
    expect(html.match(/<rect /g)).toHaveLength(10);
    expect(html.match(/role="img"/g)).toHaveLength(2);
    expect(html).toContain(
      '<th scope="row">4 stars</th><td class="nowrap">2</td><td class="nowrap">50%</td>',
    );
  });

  it("draw a trend with a line only where there is a share", () => {
    const html = renderToStaticMarkup(
      createElement(TrendChart, {
        title: "By month",
        data: [
          { label: "Mar", count: 2, share: 1 },
          { label: "Apr", count: 0, share: null },
          { label: "May", count: 2, share: 0.5 },
        ],
        labelHeader: "Month",
        countHeader: "Responses",
        shareHeader: "Satisfied",
        formatShare: (s: number) => `${Math.round(s * 100)}%`,
      }),
    );
    expect(html).toContain('role="img"');
    // Drawn twice (for a phone and for a wider screen): legend + two months, each time.
    expect(html.match(/<circle /g)).toHaveLength(6);
    expect(html).toContain(
      '<th scope="row"><span class="nowrap">Apr</span></th><td class="nowrap">0</td><td class="nowrap">—</td>',
    );
  });
});
