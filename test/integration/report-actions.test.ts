import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDepartmentReport } from "~/models/reports/build.server";
import type { DepartmentReport } from "~/models/reports/schema";
import { action as reportAction, loader as reportLoader } from "~/routes/reports.$id";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

const NOW = new Date("2026-11-27T04:00:00Z");
const MONTH = "2026-10";

interface PageData {
  canRecordNotes: boolean;
  notedPledgeId: number | null;
  report: { data: DepartmentReport };
}

interface NoteResult {
  intent: string;
  pledgeId: number;
  errors: Record<string, string>;
  values: Record<string, string>;
}

describe.each(DB_KINDS)("managers act on unmet targets from the monthly report [%s]", (kind) => {
  const app = useTestApp(kind);
  let immd: number;
  let pledgeId: number;
  let reportId: number;

  const idOf = async (table: "departments" | "pledges", code: string) =>
    (await app.db.selectFrom(table).select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  const userId = async (username: string) =>
    (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;

  /** ID-card transactions of October: `late` of them past the 10 working days. */
  async function transactions(count: number, late: number, from = 0) {
    const pledge = await app.db
      .selectFrom("pledges as p")
      .innerJoin("pledge_versions as v", "v.id", "p.current_version_id")
      .select("v.transaction_type")
      .where("p.id", "=", pledgeId)
      .executeTakeFirstOrThrow();
    await app.db
      .insertInto("service_transactions")
      .values(
        Array.from({ length: count }, (_, i) => ({
          department_id: immd,
          transaction_type: pledge.transaction_type!,
          external_ref: `T${from + i}`,
          received_at: "2026-10-01T02:00:00.000Z",
          completed_at: "2026-10-20T02:00:00.000Z",
          month: MONTH,
          working_days: i < late ? 15 : 5,
          calendar_days: i < late ? 21 : 7,
          import_id: null,
          created_at: NOW.toISOString(),
        })),
      )
      .execute();
  }

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    immd = await idOf("departments", "IMMD");
    pledgeId = await idOf("pledges", "IMMD-ID-CARD");
    await app.db.updateTable("pledge_versions").set({ effective_from: "2023-01-01" }).execute();
    // 36 of 40 on time in October: 90%, under the 99% target.
    await transactions(40, 4);
    reportId = (await generateDepartmentReport(app.db, immd, MONTH, NOW)).id;
  });
  afterEach(async () => {
    vi.useRealTimers();
  });

  const view = async (cookie: string) => {
    const res = await settle(() =>
      reportLoader({
        request: getRequest(`/reports/${reportId}`, { cookie }),
        context: app.context,
        params: { id: String(reportId) },
      }),
    );
    expect(res.status).toBe(200);
    return (await res.json()) as PageData;
  };
  const post = (cookie: string, fields: Record<string, string>, csrf?: null) =>
    settle(() =>
      reportAction({
        request: postForm(`/reports/${reportId}`, fields, { csrfToken: app.csrfToken, cookie, csrf }),
        context: app.context,
        params: { id: String(reportId) },
      }),
    );
  const note = (
    id: number,
    reason: string,
    correctiveProposal: string,
    extra: Record<string, string> = {},
  ) => ({
    intent: "unmet-note",
    pledgeId: String(id),
    [`note-${id}-reason`]: reason,
    [`note-${id}-correctiveProposal`]: correctiveProposal,
    ...extra,
  });
  const notes = () => app.db.selectFrom("pledge_unmet_notes").selectAll().execute();
  const storedSnapshot = async () =>
    JSON.parse(
      (
        await app.db
          .selectFrom("monthly_reports")
          .select("data")
          .where("id", "=", reportId)
          .executeTakeFirstOrThrow()
      ).data,
    ) as DepartmentReport;

  it("lets the department's manager record the reason and proposal, shown on the report at once", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    let page = await view(manager);
    expect(page.canRecordNotes).toBe(true);
    expect(page.report.data.pledges.items).toEqual([
      expect.objectContaining({ pledgeId, status: "not_met", unmet: null }),
    ]);

    // A period in the form is ignored: the note is for the report's month.
    const res = await post(
      manager,
      note(pledgeId, "  Two counters closed for refitting ", "Reopen them and add Saturday sessions", {
        period: "2026-01",
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/reports/${reportId}?noted=${pledgeId}#unmet-${pledgeId}`);
    expect(await notes()).toEqual([
      expect.objectContaining({
        pledge_id: pledgeId,
        period: MONTH,
        reason: "Two counters closed for refitting",
        corrective_proposal: "Reopen them and add Saturday sessions",
        recorded_by: await userId("manager.immd"),
        recorded_at: NOW.toISOString(),
      }),
    ]);
    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "pledge.unmet-note")
      .execute();
    expect(audit).toHaveLength(1);

    page = await view(manager);
    expect(page.report.data.pledges.items[0]!.unmet).toEqual({
      reason: "Two counters closed for refitting",
      correctiveProposal: "Reopen them and add Saturday sessions",
      recordedAt: NOW.toISOString(),
    });
    // The stored snapshot is as it was generated.
    expect((await storedSnapshot()).pledges.items[0]!.unmet).toBeNull();

    // The department's administrator updates it: one note per pledge and month.
    const admin = await signInAs(app.c, "admin.immd");
    expect((await post(admin, note(pledgeId, "Counters closed", "Extra sessions"))).status).toBe(302);
    expect((await notes()).map((n) => [n.reason, n.corrective_proposal, n.recorded_by])).toEqual([
      ["Counters closed", "Extra sessions", await userId("admin.immd")],
    ]);
    expect((await view(manager)).report.data.pledges.items[0]!.unmet?.reason).toBe("Counters closed");
  });

  it("refuses missing or over-long fields with their errors and what was typed, storing nothing", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    const missing = await post(manager, note(pledgeId, "Two counters closed", "   "));
    expect(missing.status).toBe(400);
    expect((await missing.json()) as NoteResult).toEqual({
      intent: "unmet-note",
      pledgeId,
      errors: { correctiveProposal: "validation.required" },
      values: { reason: "Two counters closed", correctiveProposal: "   " },
    });
    // Fields left out of the post altogether.
    const absent = await post(manager, { intent: "unmet-note", pledgeId: String(pledgeId) });
    expect(absent.status).toBe(400);
    expect(((await absent.json()) as NoteResult).errors).toEqual({
      reason: "validation.required",
      correctiveProposal: "validation.required",
    });
    const long = await post(manager, note(pledgeId, "x".repeat(2001), "Fine"));
    expect(long.status).toBe(400);
    expect(((await long.json()) as NoteResult).errors).toEqual({
      reason: "pledgesAdmin.errors.tooLong2000",
    });
    expect(await notes()).toEqual([]);
  });

  it("treats another department's pledge as not there", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    const hkpPledge = await idOf("pledges", "HKP-LOCAL-MAIL");
    const res = await post(manager, note(hkpPledge, "Reason", "Proposal"));
    expect(res.status).toBe(404);
    expect((await post(manager, note(pledgeId, "Reason", "Proposal", { pledgeId: "abc" }))).status).toBe(404);
    expect(await notes()).toEqual([]);
    const denied = await app.db
      .selectFrom("audit_events")
      .select(["entity_type", "entity_id"])
      .where("action", "=", "access.denied")
      .execute();
    expect(denied).toContainEqual({ entity_type: "pledge", entity_id: String(hkpPledge) });
  });

  it("lets no one else record a note: counter staff, another department, the central reviewer", async () => {
    for (const username of ["counter.immd", "officer.immd", "admin.hkp", "reviewer"]) {
      const res = await post(await signInAs(app.c, username), note(pledgeId, "Reason", "Proposal"));
      expect(res.status, username).toBe(404);
    }
    // The reviewer reads the report but sees no form.
    expect((await view(await signInAs(app.c, "reviewer"))).canRecordNotes).toBe(false);
    expect(await notes()).toEqual([]);
  });

  it("refuses a post without the CSRF token", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    expect((await post(manager, note(pledgeId, "Reason", "Proposal"), null)).status).toBe(403);
    expect(await notes()).toEqual([]);
  });

  it("says so when on today's figures the month's target was met, storing nothing", async () => {
    // Late-arriving records: 436 of 440 on time, 99.1%, over the target. The report still says "not met".
    await transactions(400, 0, 1000);
    const manager = await signInAs(app.c, "manager.immd");
    const res = await post(manager, note(pledgeId, "Reason", "Proposal"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as NoteResult).errors).toEqual({ form: "reports.pledges.note.notUnmet" });
    expect(await notes()).toEqual([]);
  });

  it("still acknowledges, with intent=acknowledge or none, and refuses an unknown intent", async () => {
    const manager = await signInAs(app.c, "manager.immd");
    expect((await post(manager, { intent: "nope" })).status).toBe(400);
    expect(await app.db.selectFrom("report_reads").selectAll().execute()).toEqual([]);
    const ack = await post(manager, { intent: "acknowledge" });
    expect(ack.status).toBe(302);
    expect(ack.headers.get("location")).toBe(`/reports/${reportId}?acknowledged=1`);
    expect((await post(manager, {})).status).toBe(302);
    const reads = await app.db.selectFrom("report_reads").selectAll().execute();
    expect(reads).toEqual([expect.objectContaining({ acknowledged_at: NOW.toISOString() })]);
  });
});
