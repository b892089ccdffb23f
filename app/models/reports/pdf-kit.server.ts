import type { Formats } from "../../utils/formats";
import type { TrendPoint } from "./schema";

/*
 * The drawing parts of a report's PDF on an A4 pdfkit document: headings, paragraphs, tables
 * whose header row repeats on each page, boxes of key figures, a twelve-month trend chart,
 * numbered quotes, and the footer on every page. Fonts "body" and "bold" are registered first
 * (pdf-fonts.server.ts); pdf.server.ts lays out the report with them.
 */

export const COLOR = {
  text: "#1a1a1a",
  muted: "#555555",
  rule: "#b8b8b8",
  headFill: "#ececec",
  bar: "#3b6ea5",
  barCurrent: "#1f4e79",
  notMet: "#a4262c",
};
export const SIZE = { title: 17, h1: 13.5, h2: 11, body: 10, small: 8.5, tiny: 7 };
export const MARGIN = { top: 50, bottom: 58, left: 50, right: 50 };

export interface Column {
  header: string;
  /** share of the text width */
  width: number;
  align?: "left" | "right";
}

/** The drawing functions of one document, in the formats of the report's language. */
export function pdfWriter(doc: PDFKit.PDFDocument, f: Formats) {
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

  /** On every page: which report (`text`), and "page n of m" (`pageLabel`). */
  const footer = (text: string, pageLabel: (page: number, pages: number) => string) => {
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
      style("body", SIZE.tiny + 0.5, COLOR.muted).text(text, left, y, {
        width: width * 0.7,
        lineBreak: false,
      });
      style("body", SIZE.tiny + 0.5, COLOR.muted).text(
        pageLabel(i - pages.start + 1, pages.count),
        left + width * 0.7,
        y,
        { width: width * 0.3, align: "right", lineBreak: false },
      );
      doc.page.margins.bottom = keep;
    }
  };

  return { left, width, ensure, style, h1, h2, para, muted, table, figures, trendChart, quotes, footer };
}
