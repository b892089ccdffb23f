import { useTranslation } from "react-i18next";
import type { PledgeResult } from "~/models/pledges/results.server";

/** A pledge's results for a list of periods: achieved share, sample, target and met or not. */
export function ResultsTable({ caption, rows }: { caption: string; rows: PledgeResult[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("pledgesAdmin.results.period")}</th>
            <th scope="col">{t("pledgesAdmin.results.achieved")}</th>
            <th scope="col">{t("pledgesAdmin.results.sample")}</th>
            <th scope="col">{t("pledgesAdmin.results.target")}</th>
            <th scope="col">{t("pledgesAdmin.results.statusColumn")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.period}>
              <th scope="row">{r.period}</th>
              <td>{r.achieved === null ? "—" : `${r.achieved}%`}</td>
              <td>{t("pledgesAdmin.results.ofSample", { compliant: r.compliant, sample: r.sample })}</td>
              <td>{r.target}%</td>
              <td>
                <span className={`badge ${r.status}`}>{t(`pledgesAdmin.results.status.${r.status}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
