import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { PdfFontMissingError } from "~/models/reports/pdf-fonts.server";
import { reviewPdf } from "~/models/reviews/pdf.server";
import { REVIEW_QUESTIONS, type ReviewQuestionKey } from "~/models/reviews/questions";
import { figureShares, formatShare, shareOf, targetsMetShare } from "~/models/reviews/shares";
import type { ReviewCell, ReviewTable } from "~/models/reviews/table-types";
import { reviewWorkbook } from "~/models/reviews/xlsx.server";
import { tFor } from "~/utils/meta";
import { compact, pdfTextCompact } from "../setup/pdf-text";

const t = { en: tFor("en"), zh: tFor("zh-HK") };

const cell = (
  declared: boolean | number | null,
  evidence: boolean | number | null,
  note = "",
): ReviewCell => ({
  declared,
  evidence,
  agrees: declared === null || evidence === null ? null : declared === evidence,
  note,
  evidenceHref: null,
});
const cells = (over: Partial<Record<ReviewQuestionKey, ReviewCell>>) =>
  Object.fromEntries(REVIEW_QUESTIONS.map((q) => [q.key, over[q.key] ?? cell(null, null)])) as Record<
    ReviewQuestionKey,
    ReviewCell
  >;

/** A hand-made round: three departments, two returns (one late), figures that need rounding. */
const fixture: ReviewTable = {
  round: { id: 7, periodFrom: "2023-01", periodTo: "2025-12", deadline: "2026-01-31", status: "open" },
  figures: REVIEW_QUESTIONS.map((q, i) => ({
    key: q.key,
    declaredYes: q.kind === "share" ? 72.35 : i % 3,
    declaredOf: 2,
    evidencedYes: q.evidence ? (q.kind === "share" ? 66.66 : 1) : null,
    evidencedOf: q.evidence ? 3 : null,
    paper: q.paper,
  })),
  pledgeFigures: [
    { key: "changed", count: 1, of: 3, paper: 25 },
    { key: "improved", count: 2, of: 3, paper: null },
    { key: "retired", count: 0, of: 3, paper: null },
    { key: "new", count: 0, of: 0, paper: null },
  ],
  departments: [
    {
      departmentId: 1,
      code: "IMMD",
      nameEn: "Immigration Department",
      nameZh: "入境事務處",
      returnStatus: "submitted",
      isLate: false,
      submittedAt: "2026-01-10T02:00:00.000Z",
      cells: cells({
        feedback_monthly: cell(true, false, '=HYPERLINK("x") 報告已閱'),
        publishes_results: cell(true, true),
        services_pledged_share: cell(80, 75),
      }),
    },
    {
      departmentId: 2,
      code: "HKP",
      nameEn: "Hongkong Post",
      nameZh: "香港郵政",
      returnStatus: "submitted",
      isLate: true,
      submittedAt: "2026-02-03T02:00:00.000Z",
      cells: cells({ feedback_monthly: cell(true, true) }),
    },
    {
      departmentId: 3,
      code: "LD",
      nameEn: "Labour Department",
      nameZh: "勞工處",
      returnStatus: "none",
      isLate: false,
      submittedAt: null,
      cells: cells({ feedback_monthly: cell(null, true) }),
    },
  ],
  targetsMet: { results: 10, met: 6, notMet: 3, insufficient: 1 },
};

describe("review shares", () => {
  it("round to one decimal place, and are null without a denominator", () => {
    expect(shareOf(2, 3)).toBe(66.7);
    expect(shareOf(1, 8)).toBe(12.5);
    expect(shareOf(3, 3)).toBe(100);
    expect(shareOf(0, 0)).toBeNull();
    expect(targetsMetShare(fixture.targetsMet)).toBe(60);
    const share = fixture.figures.find((f) => f.key === "services_pledged_share")!;
    expect(figureShares(share)).toEqual({ declared: 72.4, evidenced: 66.7 });
    const notComputed = fixture.figures.find((f) => f.key === "benchmarked")!;
    expect(figureShares(notComputed).evidenced).toBeNull();
    expect(formatShare(66.7, "en")).toBe("66.7%");
    expect(formatShare(50, "zh-HK")).toBe("50%");
    expect(formatShare(null, "en")).toBe("—");
  });
});

