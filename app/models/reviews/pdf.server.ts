import PDFDocument from "pdfkit";
import { formats } from "../../utils/formats";
import { loadFonts, registerFonts } from "../reports/pdf-fonts.server";
import { type Column, MARGIN, pdfWriter, SIZE } from "../reports/pdf-kit.server";
import { REVIEW_QUESTIONS } from "./questions";
import { figureShares, formatShare, shareOf, targetsMetShare } from "./shares";
import type { ReviewCell, ReviewTable } from "./table-types";

/*
 * A review round's table as a bilingual A4 PDF laid out like the paper's tables: every heading and
 * question in English over Chinese, shares with their counts, the 2009 figure beside them. Landscape,
 * so the per-department table keeps one column per question. Set in Noto Sans CJK (pdfkit embeds
 * only the glyphs used); throws PdfFontMissingError when the font is missing (the route answers 503).
 * Shares come from shares.ts: the numbers of the page, the JSON and the XLSX.
 */

/** A translation function: i18next's TFunction (tFor) fits. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const EN = formats("en");
const ZH = formats("zh-HK");

/** One declared or evidenced answer in a department cell: Y, N, a share, or – when there is none. */
const mark = (v: boolean | number | null) =>
  v === null ? "–" : typeof v === "boolean" ? (v ? "Y" : "N") : EN.count(Math.round(v));
const cellText = (c: ReviewCell | undefined) =>
  c ? `${mark(c.declared)}/${mark(c.evidence)}${c.agrees === false ? " !" : ""}` : "–";

