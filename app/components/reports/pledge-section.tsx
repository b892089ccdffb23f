import { useTranslation } from "react-i18next";
import type { DepartmentReport, NoteActionData } from "~/models/reports/schema";
import { reportLocale, Table } from "./report-parts";
import { UnmetNoteForm } from "./unmet-note-form";

/**
 * The report's pledges section: each pledge's result for the month and, for a missed target, why
 * and what will be done; the department's managers and administrators record that here.
 */
export function PledgeSection({
  reportId,
  report: r,
  locale,
  canRecordNotes,
  notedPledgeId,
  actionData,
}: {
  reportId: number;
  report: DepartmentReport;
  locale: string;
  canRecordNotes: boolean;
  /** the pledge whose note was just saved */
  notedPledgeId: number | null;
  /** what the action answered, if it answered a note's form */
  actionData: NoteActionData | null;
}) {
  const { t } = useTranslation();
  const { f, pick } = reportLocale(locale);
  const unmet = r.pledges.items.filter((p) => p.status === "not_met");
  return (
    <section aria-labelledby="pledges">
      <h2 id="pledges">{t("reports.pledges.title")}</h2>
      {r.pledges.items.length === 0 ? (
        <p>{t("reports.pledges.none")}</p>
      ) : (
        <>
          <p>
            {t("reports.pledges.summary", {
              met: f.count(r.pledges.met),
              notMet: f.count(r.pledges.notMet),
              insufficient: f.count(r.pledges.insufficient),
            })}
          </p>
          <Table
            caption={t("charts.tableOf", { section: t("reports.pledges.title") })}
            head={[
              t("reports.pledges.pledge"),
              t("reports.pledges.target"),
              t("reports.pledges.achieved"),
              t("reports.pledges.sample"),
              t("reports.pledges.result"),
            ]}
            rows={r.pledges.items.map((p) => [
              <a key="p" href={p.href}>
                {pick(p.statementEn, p.statementZh)}
              </a>,
              f.percent(p.target / 100),
              p.achieved === null ? "—" : f.percent(p.achieved / 100),
              f.count(p.sample),
              t(`reports.pledges.status.${p.status}`),
            ])}
          />
          <h3>{t("reports.pledges.unmetTitle")}</h3>
          {unmet.length === 0 ? (
            <p>{t("reports.pledges.allMet")}</p>
          ) : (
            unmet.map((p) => (
              <div
                key={p.pledgeId}
                id={`unmet-${p.pledgeId}`}
                className="card"
                style={{ marginBottom: "1rem" }}
              >
                <h4>
                  <a href={p.href}>{pick(p.statementEn, p.statementZh)}</a>
                </h4>
                {notedPledgeId === p.pledgeId ? (
                  <p className="notice success no-print" role="status">
                    {t("reports.pledges.note.saved")}
                  </p>
                ) : null}
                {p.unmet ? (
                  <>
                    <dl>
                      <dt>{t("reports.pledges.reason")}</dt>
                      <dd style={{ whiteSpace: "pre-wrap" }}>{p.unmet.reason}</dd>
                      <dt>{t("reports.pledges.proposal")}</dt>
                      <dd style={{ whiteSpace: "pre-wrap" }}>{p.unmet.correctiveProposal}</dd>
                    </dl>
                    <p className="hint">
                      {t("reports.pledges.note.recordedAt", { at: f.at(p.unmet.recordedAt) })}
                    </p>
                  </>
                ) : (
                  <p>
                    <strong>
                      {canRecordNotes
                        ? t("reports.pledges.noneRecordedHere")
                        : t("reports.pledges.noneRecorded")}
                    </strong>
                  </p>
                )}
                {canRecordNotes ? (
                  <UnmetNoteForm
                    action={`/reports/${reportId}`}
                    pledgeId={p.pledgeId}
                    month={f.month(r.month)}
                    statement={pick(p.statementEn, p.statementZh)}
                    note={p.unmet}
                    result={
                      actionData?.intent === "unmet-note" && actionData.pledgeId === p.pledgeId
                        ? actionData
                        : null
                    }
                  />
                ) : null}
              </div>
            ))
          )}
        </>
      )}
    </section>
  );
}
