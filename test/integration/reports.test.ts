import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { logFeedback } from "~/models/feedback/entries.server";
import { buildDepartmentReport, generateDepartmentReport } from "~/models/reports/build.server";
import { buildGovernmentSummary } from "~/models/reports/government.server";
import type { DepartmentReport } from "~/models/reports/schema";
import type { ResponseChannel } from "~/models/surveys/schema";
import { loader as inboxLoader } from "~/routes/reports._index";
import { action as reportAction, loader as reportLoader } from "~/routes/reports.$id";
import { loader as xlsxLoader } from "~/routes/reports.$id_[.]xlsx";
import { DEPARTMENTS } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { storeTestResponse } from "../setup/survey-responses";

const NOW = new Date("2026-11-27T04:00:00Z");
const MONTH = "2026-10";

describe.each(DB_KINDS)("monthly management reports [%s]", (kind) => {
  const app = useTestApp(kind);

  beforeEach(async () => {
    // Only Date is faked: feedback and case moves take "now" from it.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(async () => {
    vi.useRealTimers();
  });

  const sessionOf = (username: string) => signInAs(app.c, username);

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const userOf = async (username: string) =>
    app.db.selectFrom("staff_users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();

  async function respond(
    slug: string,
    at: string,
    answers: Record<string, string>,
    channel: ResponseChannel = "web",
    point: string | null = `${slug}web`,
  ) {
    await storeTestResponse(app.db, slug, { at, answers, channel, point });
  }

  /** Known activity of the Immigration Department around October 2026. */
  async function seedKnown() {
    const immd = await deptId("IMMD");
    const counter = await userOf("counter.immd");
    const officer = await userOf("officer.immd");
    const actor = { id: counter.id, departmentId: immd };
    const at = (iso: string) => vi.setSystemTime(new Date(iso));

    // Surveys. October (HK time): ratings 5, 4, 2, 3 on the general survey, 4 on the case survey.
    await respond("immdcsat", "2026-10-05T03:00:00.000Z", { overall: "5", comments: "Quick service" });
    await respond("immdcsat", "2026-10-12T03:00:00.000Z", { overall: "4" }, "counter", "immdcsatctr");
    await respond("immdcsat", "2026-10-20T03:00:00.000Z", { overall: "2", comments: "=Long queue" });
    // 23:59 HKT on 31 October: October. Two minutes later it is November in Hong Kong.
    await respond("immdcsat", "2026-10-31T15:59:00.000Z", { overall: "3" });
    await respond("immdcsat", "2026-10-31T16:01:00.000Z", { overall: "5", comments: "November" });
    await respond("immdcase", "2026-10-08T03:00:00.000Z", { overall: "4" }, "email", "immdcasemail");
    // September: 1 of 3 satisfied.
    await respond("immdcsat", "2026-09-10T03:00:00.000Z", { overall: "5" });
    await respond("immdcsat", "2026-09-11T03:00:00.000Z", { overall: "1" });
    await respond("immdcsat", "2026-09-12T03:00:00.000Z", { overall: "1" });
    // Another department's response is never in IMMD's report.
    await respond("hkpcsat", "2026-10-10T03:00:00.000Z", { overall: "1" });

    // Feedback: three entries in October, one in September, one in November (HK time).
    const log = async (iso: string, input: Partial<Parameters<typeof logFeedback>[3]>) => {
      at(iso);
      return logFeedback(app.db, app.context.env.PII_KEY, actor, {
        kind: "compliment",
        channel: "counter",
        serviceId: null,
        summary: "",
        language: "en",
        important: false,
        wantsReply: false,
        ...input,
      });
    };
    await log("2026-10-03T02:00:00.000Z", { kind: "compliment", summary: "Friendly staff at Wan Chai" });
    await log("2026-10-10T02:00:00.000Z", {
      kind: "complaint",
      channel: "hotline",
      summary: "Queue too long at Wan Chai",
      important: true,
    });
    // A complaint that wants a reply: a case, with contact details that must stay out of the report.
    await log("2026-10-15T02:00:00.000Z", {
      kind: "complaint",
      summary: "Form rejected twice",
      wantsReply: true,
      contact: { name: "Chan Tai Man", email: "chan@example.com", phone: "91234567" },
    });
    await log("2026-09-30T15:00:00.000Z", { kind: "enquiry", summary: "September enquiry" });
    await log("2026-10-31T16:30:00.000Z", { kind: "suggestion", summary: "November suggestion" });

    // Cases: one received in September and closed in October (acknowledged in time, replied late:
    // 30 calendar days from 21 September), one received in October never acknowledged (overdue).
    const b = await createCase(app.db, app.context.env.PII_KEY, {
      departmentId: immd,
      serviceId: null,
      channel: "email",
      language: "en",
      whatHappened: "Lost application",
      desiredOutcome: "Find it",
      contact: { email: "lee@example.com" },
      consent: true,
      receivedAt: "2026-09-21T02:00:00.000Z",
    });
    const staff = { id: officer.id, departmentId: immd };
    expect(
      await moveCase(app.db, staff, b.id, "acknowledge", {}, new Date("2026-09-22T02:00:00.000Z")),
    ).toEqual({
      ok: true,
      status: "acknowledged",
    });
    await moveCase(app.db, staff, b.id, "reply", { body: "Found it." }, new Date("2026-10-28T02:00:00.000Z"));
    // 23:30 HKT on 31 October: closed in October.
    await moveCase(app.db, staff, b.id, "close", {}, new Date("2026-10-31T15:30:00.000Z"));
    await createCase(app.db, app.context.env.PII_KEY, {
      departmentId: immd,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "No answer",
      desiredOutcome: "An answer",
      contact: {},
      consent: true,
      receivedAt: "2026-10-02T02:00:00.000Z",
    });
    // Appeals on case B: one lodged and decided in October, one lodged in September decided in November.
    const appeal = (lodged: string, decided: string | null, outcome: "partly_upheld" | "upheld" | null) => ({
      case_id: b.id,
      lodged_at: lodged,
      lodged_by: "citizen" as const,
      lodged_by_user: null,
      grounds: "Grounds",
      original_handler_id: officer.id,
      reviewer_id: null,
      due: null,
      outcome,
      reply: decided ? "Reviewed." : null,
      decided_at: decided,
      met: decided ? 1 : null,
    });
    await app.db
      .insertInto("appeals")
      .values([
        appeal("2026-10-25T02:00:00.000Z", "2026-10-30T02:00:00.000Z", "partly_upheld"),
        appeal("2026-09-28T02:00:00.000Z", "2026-11-02T02:00:00.000Z", "upheld"),
      ])
      .execute();

    // The ID-card pledge: 36 of 40 issued within 10 working days in October = 90%, under its target.
    await app.db.updateTable("pledge_versions").set({ effective_from: "2023-01-01" }).execute();
    const pledge = await app.db
      .selectFrom("pledges")
      .selectAll()
      .where("code", "=", "IMMD-ID-CARD")
      .executeTakeFirstOrThrow();
    const v = await app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("id", "=", pledge.current_version_id!)
      .executeTakeFirstOrThrow();
    await app.db
      .insertInto("service_transactions")
      .values(
        Array.from({ length: 40 }, (_, i) => ({
          department_id: immd,
          transaction_type: v.transaction_type!,
          external_ref: `T${i}`,
          received_at: "2026-10-01T02:00:00.000Z",
          completed_at: "2026-10-20T02:00:00.000Z",
          month: MONTH,
          working_days: i < 36 ? 5 : 15,
          calendar_days: i < 36 ? 7 : 21,
          import_id: null,
          created_at: NOW.toISOString(),
        })),
      )
      .execute();
    vi.setSystemTime(NOW);
    return { immd, pledge };
  }

  it("works out every figure of a department's month exactly from known data", async () => {
    const { immd, pledge } = await seedKnown();
    const r = await buildDepartmentReport(app.db, immd, MONTH, NOW);
    const csat = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "immdcsat")
      .executeTakeFirstOrThrow();
    const cases = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "immdcase")
      .executeTakeFirstOrThrow();
    const point = async (code: string) =>
      (
        await app.db
          .selectFrom("collection_points")
          .select("id")
          .where("code", "=", code)
          .executeTakeFirstOrThrow()
      ).id;

    expect(r.month).toBe(MONTH);
    expect(r.asOf).toBe("2026-11-27");
    expect(r.months).toHaveLength(12);
    expect(r.months[0]).toBe("2025-11");
    expect(r.department.code).toBe("IMMD");

    // Surveys
    expect(r.surveys.responses.count).toBe(5);
    expect(r.surveys.byChannel).toEqual([
      {
        channel: "web",
        count: 3,
        href: `/staff/surveys/${csat.id}/results?from=2026-10&to=2026-10&channel=web`,
      },
      {
        channel: "counter",
        count: 1,
        href: `/staff/surveys/${csat.id}/results?from=2026-10&to=2026-10&channel=counter`,
      },
      {
        channel: "email",
        count: 1,
        href: `/staff/surveys/${cases.id}/results?from=2026-10&to=2026-10&channel=email`,
      },
    ]);
    expect(r.surveys.byCollectionPoint.map((p) => [p.code, p.count, p.href])).toEqual([
      [
        "immdcsatweb",
        3,
        `/staff/surveys/${csat.id}/results?from=2026-10&to=2026-10&point=${await point("immdcsatweb")}`,
      ],
      [
        "immdcasemail",
        1,
        `/staff/surveys/${cases.id}/results?from=2026-10&to=2026-10&point=${await point("immdcasemail")}`,
      ],
      [
        "immdcsatctr",
        1,
        `/staff/surveys/${csat.id}/results?from=2026-10&to=2026-10&point=${await point("immdcsatctr")}`,
      ],
    ]);
    const general = r.surveys.perSurvey.find((s) => s.slug === "immdcsat")!;
    expect(general).toMatchObject({
      questionKey: "overall",
      responses: 4,
      rated: 4,
      satisfied: 2,
      share: 0.5,
      previousShare: 1 / 3,
      change: 16.7,
      href: `/staff/surveys/${csat.id}/results?from=2026-10&to=2026-10`,
    });
    expect(general.trend.map((p) => p.responses)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4]);
    expect(general.trend.at(-2)).toEqual({
      month: "2026-09",
      responses: 3,
      satisfied: 1,
      rated: 3,
      share: 1 / 3,
    });
    expect(r.surveys.perSurvey.find((s) => s.slug === "immdcase")).toMatchObject({
      responses: 1,
      satisfied: 1,
      rated: 1,
      share: 1,
      previousShare: null,
      change: null,
    });
    // Both demo surveys are about the department as a whole: one row, ratings added up (3 of 5).
    expect(r.surveys.perService).toHaveLength(1);
    expect(r.surveys.perService[0]).toMatchObject({ serviceId: null, satisfied: 3, rated: 5, share: 0.6 });
    expect(r.surveys.perService[0]!.previousShare).toBeCloseTo(1 / 3);

    // Feedback
    expect(r.feedback.total).toEqual({ count: 3, href: "/staff/feedback?dept=IMMD&month=2026-10" });
    expect(r.feedback.byKind).toEqual([
      { kind: "complaint", count: 2, href: "/staff/feedback?dept=IMMD&month=2026-10&fk=complaint" },
      { kind: "compliment", count: 1, href: "/staff/feedback?dept=IMMD&month=2026-10&fk=compliment" },
    ]);
    expect(r.feedback.byChannel).toEqual([
      { channel: "counter", count: 2, href: "/staff/feedback?dept=IMMD&month=2026-10&fc=counter" },
      { channel: "hotline", count: 1, href: "/staff/feedback?dept=IMMD&month=2026-10&fc=hotline" },
    ]);
    expect(r.feedback.byKindAndChannel.map((x) => [x.kind, x.channel, x.count])).toEqual([
      ["complaint", "counter", 1],
      ["complaint", "hotline", 1],
      ["compliment", "counter", 1],
    ]);
    expect(r.feedback.comments.map((x) => [x.source, x.text])).toEqual([
      ["survey", "=Long queue"],
      ["feedback", "Form rejected twice"],
      ["feedback", "Queue too long at Wan Chai"],
      ["survey", "Quick service"],
      ["feedback", "Friendly staff at Wan Chai"],
    ]);

    // Complaints and appeals
    expect(r.complaints).toEqual({
      received: { count: 2, href: "/staff/cases?dept=IMMD&received_month=2026-10" },
      closed: { count: 1, href: "/staff/cases?dept=IMMD&status=closed&closed_month=2026-10" },
      overdue: { count: 2, href: "/staff/cases?dept=IMMD&overdue=1" },
      ackMet: 1,
      replyMet: 0,
      closedWithinPledge: {
        count: 0,
        href: "/staff/cases?dept=IMMD&status=closed&closed_month=2026-10&within_pledge=1",
      },
      appeals: {
        lodged: { count: 1, href: "/staff/cases?dept=IMMD&appeal=any&appeal_month=2026-10" },
        decided: { count: 1, href: "/staff/cases?dept=IMMD&appeal=decided&appeal_month=2026-10" },
        decidedInTime: 1,
        outcomes: { upheld: 0, partly_upheld: 1, not_upheld: 0 },
      },
    });

    // Pledges: the one published pledge, missed, with no progress note yet.
    expect(r.pledges).toMatchObject({ met: 0, notMet: 1, insufficient: 0 });
    expect(r.pledges.items).toEqual([
      expect.objectContaining({
        pledgeId: pledge.id,
        code: "IMMD-ID-CARD",
        achieved: 90,
        sample: 40,
        status: "not_met",
        unmet: null,
        href: `/staff/pledges/${pledge.id}`,
      }),
    ]);

    // Important feedback
    expect(r.importantFeedback.map((x) => [x.kind, x.channel, x.summary, x.href])).toEqual([
      ["complaint", "hotline", "Queue too long at Wan Chai", "/staff/feedback?dept=IMMD&month=2026-10&fi=1"],
    ]);

    // No personal data: the complainants' names and contacts appear nowhere.
    const text = JSON.stringify(r);
    for (const secret of [
      "Chan Tai Man",
      "chan@example.com",
      "91234567",
      "lee@example.com",
      "Lost application",
    ])
      expect(text).not.toContain(secret);
  });

  it("stores one report per department and month, rebuilt in place, with the progress note once recorded", async () => {
    const { immd, pledge } = await seedKnown();
    const first = await generateDepartmentReport(app.db, immd, MONTH, NOW);
    await app.db
      .insertInto("pledge_unmet_notes")
      .values({
        pledge_id: pledge.id,
        period: MONTH,
        reason: "Staff shortage after a system upgrade",
        corrective_proposal: "Overtime and two temporary posts",
        recorded_by: null,
        recorded_at: NOW.toISOString(),
      })
      .execute();
    const later = new Date("2026-11-28T01:00:00Z");
    const second = await generateDepartmentReport(app.db, immd, MONTH, later);
    expect(second.id).toBe(first.id);
    const rows = await app.db.selectFrom("monthly_reports").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.generated_at).toBe(later.toISOString());
    const stored = JSON.parse(rows[0]!.data) as DepartmentReport;
    expect(stored.pledges.items[0]!.unmet).toEqual({
      reason: "Staff shortage after a system upgrade",
      correctiveProposal: "Overtime and two temporary posts",
      recordedAt: NOW.toISOString(),
    });
  });

  it("marks a report read on view, acknowledges it on a CSRF-checked post, and hides it from other departments", async () => {
    const { immd } = await seedKnown();
    const { id } = await generateDepartmentReport(app.db, immd, MONTH, NOW);
    const hkp = await generateDepartmentReport(app.db, await deptId("HKP"), MONTH, NOW);
    const manager = await sessionOf("manager.immd");
    const inbox = async (cookie: string) =>
      (await (
        await settle(() =>
          inboxLoader({ request: getRequest("/reports", { cookie }), context: app.context, params: {} }),
        )
      ).json()) as {
        rows: { id: number; month: string; state: string; departmentCode: string }[];
        counts: Record<string, number>;
      };
    const view = (cookie: string, reportId = id) =>
      settle(() =>
        reportLoader({
          request: getRequest(`/reports/${reportId}`, { cookie }),
          context: app.context,
          params: { id: String(reportId) },
        }),
      );

    let box = await inbox(manager);
    expect(box.rows.map((r) => [r.id, r.month, r.state])).toEqual([[id, MONTH, "unread"]]);
    const page = await view(manager);
    expect(page.status).toBe(200);
    const body = (await page.json()) as {
      canAcknowledge: boolean;
      report: { readAt: string | null; data: DepartmentReport };
    };
    expect(body.canAcknowledge).toBe(true);
    expect(body.report.readAt).toBe(NOW.toISOString());
    expect(body.report.data.surveys.responses.count).toBe(5);
    box = await inbox(manager);
    expect(box.rows[0]!.state).toBe("read");
    expect(box.counts).toEqual({ unread: 0, read: 1, acknowledged: 0 });

    const post = (cookie: string, csrf?: null, reportId = id) =>
      settle(() =>
        reportAction({
          request: postForm(`/reports/${reportId}`, {}, { csrfToken: app.csrfToken, cookie, csrf }),
          context: app.context,
          params: { id: String(reportId) },
        }),
      );
    expect((await post(manager, null)).status).toBe(403);
    expect((await inbox(manager)).rows[0]!.state).toBe("read");
    const ack = await post(manager);
    expect(ack.status).toBe(302);
    expect(ack.headers.get("location")).toBe(`/reports/${id}?acknowledged=1`);
    box = await inbox(manager);
    expect(box.rows[0]!.state).toBe("acknowledged");
    const reads = await app.db.selectFrom("report_reads").selectAll().execute();
    expect(reads).toEqual([
      {
        report_id: id,
        user_id: (await userOf("manager.immd")).id,
        read_at: NOW.toISOString(),
        acknowledged_at: NOW.toISOString(),
      },
    ]);

    // Another department's administrator: IMMD's report does not exist for them.
    const admin = await sessionOf("admin.hkp");
    expect((await view(admin)).status).toBe(404);
    expect((await post(admin)).status).toBe(404);
    expect((await inbox(admin)).rows.map((r) => r.id)).toEqual([hkp.id]);
    const xlsx = await settle(() =>
      xlsxLoader({
        request: getRequest(`/reports/${id}.xlsx`, { cookie: admin }),
        context: app.context,
        params: { id_: String(id) },
      }),
    );
    expect(xlsx.status).toBe(404);
    // Counter staff do not read reports at all.
    expect((await view(await sessionOf("counter.immd"))).status).toBe(404);

    // The central reviewer sees every department's report with management's state, and reading
    // it records nothing.
    const reviewer = await sessionOf("reviewer");
    const all = await inbox(reviewer);
    expect(all.rows.map((r) => [r.departmentCode, r.state]).sort()).toEqual([
      ["HKP", "unread"],
      ["IMMD", "acknowledged"],
    ]);
    expect((await view(reviewer, hkp.id)).status).toBe(200);
    expect((await post(reviewer, undefined, hkp.id)).status).toBe(404);
    expect(await app.db.selectFrom("report_reads").selectAll().execute()).toHaveLength(1);

    // The export: one sheet per section, text a spreadsheet would run neutralised.
    const file = await settle(() =>
      xlsxLoader({
        request: getRequest(`/reports/${id}.xlsx`, { cookie: manager }),
        context: app.context,
        params: { id_: String(id) },
      }),
    );
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await file.arrayBuffer());
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      "Summary",
      "Responses",
      "Satisfaction",
      "Feedback",
      "Comments",
      "Complaints",
      "Pledges",
      "Important feedback",
    ]);
    const comments = wb.getWorksheet("Comments")!;
    const texts = comments.getColumn(5).values.slice(2);
    expect(texts).toContain("'=Long queue");
  });

  it("works out the government summary: departments read by management and targets met", async () => {
    const { immd } = await seedKnown();
    const hkpId = await deptId("HKP");
    const immdReport = await generateDepartmentReport(app.db, immd, MONTH, NOW);
    const hkpReport = await generateDepartmentReport(app.db, hkpId, MONTH, NOW);
    // IMMD's manager opens theirs; HKP's department administrator opens theirs (not a manager).
    await reportLoader({
      request: getRequest(`/reports/${immdReport.id}`, { cookie: await sessionOf("manager.immd") }),
      context: app.context,
      params: { id: String(immdReport.id) },
    });
    await reportLoader({
      request: getRequest(`/reports/${hkpReport.id}`, { cookie: await sessionOf("admin.hkp") }),
      context: app.context,
      params: { id: String(hkpReport.id) },
    });
    const s = await buildGovernmentSummary(app.db, MONTH, NOW);
    expect(s).toMatchObject({
      month: MONTH,
      departments: DEPARTMENTS.length,
      reported: 2,
      readByManagement: 1,
      readShare: 1 / DEPARTMENTS.length,
      targets: { met: 0, judged: 1, share: 0 },
      mostUnmet: [{ code: "IMMD", count: 1 }],
      mostOverdue: [{ code: "IMMD", count: 2 }],
    });
  });
});