/** The PDF of a round's table; `lang` is the reader's (the document's /Lang), the text is bilingual. */
export async function reviewPdf(
  table: ReviewTable,
  t: { en: Translate; zh: Translate },
  lang: "en" | "zh-HK" = "en",
): Promise<Buffer> {
  const fonts = await loadFonts();
  const both = (key: string, options?: Record<string, unknown>) =>
    `${t.en(key, options)}\n${t.zh(key, options)}`;
  const r = table.round;
  const title = `${t.en("reviewTable.title")} · ${t.zh("reviewTable.title")}`;

  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margins: MARGIN,
    bufferPages: true,
    // No default Helvetica: every glyph comes from the CJK font.
    font: null as unknown as string,
    lang,
    displayTitle: true,
    info: {
      Title: `${title} · ${r.periodFrom}–${r.periodTo}`,
      Author: t.en("app.name"),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  registerFonts(doc, fonts);
  const { left, width, style, h1, para, muted, table: drawTable, footer } = pdfWriter(doc, EN);

  // Title, round and period, in English then Chinese.
  style("bold", SIZE.title).text(t.en("reviewTable.title"), left, MARGIN.top, { width });
  style("bold", SIZE.title).text(t.zh("reviewTable.title"), { width });
  doc.moveDown(0.3);
  const period = (tr: Translate, f: typeof EN) =>
    `${tr("reviewTable.round", { id: r.id })} · ${tr("reviewTable.period", {
      from: f.month(r.periodFrom),
      to: f.month(r.periodTo),
    })} · ${tr("reviewTable.deadline", { date: f.date(r.deadline) })} · ${tr(`reviewTable.status.${r.status}`)}`;
  para(period(t.en, EN));
  para(period(t.zh, ZH));

  // The paper's figures: shares of departments, declared and evidenced, with the 2009 figure.
  h1(both("reviewTable.figures.title").replace("\n", " · "));
  const counts = (yes: number | null, of: number | null, share: boolean) =>
    yes === null || of === null ? "" : share ? `(n=${EN.count(of)})` : `(${EN.count(yes)}/${EN.count(of)})`;
  const figureColumns: Column[] = [
    { header: both("reviewTable.figures.number"), width: 0.05 },
    { header: both("reviewTable.figures.question"), width: 0.47 },
    { header: both("reviewTable.figures.declared"), width: 0.09, align: "right" },
    { header: both("reviewTable.figures.counts"), width: 0.08, align: "right" },
    { header: both("reviewTable.figures.evidenced"), width: 0.1, align: "right" },
    { header: both("reviewTable.figures.counts"), width: 0.1, align: "right" },
    { header: both("reviewTable.figures.paper"), width: 0.11, align: "right" },
  ];
  drawTable(
    null,
    figureColumns,
    table.figures.map((f) => {
      const s = figureShares(f);
      const isShare = REVIEW_QUESTIONS.find((q) => q.key === f.key)?.kind === "share";
      const number = REVIEW_QUESTIONS.findIndex((q) => q.key === f.key) + 1;
      return [
        String(number),
        both(`reviews.questions.${f.key}.label`),
        formatShare(s.declared, "en"),
        counts(f.declaredYes, f.declaredOf, isShare),
        f.evidencedYes === null ? "—" : formatShare(s.evidenced, "en"),
        f.evidencedYes === null
          ? both("reviewTable.figures.notComputed")
          : counts(f.evidencedYes, f.evidencedOf, isShare),
        formatShare(f.paper, "en"),
      ];
    }),
  );
  muted(t.en("reviewTable.figures.note"));
  muted(t.zh("reviewTable.figures.note"));

  // Shares of pledges, where the paper counts pledges.
  if (table.pledgeFigures.length) {
    drawTable(
      both("reviewTable.pledges.title").replace("\n", " · "),
      [
        { header: both("reviewTable.pledges.figure"), width: 0.52 },
        { header: both("reviewTable.pledges.count"), width: 0.12, align: "right" },
        { header: both("reviewTable.pledges.of"), width: 0.12, align: "right" },
        { header: both("reviewTable.pledges.share"), width: 0.12, align: "right" },
        { header: both("reviewTable.figures.paper"), width: 0.12, align: "right" },
      ],
      table.pledgeFigures.map((p) => [
        both(`reviewTable.pledges.${p.key}`),
        EN.count(p.count),
        EN.count(p.of),
        formatShare(shareOf(p.count, p.of), "en"),
        formatShare(p.paper, "en"),
      ]),
    );
  }

  // Targets met across the government over the period, from the stored results.
  h1(both("reviewTable.targetsMet.title").replace("\n", " · "));
  const tm = table.targetsMet;
  const targetsLine = (tr: Translate, f: typeof EN) =>
    tr("reviewTable.targetsMet.line", {
      met: f.count(tm.met),
      share: formatShare(targetsMetShare(tm), "en"),
      notMet: f.count(tm.notMet),
      insufficient: f.count(tm.insufficient),
      results: f.count(tm.results),
    });
  para(targetsLine(t.en, EN));
  para(targetsLine(t.zh, ZH));

  // One row per department: its return beside the data, one column per question.
  h1(both("reviewTable.departments.title").replace("\n", " · "));
  muted(t.en("reviewTable.departments.legend"));
  muted(t.zh("reviewTable.departments.legend"));
  const questionWidth = 0.62 / REVIEW_QUESTIONS.length;
  drawTable(
    null,
    [
      { header: both("reviewTable.departments.code"), width: 0.07 },
      { header: both("reviewTable.departments.name"), width: 0.16 },
      { header: both("reviewTable.departments.status"), width: 0.09 },
      { header: both("reviewTable.departments.late"), width: 0.06 },
      ...REVIEW_QUESTIONS.map((_, i): Column => ({ header: String(i + 1), width: questionWidth })),
    ],
    table.departments.map((d) => [
      d.code,
      `${d.nameEn}\n${d.nameZh}`,
      both(`reviewTable.returnStatus.${d.returnStatus}`),
      d.isLate ? "Y" : "",
      ...REVIEW_QUESTIONS.map((q) => cellText(d.cells[q.key])),
    ]),
  );

  footer(`${title} · ${r.periodFrom}–${r.periodTo}`, (page, pages) =>
    [t.en("reviewTable.pdf.page", { page, pages }), t.zh("reviewTable.pdf.page", { page, pages })].join(
      " · ",
    ),
  );
  doc.end();
  return finished;
}
