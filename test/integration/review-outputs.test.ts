import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEW_QUESTIONS, type ReviewAnswers, type ReviewQuestionKey } from "~/models/reviews/questions";
import { saveReturn } from "~/models/reviews/returns.server";
import { openRound } from "~/models/reviews/rounds.server";
import { figureShares, formatShare, shareOf, targetsMetShare } from "~/models/reviews/shares";
import { buildReviewTable } from "~/models/reviews/table.server";
import type { ReviewTable } from "~/models/reviews/table-types";
import { loader as pdfLoader } from "~/routes/central.reviews.$id_[.]pdf";
import { loader as xlsxLoader } from "~/routes/central.reviews.$id_[.]xlsx";
import { tFor } from "~/utils/meta";
import { makeContext, type TestContext } from "../setup/context";
import { DB_KINDS, freshDb, type TestDb } from "../setup/db";
import { compact, pdfTextCompact } from "../setup/pdf-text";
import { getRequest, settle } from "../setup/requests";
import { type RunningServer, startServer } from "../setup/server";
import { signInAs } from "../setup/session";

/*
 * Issue 16, done-when 3: the review's table of a round as JSON, XLSX and PDF agrees with the page
 * and with buildReviewTable, on a round with known answers; the PDF's Chinese text can be read
 * back. All four come from the real web process (the production build) on the test's database.
 */

const en = tFor("en");
const zh = tFor("zh-HK");
const NOW = new Date("2026-11-20T02:00:00.000Z");
const LATE = new Date("2026-12-03T02:00:00.000Z");

const yes = (value: boolean | number | null, note = "") => ({ value, note });
/** The returns: IMMD and TD on time, HKP late, WSD a draft (not counted), the others none. */
const RETURNS: Record<string, { answers: ReviewAnswers; submit: boolean; at: Date }> = {
  IMMD: {
    submit: true,
    at: NOW,
    answers: {
      targets_from_core_services: yes(true),
      benchmarked: yes(true),
      publishes_results: yes(true),
      surveys_annual_or_biennial: yes(false),
      liaison_groups: yes(true, "用戶委員會每季開會"),
      feedback_monthly: yes(true),
      internal_guidelines: yes(true),
      reviewed_every_two_years: yes(true),
      all_services_pledged: yes(false),
      services_pledged_share: yes(80),
    },
  },
  HKP: {
    submit: true,
    at: LATE,
    answers: {
      targets_from_core_services: yes(true),
      benchmarked: yes(false),
      publishes_results: yes(true),
      surveys_annual_or_biennial: yes(true),
      liaison_groups: yes(false),
      feedback_monthly: yes(true),
      feedback_ad_hoc: yes(true),
      internal_guidelines: yes(false),
      reviewed_every_two_years: yes(true),
      all_services_pledged: yes(false),
      services_pledged_share: yes(65),
    },
  },
  // A third return, so that shares of departments need a decimal place (1 of 3, 2 of 3).
  TD: {
    submit: true,
    at: NOW,
    answers: {
      targets_from_core_services: yes(false),
      benchmarked: yes(false),
      publishes_results: yes(true),
      surveys_annual_or_biennial: yes(false),
      feedback_monthly: yes(true),
      all_services_pledged: yes(true),
    },
  },
  WSD: { submit: false, at: NOW, answers: { benchmarked: yes(true), publishes_results: yes(true) } },
};
/** What the declared figures must be, worked out here from RETURNS (submitted ones only). */
function expectedDeclared(key: ReviewQuestionKey) {
  const answers = Object.values(RETURNS)
    .filter((r) => r.submit)
    .map((r) => r.answers[key]?.value)
    .filter((v) => v !== undefined && v !== null);
  const share = REVIEW_QUESTIONS.find((q) => q.key === key)!.kind === "share";
  return {
    yes: share
      ? (answers as number[]).reduce((a, b) => a + b, 0) / Math.max(answers.length, 1)
      : answers.filter((v) => v === true).length,
    of: answers.length,
  };
}

