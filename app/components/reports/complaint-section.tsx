import { useTranslation } from "react-i18next";
import type { DepartmentReport } from "~/models/reports/schema";
import { reportLocale, Table } from "./report-parts";

/** The report's complaints section: cases and appeals of the month, each figure a link to its cases. */
export function ComplaintSection({ report: r, locale }: { report: DepartmentReport; locale: string }) {
  const { t } = useTranslation();
  const { f } = reportLocale(locale);
  const c = r.complaints;
  return (
    <section aria-labelledby="complaints">
      <h2 id="complaints">{t("reports.complaints.title")}</h2>
      <p>{t("reports.complaints.overdueHint", { date: r.asOf })}</p>
      <Table
        caption={t("charts.tableOf", { section: t("reports.complaints.title") })}
        head={[t("reports.complaints.figure"), t("reports.complaints.value")]}
        rows={(
          [
            [t("reports.complaints.received"), c.received],
            [t("reports.complaints.closed"), c.closed],
            [t("reports.complaints.withinPledge"), c.closedWithinPledge],
            [t("reports.complaints.ackMet"), { count: c.ackMet, href: c.closed.href }],
            [t("reports.complaints.replyMet"), { count: c.replyMet, href: c.closed.href }],
            [t("reports.complaints.overdue"), c.overdue],
            [t("reports.complaints.appealsLodged"), c.appeals.lodged],
            [t("reports.complaints.appealsDecided"), c.appeals.decided],
            [
              t("reports.complaints.decidedInTime"),
              { count: c.appeals.decidedInTime, href: c.appeals.decided.href },
            ],
            ...(["upheld", "partly_upheld", "not_upheld"] as const).map(
              (o) =>
                [
                  t(`reports.complaints.outcomes.${o}`),
                  { count: c.appeals.outcomes[o], href: c.appeals.decided.href },
                ] as const,
            ),
          ] as (readonly [string, { count: number; href: string }])[]
        ).map(([label, x]) => [
          label,
          <a key="n" href={x.href}>
            {f.count(x.count)}
          </a>,
        ])}
      />
    </section>
  );
}
