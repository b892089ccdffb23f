import { readFile } from "node:fs/promises";
import PDFDocument from "pdfkit";
import type { DepartmentReport, TrendPoint } from "~/models/reports/build.server";
import { formats } from "~/utils/formats";

/*
 * A stored monthly report as a printable A4 PDF, in the reader's language. Built in memory with
 * pdfkit (a report is a few pages). Everything is set in Noto Sans CJK, Hong Kong glyph forms:
 * Chinese headings, the department's Chinese name, and comments citizens wrote in Chinese appear
 * in either language's PDF, and the font's Latin is complete. pdfkit embeds only the glyphs used.
 */

export type PdfLang = "en" | "zh-HK";
/** A translation function: i18next's TFunction (tFor, getT) fits. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Debian/Ubuntu `fonts-noto-cjk`. PDF_FONT may name another copy (a .ttc collection or one .otf/.ttf). */
const DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/** Faces tried in a collection: Hong Kong forms first, then Traditional Chinese. */
const FACES = {
  regular: ["NotoSansCJKhk-Regular", "NotoSansCJKtc-Regular"],
  bold: ["NotoSansCJKhk-Bold", "NotoSansCJKtc-Bold"],
};

/** The font file used for PDFs, read on each export so a fixed installation needs no restart. */
export function pdfFontPath(): string {
  return process.env.PDF_FONT?.trim() || DEFAULT_FONT;
}

/** The CJK font is not installed (or PDF_FONT names no usable font): the route answers 503. */
export class PdfFontMissingError extends Error {
  constructor(detail: string) {
    super(`PDF export needs a CJK font (Debian package fonts-noto-cjk): ${detail}`);
    this.name = "PdfFontMissingError";
  }
}

