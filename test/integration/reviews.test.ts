import { describe, expect, it } from "vitest";
import { REVIEW_QUESTIONS, type ReviewAnswers } from "~/models/reviews/questions";
import { getReturn, returnForCorrection, saveReturn } from "~/models/reviews/returns.server";
import { openRound } from "~/models/reviews/rounds.server";
import { answerField, parseAnswers } from "~/models/reviews/schema";
import { buildReviewTable } from "~/models/reviews/table.server";
import { action as returnAction, loader as returnLoader } from "~/routes/admin.reviews.$id";
import { action as openAction } from "~/routes/central.reviews._index";
import { action as tableAction, loader as tableLoader } from "~/routes/central.reviews.$id";
import { loader as jsonLoader } from "~/routes/central.reviews.$id[.]json";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { buildReviewFixture, REVIEW_PERIOD } from "../setup/review-fixtures";
import { signInAs } from "../setup/session";

const allYes = (): ReviewAnswers =>
  Object.fromEntries(
    REVIEW_QUESTIONS.map((q) => [q.key, { value: q.kind === "boolean" ? true : null, note: "" }]),
  ) as ReviewAnswers;
const rvbAnswers = (): ReviewAnswers => {
  const a: ReviewAnswers = Object.fromEntries(
    REVIEW_QUESTIONS.map((q) => [q.key, { value: q.kind === "boolean" ? false : null, note: "" }]),
  ) as ReviewAnswers;
  a.targets_from_core_services = { value: true, note: "" };
  a.publishes_results = { value: true, note: "Our results are on the leaflet" };
  a.services_pledged_share = { value: 50, note: "" };
  return a;
};
const BEFORE_DEADLINE = new Date("2021-01-20T04:00:00.000Z");

