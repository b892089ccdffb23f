import ExcelJS from "exceljs";
import { type ExportCell, safeCell } from "../../utils/spreadsheet";
import type { DepartmentReport } from "./schema";

/*
 * A stored monthly report as an Excel workbook, one sheet per section. The report is small (a
 * few hundred cells), so the workbook is built in memory. Text a person wrote (comments, feedback
 * summaries, corrective proposals) is neutralised against formula injection (safeCell).
 */

/** The workbook of a report, names and statements in the reader's language (`zh`: Chinese). */
export async function reportWorkbook(r: DepartmentReport, zh: boolean): Promise<ArrayBuffer> {
  const pick = (en: string | null, zhText: string | null) => (zh ? zhText : en) ?? "";
  const pct = (v: number | null): ExportCell => (v === null ? "" : Math.round(v * 1000) / 10);

  const wb = new ExcelJS.Workbook();
  wb.created = new Date(r.generatedAt);
  const sheet = (name: string, header: string[], rows: ExportCell[][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(header).font = { bold: true };
    for (const row of rows) ws.addRow(row.map(safeCell));
    ws.columns.forEach((col) => {
      col.width = 18;
    });
  };

  sheet(
    "Summary",
    ["item", "value"],
    [
      ["department", r.department.code],
      ["department_name", pick(r.department.nameEn, r.department.nameZh)],
      ["month", r.month],
      ["generated_at", r.generatedAt],
      ["as_of", r.asOf],
      ["survey_responses", r.surveys.responses.count],
      ["feedback_entries", r.feedback.total.count],
      ["cases_received", r.complaints.received.count],
      ["cases_closed", r.complaints.closed.count],
      ["cases_overdue", r.complaints.overdue.count],
      ["pledges_met", r.pledges.met],
      ["pledges_not_met", r.pledges.notMet],
      ["pledges_not_enough_data", r.pledges.insufficient],
      ["important_feedback", r.importantFeedback.length],
    ],
  );
  sheet(
    "Responses",
    ["survey", "collection_point", "channel", "responses"],
    [
      ...r.surveys.byChannel.map((x): ExportCell[] => ["(all)", "(all)", x.channel, x.count]),
      ...r.surveys.byCollectionPoint.map((x): ExportCell[] => [
        r.surveys.perSurvey.find((s) => s.surveyId === x.surveyId)?.slug ?? x.surveyId,
        x.code ?? "",
        x.channel,
        x.count,
      ]),
    ],
  );
  sheet(
    "Satisfaction",
    ["survey_or_service", "question_key", "month", "responses", "ratings", "satisfied", "share_pct"],
    [
      ...r.surveys.perSurvey.flatMap((s) =>
        s.trend.map((p): ExportCell[] => [
          pick(s.titleEn, s.titleZh),
          s.questionKey ?? "",
          p.month,
          p.responses,
          p.rated,
          p.satisfied,
          pct(p.share),
        ]),
      ),
      ...r.surveys.perService.flatMap((s) =>
        s.trend.map((p): ExportCell[] => [
          s.serviceId === null ? "(department)" : pick(s.nameEn, s.nameZh),
          "",
          p.month,
          p.responses,
          p.rated,
          p.satisfied,
          pct(p.share),
        ]),
      ),
    ],
  );
  sheet(
    "Feedback",
    ["kind", "channel", "entries"],
    r.feedback.byKindAndChannel.map((x) => [x.kind, x.channel, x.count]),
  );
  sheet(
    "Comments",
    ["source", "kind", "at", "language", "text"],
    r.feedback.comments.map((x) => [x.source, x.kind ?? "", x.at, x.language, x.text]),
  );
  const c = r.complaints;
  sheet(
    "Complaints",
    ["figure", "value"],
    [
      ["received", c.received.count],
      ["closed", c.closed.count],
      ["closed_within_pledge", c.closedWithinPledge.count],
      ["closed_ack_met", c.ackMet],
      ["closed_reply_met", c.replyMet],
      ["overdue_now", c.overdue.count],
      ["appeals_lodged", c.appeals.lodged.count],
      ["appeals_decided", c.appeals.decided.count],
      ["appeals_decided_in_time", c.appeals.decidedInTime],
      ["appeals_upheld", c.appeals.outcomes.upheld],
      ["appeals_partly_upheld", c.appeals.outcomes.partly_upheld],
      ["appeals_not_upheld", c.appeals.outcomes.not_upheld],
    ],
  );
  sheet(
    "Pledges",
    [
      "code",
      "statement",
      "service",
      "target_pct",
      "achieved_pct",
      "sample",
      "status",
      "reason",
      "corrective_proposal",
    ],
    r.pledges.items.map((p) => [
      p.code,
      pick(p.statementEn, p.statementZh),
      pick(p.serviceEn, p.serviceZh),
      p.target,
      p.achieved ?? "",
      p.sample,
      p.status,
      p.status === "not_met" ? (p.unmet?.reason ?? "none recorded") : "",
      p.unmet?.correctiveProposal ?? "",
    ]),
  );
  sheet(
    "Important feedback",
    ["kind", "channel", "logged_at", "language", "summary"],
    r.importantFeedback.map((x) => [x.kind, x.channel, x.loggedAt, x.language, x.summary]),
  );

  return (await wb.xlsx.writeBuffer()) as ArrayBuffer;
}