async function readFont(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/** The regular font and, when it sits beside it (NotoSansCJK-Bold.ttc), the bold one. */
async function loadFonts(): Promise<{ regular: Buffer; bold: Buffer | null; file: string }> {
  const file = pdfFontPath();
  const regular = await readFont(file);
  if (!regular) throw new PdfFontMissingError(`cannot read ${file}`);
  const boldFile = file.replace(/-Regular(\.[a-z]+)$/i, "-Bold$1");
  return { regular, bold: boldFile === file ? null : await readFont(boldFile), file };
}

/** Registers `name` as the first face of `faces` found in a collection (or the font itself). */
function register(doc: PDFKit.PDFDocument, name: string, src: Buffer, faces: string[]): boolean {
  const collection = src.subarray(0, 4).toString("latin1") === "ttcf";
  for (const face of collection ? faces : [undefined]) {
    try {
      doc.registerFont(name, src, face);
      doc.font(name); // parses now, so a missing face is caught here rather than mid-document
      return true;
    } catch {
      // not in this collection: try the next name
    }
  }
  return false;
}

const COLOR = {
  text: "#1a1a1a",
  muted: "#555555",
  rule: "#b8b8b8",
  headFill: "#ececec",
  bar: "#3b6ea5",
  barCurrent: "#1f4e79",
  notMet: "#a4262c",
};
const SIZE = { title: 17, h1: 13.5, h2: 11, body: 10, small: 8.5, tiny: 7 };
const MARGIN = { top: 50, bottom: 58, left: 50, right: 50 };

interface Column {
  header: string;
  /** share of the text width */
  width: number;
  align?: "left" | "right";
}

/** Builds the PDF of a stored report; throws PdfFontMissingError when the CJK font is missing. */
export async function reportPdf(report: DepartmentReport, lang: PdfLang, t: Translate): Promise<Buffer> {
  const fonts = await loadFonts();
  const r = report;
  const zh = lang === "zh-HK";
  const pick = (en: string | null, zhText: string | null) => (zh ? zhText : en) ?? "";
  const f = formats(lang);
  const departmentName = pick(r.department.nameEn, r.department.nameZh);
  const heading = t("reports.view.heading", { month: f.month(r.month) });

  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    // No default Helvetica: every glyph comes from the CJK font.
    font: null as unknown as string,
    lang,
    displayTitle: true,
    info: {
      Title: t("reports.view.pageTitle", { department: departmentName, month: f.month(r.month) }),
      Author: t("app.name"),
      CreationDate: new Date(r.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  if (!register(doc, "body", fonts.regular, FACES.regular)) {
    doc.end();
    throw new PdfFontMissingError(`${fonts.file} holds none of ${FACES.regular.join(", ")}`);
  }
  // Without the bold file, headings are set in the regular face (larger sizes still stand out).
  if (!(fonts.bold && register(doc, "bold", fonts.bold, FACES.bold)))
    register(doc, "bold", fonts.regular, FACES.regular);

  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  /** Starts a new page unless `height` points still fit on this one. */
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const style = (font: "body" | "bold", size: number, color = COLOR.text) =>
    doc.font(font).fontSize(size).fillColor(color);

  const h1 = (text: string) => {
    ensure(90);
    doc.moveDown(0.6);
    style("bold", SIZE.h1).text(text, left, doc.y, { width });
    const y = doc.y + 2;
    doc
      .moveTo(left, y)
      .lineTo(left + width, y)
      .lineWidth(0.75)
      .strokeColor(COLOR.rule)
      .stroke();
    doc.y = y + 6;
  };
  /** A sub-heading kept on one page with the `keep` points that follow it. */
  const h2 = (text: string, keep = 45) => {
    style("bold", SIZE.h2);
    ensure(doc.heightOfString(text, { width }) + keep + 10);
    doc.moveDown(0.4);
    style("bold", SIZE.h2).text(text, left, doc.y, { width });
    doc.moveDown(0.25);
  };
  const para = (text: string, size = SIZE.body, color = COLOR.text, indent = 0) => {
    style("body", size, color).text(text, left + indent, doc.y, { width: width - indent });
    doc.moveDown(0.3);
  };
  const muted = (text: string, indent = 0) => para(text, SIZE.small, COLOR.muted, indent);

  /**
   * A table whose header row repeats on each new page; cells wrap. A title is kept on the page
   * of the header and first row.
   */
  const table = (
    title: string | null,
    columns: Column[],
    rows: string[][],
    emphasis?: (row: number, col: number) => string | null,
  ) => {
    const pad = { x: 4, y: 3 };
    const widths = columns.map((c) => c.width * width);
    const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const heightOf = (cells: string[], font: "body" | "bold", size: number) =>
      Math.max(
        ...cells.map((cell, i) => {
          style(font, size);
          return doc.heightOfString(cell || " ", { width: widths[i]! - 2 * pad.x });
        }),
      ) +
      2 * pad.y;
    const drawRow = (cells: string[], font: "body" | "bold", size: number, rowIndex: number | null) => {
      const h = heightOf(cells, font, size);
      const y = doc.y;
      if (rowIndex === null) doc.rect(left, y, width, h).fillColor(COLOR.headFill).fill();
      cells.forEach((cell, i) => {
        const color = rowIndex === null ? null : (emphasis?.(rowIndex, i) ?? null);
        style(color ? "bold" : font, size, color ?? COLOR.text).text(cell, xs[i]! + pad.x, y + pad.y, {
          width: widths[i]! - 2 * pad.x,
          align: columns[i]!.align ?? "left",
        });
      });
      doc
        .moveTo(left, y + h)
        .lineTo(left + width, y + h)
        .lineWidth(0.5)
        .strokeColor(COLOR.rule)
        .stroke();
      doc.x = left;
      doc.y = y + h;
    };
    const header = columns.map((c) => c.header);
    const start = heightOf(header, "bold", SIZE.small) + heightOf(rows[0] ?? [""], "body", SIZE.body - 0.5);
    if (title) h2(title, start);
    else ensure(start);
    drawRow(header, "bold", SIZE.small, null);
    rows.forEach((row, i) => {
      if (doc.y + heightOf(row, "body", SIZE.body - 0.5) > bottom()) {
        doc.addPage();
        drawRow(header, "bold", SIZE.small, null);
      }
      drawRow(row, "body", SIZE.body - 0.5, i);
    });
    doc.moveDown(0.5);
  };

  /** Figures in a grid of boxes, value above label. */
  const figures = (items: [string, number][], perRow: number) => {
    const gap = 6;
    const boxWidth = (width - gap * (perRow - 1)) / perRow;
    for (let start = 0; start < items.length; start += perRow) {
      const row = items.slice(start, start + perRow);
      style("body", SIZE.small);
      const labelHeight = Math.max(
        ...row.map(([label]) => doc.heightOfString(label, { width: boxWidth - 12 })),
      );
      const h = 6 + SIZE.title + 4 + labelHeight + 6;
      ensure(h + gap);
      const y = doc.y;
      row.forEach(([label, value], i) => {
        const x = left + i * (boxWidth + gap);
        doc.rect(x, y, boxWidth, h).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
        style("bold", SIZE.title).text(f.count(value), x + 6, y + 5, {
          width: boxWidth - 12,
          lineBreak: false,
        });
        style("body", SIZE.small, COLOR.muted).text(label, x + 6, y + 6 + SIZE.title + 4, {
          width: boxWidth - 12,
        });
      });
      doc.x = left;
      doc.y = y + h + gap;
    }
  };

  /** Twelve months of share satisfied as bars, with responses under each month. */
  const trendChart = (points: TrendPoint[]) => {
    const axis = 30;
    const plot = 64;
    const top = 12; // room for the labels above the bars
    const below = 24;
    ensure(top + plot + below + 8);
    const y0 = doc.y + top;
    const base = y0 + plot;
    const x0 = left + axis;
    const slot = (width - axis) / Math.max(points.length, 1);
    doc.lineWidth(0.4).strokeColor(COLOR.rule);
    for (const level of [0, 0.5, 1]) {
      const y = base - level * plot;
      doc
        .moveTo(x0, y)
        .lineTo(left + width, y)
        .stroke();
      style("body", SIZE.tiny, COLOR.muted).text(f.wholePercent(level), left, y - 3.5, {
        width: axis - 4,
        align: "right",
        lineBreak: false,
      });
    }
    points.forEach((p, i) => {
      const x = x0 + i * slot;
      const bar = slot * 0.56;
      const bx = x + (slot - bar) / 2;
      if (p.share !== null) {
        const h = Math.max(p.share * plot, 0.75);
        doc
          .rect(bx, base - h, bar, h)
          .fillColor(i === points.length - 1 ? COLOR.barCurrent : COLOR.bar)
          .fill();
      }
      style("body", SIZE.tiny, p.share === null ? COLOR.muted : COLOR.text).text(
        p.share === null ? "—" : f.wholePercent(p.share),
        x,
        base - (p.share ?? 0) * plot - 9,
        { width: slot, align: "center", lineBreak: false },
      );
      style("body", SIZE.tiny, COLOR.text).text(f.shortMonth(p.month), x, base + 3, {
        width: slot,
        align: "center",
        lineBreak: false,
      });
      style("body", SIZE.tiny, COLOR.muted).text(f.count(p.responses), x, base + 12, {
        width: slot,
        align: "center",
        lineBreak: false,
      });
    });
    doc.x = left;
    doc.y = base + below;
    doc.moveDown(0.4);
  };

  /** A numbered list of quoted texts, each with a line of details under it. */
  const quotes = (items: { text: string; details: string }[]) => {
    items.forEach((item, i) => {
      style("body", SIZE.body);
      ensure(Math.min(doc.heightOfString(item.text, { width: width - 18 }), 120) + 18);
      const y = doc.y;
      style("body", SIZE.body, COLOR.muted).text(`${f.count(i + 1)}.`, left, y, {
        width: 16,
        lineBreak: false,
      });
      style("body", SIZE.body).text(item.text, left + 18, y, { width: width - 18 });
      style("body", SIZE.small, COLOR.muted).text(item.details, left + 18, doc.y + 1, { width: width - 18 });
      doc.moveDown(0.5);
    });
  };

  const changeText = (change: number | null) =>
    change === null ? "—" : t("reports.surveys.changeValue", { value: f.signed(change) });
  const shareOf = (n: number, total: number) => f.percent(total > 0 ? n / total : null);

  // Title
  style("bold", SIZE.title).text(departmentName, left, MARGIN.top, { width });
  style("bold", SIZE.h1).text(heading, { width });
  doc.moveDown(0.3);
  muted(t("reports.view.generatedAt", { at: f.at(r.generatedAt), date: r.asOf }));

  // Key figures
  h1(t("reports.pdf.headline"));
  const c = r.complaints;
  figures(
    [
      [t("reports.surveys.responses"), r.surveys.responses.count],
      [t("reports.feedback.total"), r.feedback.total.count],
      [t("reports.complaints.received"), c.received.count],
      [t("reports.complaints.closed"), c.closed.count],
      [t("reports.complaints.overdue"), c.overdue.count],
      [t("reports.complaints.withinPledge"), c.closedWithinPledge.count],
      [t("reports.pdf.pledgesMet"), r.pledges.met],
      [t("reports.pdf.pledgesNotMet"), r.pledges.notMet],
      [t("reports.pdf.pledgesInsufficient"), r.pledges.insufficient],
      [t("reports.important.title"), r.importantFeedback.length],
    ],
    5,
  );

  // Customer satisfaction surveys
  h1(t("reports.surveys.title"));
  if (r.surveys.responses.count === 0) para(t("reports.surveys.none"));
  table(
    t("reports.surveys.perSurvey"),
    [
      { header: t("reports.surveys.survey"), width: 0.34 },
      { header: t("reports.surveys.count"), width: 0.11, align: "right" },
      { header: t("reports.surveys.rated"), width: 0.11, align: "right" },
      { header: t("reports.surveys.satisfied"), width: 0.15, align: "right" },
      { header: t("reports.surveys.previous"), width: 0.12, align: "right" },
      { header: t("reports.surveys.change"), width: 0.17, align: "right" },
    ],
    r.surveys.perSurvey.map((s) => [
      pick(s.titleEn, s.titleZh),
      f.count(s.responses),
      f.count(s.rated),
      f.percent(s.share),
      f.percent(s.previousShare),
      changeText(s.change),
    ]),
  );
  if (r.surveys.perSurvey.length) muted(t("reports.pdf.trendNote"));
  for (const s of r.surveys.perSurvey) {
    ensure(140);
    style("bold", SIZE.body).text(
      t("reports.surveys.trendTitle", { title: pick(s.titleEn, s.titleZh) }),
      left,
      doc.y,
      {
        width,
      },
    );
    doc.moveDown(0.15);
    muted(
      s.questionKey
        ? t("reports.surveys.question", { question: pick(s.promptEn, s.promptZh) })
        : t("reports.surveys.noQuestion"),
    );
    trendChart(s.trend);
  }
  table(
    t("reports.surveys.perService"),
    [
      { header: t("reports.surveys.service"), width: 0.4 },
      { header: t("reports.surveys.rated"), width: 0.12, align: "right" },
      { header: t("reports.surveys.satisfied"), width: 0.16, align: "right" },
      { header: t("reports.surveys.previous"), width: 0.14, align: "right" },
      { header: t("reports.surveys.change"), width: 0.18, align: "right" },
    ],
    r.surveys.perService.map((s) => [
      s.serviceId === null ? t("reports.surveys.departmentWide") : pick(s.nameEn, s.nameZh),
      f.count(s.rated),
      f.percent(s.share),
      f.percent(s.previousShare),
      changeText(s.change),
    ]),
  );
  if (r.surveys.byChannel.length) {
    table(
      t("reports.surveys.byChannel"),
      [
        { header: t("reports.surveys.channel"), width: 0.5 },
        { header: t("reports.surveys.count"), width: 0.25, align: "right" },
        { header: t("reports.surveys.share"), width: 0.25, align: "right" },
      ],
      r.surveys.byChannel.map((x) => [
        t(`results.channels.${x.channel}`),
        f.count(x.count),
        shareOf(x.count, r.surveys.responses.count),
      ]),
    );
    table(
      t("reports.surveys.byPoint"),
      [
        { header: t("reports.surveys.survey"), width: 0.45 },
        { header: t("reports.surveys.point"), width: 0.4 },
        { header: t("reports.surveys.count"), width: 0.15, align: "right" },
      ],
      r.surveys.byCollectionPoint.map((p) => {
        const s = r.surveys.perSurvey.find((x) => x.surveyId === p.surveyId);
        return [
          s ? pick(s.titleEn, s.titleZh) : String(p.surveyId),
          p.pointId === null
            ? t("reports.surveys.noPoint", { channel: t(`results.channels.${p.channel}`) })
            : pick(p.nameEn, p.nameZh),
          f.count(p.count),
        ];
      }),
    );
  }

  // Customer feedback
  h1(t("reports.feedback.title"));
  para(t("reports.pdf.feedbackTotal", { value: f.count(r.feedback.total.count) }));
  if (r.feedback.total.count === 0) {
    para(t("reports.feedback.none"));
  } else {
    table(
      t("reports.feedback.byKind"),
      [
        { header: t("reports.feedback.kind"), width: 0.5 },
        { header: t("reports.feedback.count"), width: 0.25, align: "right" },
        { header: t("reports.surveys.share"), width: 0.25, align: "right" },
      ],
      r.feedback.byKind.map((x) => [
        t(`feedback.kinds.${x.kind}`),
        f.count(x.count),
        shareOf(x.count, r.feedback.total.count),
      ]),
    );
    table(
      t("reports.feedback.byChannel"),
      [
        { header: t("reports.feedback.channel"), width: 0.5 },
        { header: t("reports.feedback.count"), width: 0.25, align: "right" },
        { header: t("reports.surveys.share"), width: 0.25, align: "right" },
      ],
      r.feedback.byChannel.map((x) => [
        t(`feedback.channels.${x.channel}`),
        f.count(x.count),
        shareOf(x.count, r.feedback.total.count),
      ]),
    );
  }

  // Complaints and appeals
  h1(t("reports.complaints.title"));
  muted(t("reports.complaints.overdueHint", { date: r.asOf }));
  table(
    null,
    [
      { header: t("reports.complaints.figure"), width: 0.75 },
      { header: t("reports.complaints.value"), width: 0.25, align: "right" },
    ],
    (
      [
        ["received", c.received.count],
        ["closed", c.closed.count],
        ["withinPledge", c.closedWithinPledge.count],
        ["ackMet", c.ackMet],
        ["replyMet", c.replyMet],
        ["overdue", c.overdue.count],
        ["appealsLodged", c.appeals.lodged.count],
        ["appealsDecided", c.appeals.decided.count],
        ["decidedInTime", c.appeals.decidedInTime],
        ["outcomes.upheld", c.appeals.outcomes.upheld],
        ["outcomes.partly_upheld", c.appeals.outcomes.partly_upheld],
        ["outcomes.not_upheld", c.appeals.outcomes.not_upheld],
      ] as const
    ).map(([key, n]) => [t(`reports.complaints.${key}`), f.count(n)]),
  );

  // Performance pledges
  h1(t("reports.pledges.title"));
  const unmet = r.pledges.items.filter((p) => p.status === "not_met");
  if (r.pledges.items.length === 0) {
    para(t("reports.pledges.none"));
  } else {
    para(
      t("reports.pledges.summary", {
        met: f.count(r.pledges.met),
        notMet: f.count(r.pledges.notMet),
        insufficient: f.count(r.pledges.insufficient),
      }),
    );
    table(
      null,
      [
        { header: t("reports.pledges.pledge"), width: 0.37 },
        { header: t("reports.surveys.service"), width: 0.17 },
        { header: t("reports.pledges.target"), width: 0.1, align: "right" },
        { header: t("reports.pledges.achieved"), width: 0.1, align: "right" },
        { header: t("reports.pledges.sample"), width: 0.1, align: "right" },
        { header: t("reports.pledges.result"), width: 0.16 },
      ],
      r.pledges.items.map((p) => [
        pick(p.statementEn, p.statementZh),
        pick(p.serviceEn, p.serviceZh),
        f.percent(p.target / 100),
        p.achieved === null ? "—" : f.percent(p.achieved / 100),
        f.count(p.sample),
        t(`reports.pledges.status.${p.status}`),
      ]),
      (row, col) => (col === 5 && r.pledges.items[row]?.status === "not_met" ? COLOR.notMet : null),
    );
    h2(t("reports.pledges.unmetTitle"));
    if (unmet.length === 0) para(t("reports.pledges.allMet"));
    for (const p of unmet) {
      ensure(70);
      style("bold", SIZE.body).text(pick(p.statementEn, p.statementZh), left, doc.y, { width });
      doc.moveDown(0.2);
      if (p.unmet) {
        style("bold", SIZE.small, COLOR.muted).text(t("reports.pledges.reason"), left + 12, doc.y, {
          width: width - 12,
        });
        para(p.unmet.reason, SIZE.body, COLOR.text, 12);
        style("bold", SIZE.small, COLOR.muted).text(t("reports.pledges.proposal"), left + 12, doc.y, {
          width: width - 12,
        });
        para(p.unmet.correctiveProposal, SIZE.body, COLOR.text, 12);
      } else {
        style("bold", SIZE.body, COLOR.notMet).text(t("reports.pdf.noneRecorded"), left + 12, doc.y, {
          width: width - 12,
        });
      }
      doc.moveDown(0.6);
    }
  }

  // Important feedback
  h1(t("reports.important.title"));
  muted(t("reports.important.hint"));
  if (r.importantFeedback.length === 0) para(t("reports.important.none"));
  quotes(
    r.importantFeedback.map((x) => ({
      text: x.summary,
      details: [
        t(`feedback.kinds.${x.kind}`),
        t(`feedback.channels.${x.channel}`),
        t("reports.pdf.logged", { at: f.at(x.loggedAt) }),
        t("reports.important.notified", { at: f.at(x.notifiedAt) }),
      ].join(" · "),
    })),
  );

  // What customers said
  h1(t("reports.feedback.comments"));
  muted(t("reports.feedback.commentsHint"));
  if (r.feedback.comments.length === 0) para(t("reports.feedback.noComments"));
  quotes(
    r.feedback.comments.map((x) => ({
      text: x.text,
      details: `${
        x.source === "survey"
          ? t("reports.feedback.fromSurvey")
          : t("reports.feedback.fromFeedback", { kind: t(`feedback.kinds.${x.kind}`) })
      } · ${f.at(x.at)}`,
    })),
  );

  // Footer on every page: which report, and "page n of m".
  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the bottom margin would otherwise open a page
    const y = doc.page.height - 36;
    doc
      .moveTo(left, y - 6)
      .lineTo(left + width, y - 6)
      .lineWidth(0.5)
      .strokeColor(COLOR.rule)
      .stroke();
    style("body", SIZE.tiny + 0.5, COLOR.muted).text(`${departmentName} · ${f.month(r.month)}`, left, y, {
      width: width * 0.7,
      lineBreak: false,
    });
    style("body", SIZE.tiny + 0.5, COLOR.muted).text(
      t("reports.pdf.page", { page: f.count(i - pages.start + 1), pages: f.count(pages.count) }),
      left + width * 0.7,
      y,
      { width: width * 0.3, align: "right", lineBreak: false },
    );
    doc.page.margins.bottom = keep;
  }
  doc.end();
  return finished;
}