describe.each(DB_KINDS)("the review of pledges [%s]", (kind) => {
  const app = useTestApp(kind);
  const reviewer = () =>
    app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "reviewer")
      .executeTakeFirstOrThrow();
  const open = async () =>
    openRound(
      app.db,
      await reviewer(),
      { periodTo: REVIEW_PERIOD.to, deadline: "2021-01-31" },
      BEFORE_DEADLINE,
    );

  it("builds the table with declared and evidenced figures, counts and denominators on known data", async () => {
    const fx = await buildReviewFixture(app.db);
    const roundId = await open();
    const round = await app.db
      .selectFrom("review_rounds")
      .selectAll()
      .where("id", "=", roundId)
      .executeTakeFirstOrThrow();
    expect([round.period_from, round.period_to]).toEqual([REVIEW_PERIOD.from, REVIEW_PERIOD.to]);
    const d = fx.departments;
    expect(
      await saveReturn(
        app.db,
        { id: null },
        { roundId, departmentId: d.RVA, answers: allYes(), submit: true },
        BEFORE_DEADLINE,
      ),
    ).toMatchObject({ ok: true, late: false });
    expect(
      await saveReturn(
        app.db,
        { id: null },
        { roundId, departmentId: d.RVB, answers: rvbAnswers(), submit: true },
        BEFORE_DEADLINE,
      ),
    ).toMatchObject({ ok: true });
    expect(
      await saveReturn(
        app.db,
        { id: null },
        { roundId, departmentId: d.RVC, answers: allYes(), submit: false },
        BEFORE_DEADLINE,
      ),
    ).toMatchObject({ ok: true });

    const table = await buildReviewTable(app.db, roundId);
    const fig = Object.fromEntries(
      table.figures.map((f) => [
        f.key,
        [f.declaredYes, f.declaredOf, f.evidencedYes, f.evidencedOf, f.paper],
      ]),
    );
    expect(fig).toEqual({
      targets_from_core_services: [2, 2, null, null, null],
      benchmarked: [1, 2, null, null, 30],
      publishes_results: [2, 2, 1, 3, 86],
      surveys_annual_or_biennial: [1, 2, 1, 3, 73],
      liaison_groups: [1, 2, 1, 3, 50],
      other_channels: [1, 2, null, null, null],
      feedback_monthly: [1, 2, 1, 3, 94],
      feedback_ad_hoc: [1, 2, 1, 3, 6],
      internal_guidelines: [1, 2, null, null, 71],
      designated_officers: [1, 2, null, null, null],
      reviewed_every_two_years: [1, 2, 2, 3, 80],
      all_services_pledged: [1, 2, 1, 3, 61],
      // declared: RVB's 50 only; evidenced: RVA 100, RVB 50 (RVC has no direct service)
      services_pledged_share: [50, 1, 75, 2, 80],
    });
    expect(table.targetsMet).toEqual({ results: 59, met: 53, notMet: 6, insufficient: 0 });
    expect(table.pledgeFigures.map((p) => [p.key, p.count, p.of])).toEqual([
      ["changed", 1, 3],
      ["improved", 1, 3],
      ["retired", 1, 3],
      ["new", 1, 3],
    ]);
    expect(table.departments.map((r) => [r.code, r.returnStatus, r.isLate])).toEqual([
      ["RVA", "submitted", false],
      ["RVB", "submitted", false],
      ["RVC", "draft", false],
    ]);
    const rvb = table.departments.find((r) => r.code === "RVB")!;
    expect(rvb.cells.publishes_results).toEqual({
      declared: true,
      evidence: false,
      agrees: false,
      note: "Our results are on the leaflet",
      evidenceHref: "/pledges/RVB",
    });
    expect(rvb.cells.services_pledged_share).toMatchObject({ declared: 50, evidence: 50, agrees: true });
    expect(rvb.cells.benchmarked).toMatchObject({
      declared: false,
      evidence: null,
      agrees: null,
      evidenceHref: null,
    });
    const rva = table.departments.find((r) => r.code === "RVA")!;
    for (const q of REVIEW_QUESTIONS)
      if (q.evidence && q.kind === "boolean") expect([q.key, rva.cells[q.key].agrees]).toEqual([q.key, true]);
  });

  it("takes 'feedback to management monthly' away when one month's report is never read by management", async () => {
    const fx = await buildReviewFixture(app.db);
    const roundId = await open();
    const monthly = async () =>
      (await buildReviewTable(app.db, roundId)).departments.find((r) => r.code === "RVA")!.cells
        .feedback_monthly.evidence;
    expect(await monthly()).toBe(true);
    // A department administrator opening it is not management reading it.
    const admin = await app.db
      .insertInto("staff_users")
      .values({
        department_id: fx.departments.RVA,
        username: "admin.rva",
        display_name: "a",
        role: "department_admin",
        password_hash: "x",
        is_active: 1,
        created_at: "2017-01-01T00:00:00.000Z",
        updated_at: "2017-01-01T00:00:00.000Z",
        last_sign_in_at: null,
        email: null,
        language: "en",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const reportId = fx.rvaReportIds[17]!;
    await app.db.deleteFrom("report_reads").where("report_id", "=", reportId).execute();
    await app.db
      .insertInto("report_reads")
      .values({
        report_id: reportId,
        user_id: admin.id,
        read_at: "2019-06-30T00:00:00.000Z",
        acknowledged_at: null,
      })
      .execute();
    expect(await monthly()).toBe(false);
    const table = await buildReviewTable(app.db, roundId);
    expect(table.figures.find((f) => f.key === "feedback_monthly")).toMatchObject({
      evidencedYes: 0,
      evidencedOf: 3,
    });
  });

  it("marks a submission after the deadline (Hong Kong date) late, and refuses a second submission changing nothing", async () => {
    const fx = await buildReviewFixture(app.db);
    const roundId = await open();
    const deptId = fx.departments.RVA;
    // 23:30 on the deadline day in Hong Kong: on time.
    const onTime = await saveReturn(
      app.db,
      { id: null },
      { roundId, departmentId: fx.departments.RVB, answers: rvbAnswers(), submit: true },
      new Date("2021-01-31T15:30:00.000Z"),
    );
    expect(onTime).toMatchObject({ ok: true, late: false });
    // 00:30 the next day in Hong Kong (still the 31st in UTC): late, accepted.
    const late = await saveReturn(
      app.db,
      { id: null },
      { roundId, departmentId: deptId, answers: allYes(), submit: true },
      new Date("2021-01-31T16:30:00.000Z"),
    );
    expect(late).toMatchObject({ ok: true, late: true });
    const before = await getReturn(app.db, roundId, deptId);
    expect(before).toMatchObject({ status: "submitted", is_late: 1 });
    const again = await saveReturn(
      app.db,
      { id: null },
      { roundId, departmentId: deptId, answers: rvbAnswers(), submit: true },
    );
    expect(again).toEqual({ ok: false, error: "locked" });
    const draft = await saveReturn(
      app.db,
      { id: null },
      { roundId, departmentId: deptId, answers: rvbAnswers(), submit: false },
    );
    expect(draft).toEqual({ ok: false, error: "locked" });
    expect(await getReturn(app.db, roundId, deptId)).toEqual(before);

    // Returned for correction: editable again, the reason kept; resubmitted.
    const r = await reviewer();
    expect(
      await returnForCorrection(app.db, r, { roundId, departmentId: deptId, reason: "Surveys: say which" }),
    ).toEqual({ ok: true });
    expect(await returnForCorrection(app.db, r, { roundId, departmentId: deptId, reason: "twice" })).toEqual({
      ok: false,
      error: "notSubmitted",
    });
    expect(await getReturn(app.db, roundId, deptId)).toMatchObject({
      status: "returned",
      return_reason: "Surveys: say which",
    });
    expect(
      await saveReturn(
        app.db,
        { id: null },
        { roundId, departmentId: deptId, answers: allYes(), submit: false },
      ),
    ).toMatchObject({ ok: true });
    expect(await getReturn(app.db, roundId, deptId)).toMatchObject({ status: "returned" });
    expect(
      await saveReturn(
        app.db,
        { id: null },
        { roundId, departmentId: deptId, answers: allYes(), submit: true },
      ),
    ).toMatchObject({ ok: true });
    expect(await getReturn(app.db, roundId, deptId)).toMatchObject({ status: "submitted" });
    const actions = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "like", "review.%")
      .orderBy("id")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "review.open",
      "review.submit",
      "review.submit",
      "review.return",
      "review.save",
      "review.submit",
    ]);
  });

  it("refuses a share outside 0–100 and an unanswered question on submission", () => {
    const form = new Map<string, string>([[answerField("services_pledged_share"), "150"]]);
    const parsed = parseAnswers((n) => form.get(n) ?? null, false);
    expect(parsed).toMatchObject({
      ok: false,
      errors: { [answerField("services_pledged_share")]: "reviews.errors.shareRange" },
    });
    form.set(answerField("services_pledged_share"), "-1");
    expect(parseAnswers((n) => form.get(n) ?? null, false).ok).toBe(false);
    form.set(answerField("services_pledged_share"), "80");
    expect(parseAnswers((n) => form.get(n) ?? null, false).ok).toBe(true);
    const complete = parseAnswers((n) => form.get(n) ?? null, true);
    expect(complete).toMatchObject({
      ok: false,
      errors: { [answerField("benchmarked")]: "reviews.errors.required" },
    });
  });
});

