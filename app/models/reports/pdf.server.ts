import PDFDocument from "pdfkit";
import { formats } from "../../utils/formats";
import { loadFonts, registerFonts } from "./pdf-fonts.server";
import { COLOR, MARGIN, pdfWriter, SIZE } from "./pdf-kit.server";
import type { DepartmentReport } from "./schema";

/*
 * A stored monthly report as a printable A4 PDF, in the reader's language. Built in memory with
 * pdfkit (a report is a few pages). Everything is set in Noto Sans CJK, Hong Kong glyph forms:
 * Chinese headings, the department's Chinese name, and comments citizens wrote in Chinese appear
 * in either language's PDF, and the font's Latin is complete. pdfkit embeds only the glyphs used.
 */

export type PdfLang = "en" | "zh-HK";
/** A translation function: i18next's TFunction (tFor, getT) fits. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

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

  registerFonts(doc, fonts);

  const { left, width, ensure, style, h1, h2, para, muted, table, figures, trendChart, quotes, footer } =
    pdfWriter(doc, f);

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
  footer(`${departmentName} · ${f.month(r.month)}`, (page, pages) =>
    t("reports.pdf.page", { page: f.count(page), pages: f.count(pages) }),
  );
  doc.end();
  return finished;
}
