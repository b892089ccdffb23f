import ExcelJS from "exceljs";
import { type ExportCell, safeCell } from "../../utils/spreadsheet";
import { REVIEW_QUESTIONS, type ReviewQuestionKey } from "./questions";
import { figureShares, shareOf, targetsMetShare } from "./shares";
import type { ReviewCell, ReviewTable } from "./table-types";

/*
 * A review round's table as an Excel workbook: the figures, the pledge figures, one row per
 * department and the targets met. Labels in both languages side by side (the table goes to the
 * central bureau and the departments alike); shares from shares.ts, so they are the numbers of the
 * page, the JSON and the PDF. Small (a few hundred rows at most): built in memory.
 */

/** A translation function: i18next's TFunction (tFor) fits. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const answer = (v: boolean | number | null): ExportCell =>
  v === null ? "" : typeof v === "boolean" ? (v ? "yes" : "no") : v;
const agrees = (c: ReviewCell): ExportCell => (c.agrees === null ? "" : c.agrees ? "yes" : "no");
const pct = (v: number | null): ExportCell => v ?? "";

/** The workbook of a round's table, labels in English (`en`) and Chinese (`zh`). */
export async function reviewWorkbook(
  table: ReviewTable,
  t: { en: Translate; zh: Translate },
): Promise<ArrayBuffer> {
  const label = (key: ReviewQuestionKey) => [
    t.en(`reviews.questions.${key}.label`),
    t.zh(`reviews.questions.${key}.label`),
  ];
  const wb = new ExcelJS.Workbook();
  const sheet = (
    name: string,
    header: string[],
    rows: ExportCell[][],
    widths: Record<number, number> = {},
  ) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(header).font = { bold: true };
    for (const row of rows) ws.addRow(row.map(safeCell));
    ws.columns.forEach((col, i) => {
      col.width = widths[i] ?? 14;
    });
    ws.views = [{ state: "frozen", ySplit: 1 }];
  };
  const r = table.round;

  sheet(
    "Figures",
    [
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
    ],
    table.figures.map((f) => {
      const s = figureShares(f);
      return [
        f.key,
        ...label(f.key),
        f.declaredYes,
        f.declaredOf,
        pct(s.declared),
        f.evidencedYes ?? "",
        f.evidencedOf ?? "",
        pct(s.evidenced),
        f.paper ?? "",
      ];
    }),
    { 0: 28, 1: 50, 2: 40 },
  );

  sheet(
    "Pledges",
    ["figure", "figure_en", "figure_zh", "pledges", "of", "share_pct", "paper_2009_pct"],
    table.pledgeFigures.map((p) => [
      p.key,
      t.en(`reviewTable.pledges.${p.key}`),
      t.zh(`reviewTable.pledges.${p.key}`),
      p.count,
      p.of,
      pct(shareOf(p.count, p.of)),
      p.paper ?? "",
    ]),
    { 1: 36, 2: 24 },
  );

  const keys = REVIEW_QUESTIONS.map((q) => q.key);
  sheet(
    "Departments",
    [
      "code",
      "name_en",
      "name_zh",
      "return_status",
      "late",
      "submitted_at",
      ...keys.flatMap((k) => [`${k}_declared`, `${k}_evidence`, `${k}_agrees`]),
    ],
    table.departments.map((d) => [
      d.code,
      d.nameEn,
      d.nameZh,
      d.returnStatus,
      d.isLate ? "yes" : "no",
      d.submittedAt ?? "",
      ...keys.flatMap((k) => {
        const c = d.cells[k];
        return c ? [answer(c.declared), answer(c.evidence), agrees(c)] : ["", "", ""];
      }),
    ]),
    { 1: 36, 2: 20 },
  );

  // A department's notes are its own words: safeCell keeps a note starting with "=" as text.
  sheet(
    "Notes",
    ["code", "question", "note"],
    table.departments.flatMap((d) =>
      keys.filter((k) => d.cells[k]?.note).map((k): ExportCell[] => [d.code, k, d.cells[k].note]),
    ),
    { 1: 28, 2: 80 },
  );

  const tm = table.targetsMet;
  sheet(
    "Targets met",
    ["item", "value"],
    [
      ["round", r.id],
      ["period_from", r.periodFrom],
      ["period_to", r.periodTo],
      ["results", tm.results],
      ["met", tm.met],
      ["not_met", tm.notMet],
      ["insufficient", tm.insufficient],
      ["met_share_pct", pct(targetsMetShare(tm))],
    ],
    { 0: 18 },
  );

  return (await wb.xlsx.writeBuffer()) as ArrayBuffer;
}