describe.each(DB_KINDS)("the review's pages [%s]", (kind) => {
  const app = useTestApp(kind);
  const post = (path: string, fields: Record<string, string>, cookie: string) =>
    postForm(path, fields, { cookie, csrfToken: app.csrfToken });
  const immdAnswers = (share: string): Record<string, string> => {
    const f: Record<string, string> = {};
    for (const q of REVIEW_QUESTIONS) f[answerField(q.key)] = q.kind === "boolean" ? "yes" : share;
    f[answerField("all_services_pledged")] = "no";
    return f;
  };

  it("lets the central bureau open a round, a department submit, and only its own administrators and the bureau see it", async () => {
    const reviewer = await signInAs(app.c, "reviewer");
    const opened = await settle(() =>
      openAction({
        request: post("/central/reviews", { periodTo: "2026-11", deadline: "2026-12-31" }, reviewer),
        context: app.context,
        params: {},
      }),
    );
    expect(opened.status).toBe(302);
    const id = opened.headers.get("Location")!.split("/").pop()!;
    const badOpen = await settle(() =>
      openAction({
        request: post("/central/reviews", { periodTo: "2026-13", deadline: "x" }, reviewer),
        context: app.context,
        params: {},
      }),
    );
    expect(badOpen.status).toBe(400);

    const immd = await signInAs(app.c, "admin.immd");
    const path = `/admin/reviews/${id}`;
    // A share of 150%: refused, nothing written.
    const bad = await settle(() =>
      returnAction({
        request: post(path, { ...immdAnswers("150"), intent: "submit" }, immd),
        context: app.context,
        params: { id },
      }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toMatchObject({
      [answerField("services_pledged_share")]: "reviews.errors.shareRange",
    });
    expect(await app.db.selectFrom("review_returns").selectAll().execute()).toEqual([]);

    const ok = await settle(() =>
      returnAction({
        request: post(path, { ...immdAnswers("80"), intent: "submit" }, immd),
        context: app.context,
        params: { id },
      }),
    );
    expect(ok.status).toBe(302);
    const again = await settle(() =>
      returnAction({
        request: post(path, { ...immdAnswers("90"), intent: "submit" }, immd),
        context: app.context,
        params: { id },
      }),
    );
    expect(again.status).toBe(409);
    expect((await again.json()).formError).toBe("reviews.errors.locked");
    const stored = await app.db.selectFrom("review_returns").selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(stored.answers).services_pledged_share.value).toBe(80);

    // Another department's administrator sees their own (empty) return, never IMMD's, and not the table.
    const hkp = await signInAs(app.c, "admin.hkp");
    const theirs = await settle(() =>
      returnLoader({ request: getRequest(path, { cookie: hkp }), context: app.context, params: { id } }),
    );
    expect((await theirs.json()).view).toMatchObject({ status: "none", answers: {} });
    const table = await settle(() =>
      jsonLoader({
        request: getRequest(`/central/reviews/${id}.json`, { cookie: hkp }),
        context: app.context,
        params: { id },
      }),
    );
    expect(table.status).toBe(404);
    const page = await settle(() =>
      tableLoader({
        request: getRequest(`/central/reviews/${id}`, { cookie: hkp }),
        context: app.context,
        params: { id },
      }),
    );
    expect(page.status).toBe(404);

    // The bureau returns it for correction; the department sees the reason and resubmits.
    const immdId = (
      await app.db.selectFrom("departments").select("id").where("code", "=", "IMMD").executeTakeFirstOrThrow()
    ).id;
    const noReason = await settle(() =>
      tableAction({
        request: post(
          `/central/reviews/${id}`,
          { intent: "return", departmentId: String(immdId), reason: " " },
          reviewer,
        ),
        context: app.context,
        params: { id },
      }),
    );
    expect(noReason.status).toBe(400);
    const returned = await settle(() =>
      tableAction({
        request: post(
          `/central/reviews/${id}`,
          { intent: "return", departmentId: String(immdId), reason: "Check the surveys" },
          reviewer,
        ),
        context: app.context,
        params: { id },
      }),
    );
    expect(returned.status).toBe(302);
    const view = await settle(() =>
      returnLoader({ request: getRequest(path, { cookie: immd }), context: app.context, params: { id } }),
    );
    expect((await view.json()).view).toMatchObject({
      status: "returned",
      returnReason: "Check the surveys",
      editable: true,
    });
    const resubmitted = await settle(() =>
      returnAction({
        request: post(path, { ...immdAnswers("85"), intent: "submit" }, immd),
        context: app.context,
        params: { id },
      }),
    );
    expect(resubmitted.status).toBe(302);

    const json = await (
      await settle(() =>
        jsonLoader({
          request: getRequest(`/central/reviews/${id}.json`, { cookie: reviewer }),
          context: app.context,
          params: { id },
        }),
      )
    ).json();
    const row = json.departments.find((d: { code: string }) => d.code === "IMMD");
    expect(row).toMatchObject({ returnStatus: "submitted", isLate: false });
    expect(row.cells.services_pledged_share.declared).toBe(85);
    expect(json.figures.find((f: { key: string }) => f.key === "publishes_results")).toMatchObject({
      declaredYes: 1,
      declaredOf: 1,
    });
  });
});
