import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import type { PublicSummary } from "~/models/pledges/public-summary.server";
import { FiguresUpToDate } from "./figures-up-to-date";
import { OpenDataLinks, usePledgeFormats } from "./pledge-public";

/**
 * "Our pledges" at the paper's scale: one row per department with its published pledges and how
 * their results stood in the newest complete month, linking to the department's own page.
 */
export function PledgesSummary({ summary, locale }: { summary: PublicSummary; locale: string }) {
  const { t } = useTranslation();
  const f = usePledgeFormats(locale);
  const zh = locale.startsWith("zh");
  return (
    <div className="container pledges-page">
      <h1>{t("pledges.public.title")}</h1>
      <p className="lead">{t("storedResults.summary.lead", { n: f.count(summary.pledges) })}</p>
      <FiguresUpToDate at={summary.resultsComputedAt} locale={locale} />
      <TableRegion
        caption={t("storedResults.summary.caption", { month: f.month(summary.month) })}
        data-testid="pledges-summary"
      >
        <thead>
          <tr>
            <th scope="col">{t("storedResults.summary.department")}</th>
            <th scope="col">{t("storedResults.summary.pledges")}</th>
            <th scope="col">{t("storedResults.summary.latest", { month: f.month(summary.month) })}</th>
          </tr>
        </thead>
        <tbody>
          {summary.departments.map((d) => (
            <tr key={d.code} data-department={d.code}>
              <th scope="row">
                <Link to={`/pledges/${d.code}`} className="tap">
                  {zh ? d.zh : d.en}
                </Link>
              </th>
              <td className="nowrap">{f.count(d.pledges)}</td>
              <td>
                {t("storedResults.summary.latestCell", {
                  met: f.count(d.latest.met),
                  notMet: f.count(d.latest.notMet),
                  insufficient: f.count(d.latest.insufficient),
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <OpenDataLinks />
    </div>
  );
}