describe("review table as XLSX", () => {
  it("has the figures, pledges, departments, notes and targets met, with the shares of shares.ts", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await reviewWorkbook(fixture, t));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Figures",
      "Pledges",
      "Departments",
      "Notes",
      "Targets met",
    ]);
    const rows = (name: string) =>
      (wb.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));

    const [header, ...figures] = rows("Figures");
    expect(header).toEqual([
      "question",
      "question_en",
      "question_zh",
      "declared_yes",
      "declared_of",
      "declared_share_pct",
      "evidenced_yes",
      "evidenced_of",
      "evidenced_share_pct",
      "paper_2009_pct",
    ]);
    expect(figures).toHaveLength(REVIEW_QUESTIONS.length);
    const feedback = figures.find((r) => r[0] === "feedback_monthly")!;
    expect(feedback[2]).toBe(t.zh("reviews.questions.feedback_monthly.label"));
    // index 6 in REVIEW_QUESTIONS: declared 0 of 2; evidenced 1 of 3 = 33.3 %; paper 94.
    expect(feedback.slice(3)).toEqual([0, 2, 0, 1, 3, 33.3, 94]);
    const share = figures.find((r) => r[0] === "services_pledged_share")!;
    expect(share.slice(3)).toEqual([72.35, 2, 72.4, 66.66, 3, 66.7, 80]);
    // No evidence computed, no paper figure: empty cells.
    const core = figures.find((r) => r[0] === "targets_from_core_services")!;
    expect(core.slice(6)).toEqual(["", "", "", ""]);

    const pledges = rows("Pledges");
    expect(pledges[1]).toEqual(["changed", "Pledges changed", "曾修訂的服務承諾", 1, 3, 33.3, 25]);
    expect(pledges[4]!.slice(3, 6)).toEqual([0, 0, ""]);

    const [deptHeader, immd, hkp, ld] = rows("Departments");
    const col = (name: string) => deptHeader!.indexOf(name);
    expect(immd!.slice(0, 5)).toEqual(["IMMD", "Immigration Department", "入境事務處", "submitted", "no"]);
    expect(hkp![col("late")]).toBe("yes");
    expect(ld![col("return_status")]).toBe("none");
    expect(immd![col("feedback_monthly_declared")]).toBe("yes");
    expect(immd![col("feedback_monthly_evidence")]).toBe("no");
    expect(immd![col("feedback_monthly_agrees")]).toBe("no");
    expect(immd![col("services_pledged_share_declared")]).toBe(80);
    expect(ld![col("feedback_monthly_declared")]).toBe("");

    // A note that looks like a formula stays text.
    expect(rows("Notes")[1]).toEqual(["IMMD", "feedback_monthly", '\'=HYPERLINK("x") 報告已閱']);
    const targets = Object.fromEntries(rows("Targets met").slice(1));
    expect(targets).toMatchObject({
      round: 7,
      results: 10,
      met: 6,
      not_met: 3,
      insufficient: 1,
      met_share_pct: 60,
    });
  });
});

describe("review table as PDF", () => {
  it("shows every question and heading in English and Chinese, with the shares of shares.ts", async () => {
    const pdf = await reviewPdf(fixture, t, "zh-HK");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const raw = pdf.toString("latin1");
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJK(hk|tc)-Regular/);
    expect(raw).toContain("/Lang (zh-HK)");
    const text = pdfTextCompact(pdf);
    expect(text).not.toContain("\uFFFD");
    for (const s of [
      t.en("reviewTable.title"),
      t.zh("reviewTable.title"),
      "檢討期：2023年1月至2025年12月",
      "Period:January2023toDecember2025",
      ...REVIEW_QUESTIONS.flatMap((q) => [
        t.en(`reviews.questions.${q.key}.label`),
        t.zh(`reviews.questions.${q.key}.label`),
      ]),
      "入境事務處",
      "香港郵政",
    ])
      expect(text).toContain(compact(s));
    // The feedback_monthly row: number 7, declared 0 % (0/2), evidenced 33.3 % (1/3), 2009: 94 %.
    expect(text).toContain(
      compact(`${t.zh("reviews.questions.feedback_monthly.label")}0%(0/2)33.3%(1/3)94%`),
    );
    expect(text).toContain(
      compact(`${t.zh("reviews.questions.services_pledged_share.label")}72.4%(n=2)66.7%(n=3)80%`),
    );
    expect(text).toContain(compact("在10項每月結果中，6項達到目標（60%）"));
    expect(text).toContain(compact("6 of 10 monthly results met their targets (60%)"));
  });

  it("throws PdfFontMissingError when the CJK font is missing", async () => {
    const saved = process.env.PDF_FONT;
    process.env.PDF_FONT = "/nonexistent/NotoSansCJK-Regular.ttc";
    try {
      await expect(reviewPdf(fixture, t)).rejects.toBeInstanceOf(PdfFontMissingError);
    } finally {
      if (saved === undefined) delete process.env.PDF_FONT;
      else process.env.PDF_FONT = saved;
    }
  });
});
