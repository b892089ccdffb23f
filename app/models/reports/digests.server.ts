import type { Db } from "../../../db/client";
import { encryptPii } from "../../utils/crypto.server";
import { formats } from "../../utils/formats";
import { tFor } from "../../utils/meta";
import { enqueueEmail, mailableStaff } from "../outbox/email.server";
import type { DepartmentReport, GovernmentSummary } from "./schema";

/**
 * The e-mails a finished report sends: a digest of a department's report to each of its managers,
 * the government summary to each central reviewer. Headline figures and a link, no personal data;
 * written to the outbox in the report's own transaction (once each: dedupe keys).
 */

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 1000) / 10}%`);
/** A change already in percentage points (reports/survey-section.server.ts rounds it to one decimal). */
const signed = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v)}`);

/** English, then Traditional Chinese: managers read both (as the other notices). */
function bilingual(
  render: (
    t: ReturnType<typeof tFor>,
    zh: boolean,
    month: (m: string) => string,
  ) => { subject: string; body: string },
) {
  // The month as each language writes it ("October 2026", "2026年10月"), never "2026-10".
  const en = render(tFor("en"), false, formats("en").month);
  const zh = render(tFor("zh-HK"), true, formats("zh-HK").month);
  return { subject: `${en.subject} / ${zh.subject}`, body: [en.body, "----", zh.body].join("\n\n") };
}

/** The digest of a department's report: its headline figures and a link, no personal data. */
export function digestMessage(reportId: number, r: DepartmentReport): { subject: string; body: string } {
  return bilingual((t, zh, month) => {
    const department = zh ? r.department.nameZh : r.department.nameEn;
    const unrecorded = r.pledges.items.filter((i) => i.status === "not_met" && !i.unmet).length;
    const lines = [
      t("digest.intro", { department, month: month(r.month) }),
      "",
      t("digest.responses", { count: r.surveys.responses.count }),
      // Surveys nobody rated this month say nothing: the report itself lists them.
      ...r.surveys.perSurvey
        .filter((s) => s.rated > 0)
        .map((s) =>
          t("digest.satisfaction", {
            survey: zh ? s.titleZh : s.titleEn,
            share: pct(s.share),
            change: signed(s.change),
          }),
        ),
      t("digest.feedback", { count: r.feedback.total.count }),
      t("digest.complaints", {
        received: r.complaints.received.count,
        closed: r.complaints.closed.count,
        inTime: r.complaints.closedWithinPledge.count,
        overdue: r.complaints.overdue.count,
      }),
      t("digest.pledges", {
        met: r.pledges.met,
        notMet: r.pledges.notMet,
        insufficient: r.pledges.insufficient,
      }),
      ...(unrecorded ? [t("digest.actionItems", { count: unrecorded })] : []),
      t("digest.important", { count: r.importantFeedback.length }),
      "",
      t("digest.link", { url: `{{APP_ORIGIN}}/reports/${reportId}` }),
      "",
      t("digest.footer", { department }),
    ];
    return { subject: t("digest.subject", { department, month: month(r.month) }), body: lines.join("\n") };
  });
}

/** One digest per active manager with an address; returns how many were new. */
export async function queueDigests(
  trx: Db,
  piiKey: string,
  reportId: number,
  report: DepartmentReport,
): Promise<number> {
  const managers = await mailableStaff(trx, "manager", report.department.id);
  const message = digestMessage(reportId, report);
  let queued = 0;
  for (const m of managers) {
    const toEnc = encryptPii(piiKey, m.email);
    if (!toEnc) continue;
    await enqueueEmail(trx, {
      // One per manager, department and month: a rebuilt report or a retried job sends nothing more.
      dedupeKey: `report-digest-${report.department.id}-${report.month}-user-${m.id}`,
      kind: "report.digest",
      departmentId: report.department.id,
      toEnc,
      subject: message.subject,
      body: message.body,
    });
    queued++;
  }
  return queued;
}

export function summaryMessage(s: GovernmentSummary): { subject: string; body: string } {
  return bilingual((t, zh, month) => {
    const name = (d: { nameEn: string; nameZh: string }) => (zh ? d.nameZh : d.nameEn);
    // Chinese takes full-width brackets and 、 between the items (docs/glossary.md).
    const listOf = (ds: Array<{ nameEn: string; nameZh: string; count: number }>) =>
      ds.map((d) => (zh ? `${name(d)}（${d.count}）` : `${name(d)} (${d.count})`)).join(zh ? "、" : ", ");
    const lines = [
      t("digest.government.intro", { month: month(s.month) }),
      "",
      t("digest.government.reported", { reported: s.reported, departments: s.departments }),
      t("digest.government.targets", {
        met: s.targets.met,
        judged: s.targets.judged,
        share: pct(s.targets.share),
      }),
      ...(s.mostUnmet.length
        ? [
            t("digest.government.mostUnmet", {
              list: listOf(s.mostUnmet),
            }),
          ]
        : []),
      ...(s.mostOverdue.length
        ? [
            t("digest.government.mostOverdue", {
              list: listOf(s.mostOverdue),
            }),
          ]
        : []),
      "",
      t("digest.link", { url: `{{APP_ORIGIN}}/reports/government?month=${s.month}` }),
    ];
    return { subject: t("digest.government.subject", { month: month(s.month) }), body: lines.join("\n") };
  });
}

export async function queueSummaryMail(trx: Db, piiKey: string, summary: GovernmentSummary): Promise<void> {
  const reviewers = await mailableStaff(trx, "central_reviewer");
  const message = summaryMessage(summary);
  for (const r of reviewers) {
    const toEnc = encryptPii(piiKey, r.email);
    if (!toEnc) continue;
    await enqueueEmail(trx, {
      dedupeKey: `government-summary-${summary.month}-user-${r.id}`,
      kind: "report.government",
      departmentId: null,
      toEnc,
      subject: message.subject,
      body: message.body,
    });
  }
}