describe.each(DB_KINDS)("the review's table as page, JSON, XLSX and PDF [%s]", (kind) => {
  let t: TestDb;
  let c: TestContext;
  let server: RunningServer;
  let cookie = "";
  let roundId = 0;
  let table: ReviewTable;

  const fetchAs = (p: string, who = cookie) =>
    fetch(`${server.baseUrl}${p}`, { headers: { Cookie: who }, redirect: "manual" });

  beforeAll(async () => {
    t = await freshDb(kind);
    c = makeContext(t.db);
    const reviewer = await t.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "reviewer")
      .executeTakeFirstOrThrow();
    roundId = await openRound(t.db, reviewer, { periodTo: "2026-10", deadline: "2026-11-30" }, NOW);
    const departments = await t.db.selectFrom("departments").select(["id", "code"]).execute();
    for (const [code, r] of Object.entries(RETURNS)) {
      const dept = departments.find((d) => d.code === code)!;
      const saved = await saveReturn(
        t.db,
        { id: null },
        { roundId, departmentId: dept.id, answers: r.answers, submit: r.submit },
        r.at,
      );
      expect(saved.ok).toBe(true);
    }
    table = await buildReviewTable(t.db, roundId);
    // The same session secret as the test context's, so a session signed in here works there.
    server = await startServer({
      DATABASE_URL: t.processUrl,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      COOKIE_SECURE: "false",
    });
    cookie = await signInAs(c, "reviewer");
  });
  afterAll(async () => {
    await server?.stop();
    await c?.close();
    await t?.cleanup();
  });

  it("counts the known returns: submitted only, the late one marked", () => {
    for (const q of REVIEW_QUESTIONS) {
      const f = table.figures.find((x) => x.key === q.key)!;
      const want = expectedDeclared(q.key);
      expect([q.key, f.declaredYes, f.declaredOf]).toEqual([q.key, want.yes, want.of]);
    }
    const row = (code: string) => table.departments.find((d) => d.code === code)!;
    expect([row("IMMD").returnStatus, row("IMMD").isLate]).toEqual(["submitted", false]);
    expect([row("HKP").returnStatus, row("HKP").isLate]).toEqual(["submitted", true]);
    expect(row("WSD").returnStatus).toBe("draft");
    expect(row("IMMD").cells.liaison_groups.note).toBe("用戶委員會每季開會");
    // Shares that need rounding: benchmarked 1 of 3, targets from core services 2 of 3.
    expect(figureShares(table.figures.find((f) => f.key === "benchmarked")!).declared).toBe(33.3);
    expect(figureShares(table.figures.find((f) => f.key === "targets_from_core_services")!).declared).toBe(
      66.7,
    );
    expect(figureShares(table.figures.find((f) => f.key === "services_pledged_share")!).declared).toBe(72.5);
  });

  it("JSON is the table buildReviewTable builds", async () => {
    const res = await fetchAs(`/central/reviews/${roundId}.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as ReviewTable | { table: ReviewTable };
    expect("table" in body ? body.table : body).toEqual(table);
  });

  it("XLSX holds the same counts and shares", async () => {
    const res = await fetchAs(`/central/reviews/${roundId}.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const rows = (name: string) => {
      const [header, ...body] = (wb.getWorksheet(name)!.getSheetValues() as unknown[][])
        .filter(Boolean)
        .map((r) => r.slice(1));
      return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] === "" ? null : r[i]])));
    };
    const figures = rows("Figures");
    expect(figures.map((r) => r.question)).toEqual(table.figures.map((f) => f.key));
    for (const f of table.figures) {
      const r = figures.find((x) => x.question === f.key)!;
      const s = figureShares(f);
      expect(r).toEqual({
        question: f.key,
        question_en: en(`reviews.questions.${f.key}.label`),
        question_zh: zh(`reviews.questions.${f.key}.label`),
        declared_yes: f.declaredYes,
        declared_of: f.declaredOf,
        declared_share_pct: s.declared,
        evidenced_yes: f.evidencedYes,
        evidenced_of: f.evidencedOf,
        evidenced_share_pct: s.evidenced,
        paper_2009_pct: f.paper,
      });
    }
    const pledges = rows("Pledges");
    for (const p of table.pledgeFigures)
      expect(pledges.find((r) => r.figure === p.key)).toMatchObject({
        pledges: p.count,
        of: p.of,
        share_pct: shareOf(p.count, p.of),
      });
    const departments = rows("Departments");
    expect(departments.map((d) => d.code)).toEqual(table.departments.map((d) => d.code));
    const answer = (v: boolean | number | null) =>
      v === null ? null : typeof v === "boolean" ? (v ? "yes" : "no") : v;
    for (const d of table.departments) {
      const r = departments.find((x) => x.code === d.code)!;
      expect([r.name_zh, r.return_status, r.late]).toEqual([
        d.nameZh,
        d.returnStatus,
        d.isLate ? "yes" : "no",
      ]);
      for (const q of REVIEW_QUESTIONS) {
        const cell = d.cells[q.key];
        expect([d.code, q.key, r[`${q.key}_declared`], r[`${q.key}_evidence`], r[`${q.key}_agrees`]]).toEqual(
          [d.code, q.key, answer(cell.declared), answer(cell.evidence), answer(cell.agrees)],
        );
      }
    }
    const targets = Object.fromEntries(rows("Targets met").map((r) => [r.item, r.value]));
    expect(targets).toMatchObject({
      results: table.targetsMet.results,
      met: table.targetsMet.met,
      not_met: table.targetsMet.notMet,
      insufficient: table.targetsMet.insufficient,
      met_share_pct: targetsMetShare(table.targetsMet),
    });
  });

  it("PDF shows the same figures, in English and in Chinese that can be copied out", async () => {
    const res = await fetchAs(`/central/reviews/${roundId}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.toString("latin1")).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJK(hk|tc)-Regular/);
    const text = pdfTextCompact(pdf);
    expect(text).toContain(compact(zh("reviewTable.title")));
    expect(text).toContain(compact(zh("reviewTable.period", { from: "2023年11月", to: "2026年10月" })));
    for (const f of table.figures) {
      const s = figureShares(f);
      const share = REVIEW_QUESTIONS.find((q) => q.key === f.key)!.kind === "share";
      const counts = share ? `(n=${f.declaredOf})` : `(${f.declaredYes}/${f.declaredOf})`;
      const evidenced =
        f.evidencedYes === null
          ? `—${en("reviewTable.figures.notComputed")}${zh("reviewTable.figures.notComputed")}`
          : `${formatShare(s.evidenced, "en")}${share ? `(n=${f.evidencedOf})` : `(${f.evidencedYes}/${f.evidencedOf})`}`;
      // One row: the question in English over Chinese, declared, evidenced, the 2009 figure.
      expect(text).toContain(
        compact(
          `${en(`reviews.questions.${f.key}.label`)}${zh(`reviews.questions.${f.key}.label`)}` +
            `${formatShare(s.declared, "en")}${counts}${evidenced}${formatShare(f.paper, "en")}`,
        ),
      );
    }
    for (const d of table.departments) expect(text).toContain(compact(`${d.code}${d.nameEn}${d.nameZh}`));
    expect(text).toContain(
      compact(
        zh("reviewTable.targetsMet.line", {
          met: table.targetsMet.met,
          share: formatShare(targetsMetShare(table.targetsMet), "en"),
          notMet: table.targetsMet.notMet,
          insufficient: table.targetsMet.insufficient,
          results: table.targetsMet.results,
        }).replace(/\d{4,}/g, (n) => Number(n).toLocaleString("en")),
      ),
    );
  });

  it("the page shows the same shares and counts", async () => {
    const res = await fetchAs(`/central/reviews/${roundId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const plain = html
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/\s+/g, " ");
    for (const f of table.figures) {
      const s = figureShares(f);
      // From the question's label to the next question's: its row of the figures table.
      const at = plain.indexOf(en(`reviews.questions.${f.key}.label`));
      expect(at, f.key).toBeGreaterThan(-1);
      const row = plain.slice(at, at + 400);
      expect(row, f.key).toContain(formatShare(s.declared, "en"));
      if (s.evidenced !== null) expect(row, f.key).toContain(formatShare(s.evidenced, "en"));
    }
  });

  it("is for the central bureau only; an unknown round is a 404; no CJK font is a 503", async () => {
    for (const ext of ["xlsx", "pdf"]) {
      expect(
        (await fetchAs(`/central/reviews/${roundId}.${ext}`, await signInAs(c, "admin.immd"))).status,
      ).toBe(404);
      expect((await fetchAs(`/central/reviews/${roundId}.${ext}`, "")).status).toBe(302);
      expect((await fetchAs(`/central/reviews/${roundId + 1000}.${ext}`)).status).toBe(404);
      expect((await fetchAs(`/central/reviews/x.${ext}`)).status).toBe(404);
    }
    const sysadmin = await signInAs(c, "sysadmin");
    const call = (loader: typeof pdfLoader, ext: string, who: string) =>
      settle(() =>
        loader({
          request: getRequest(`/central/reviews/${roundId}.${ext}`, { cookie: who }),
          context: c.context,
          params: { id_: String(roundId) },
        }),
      );
    expect((await call(xlsxLoader, "xlsx", sysadmin)).status).toBe(200);
    const saved = process.env.PDF_FONT;
    process.env.PDF_FONT = "/nonexistent/NotoSansCJK-Regular.ttc";
    try {
      const res = await call(pdfLoader, "pdf", sysadmin);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("fonts-noto-cjk");
    } finally {
      if (saved === undefined) delete process.env.PDF_FONT;
      else process.env.PDF_FONT = saved;
    }
  });
});
