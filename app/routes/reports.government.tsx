import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { getGovernmentSummary, listGovernmentSummaryMonths } from "~/models/reports/government.server";
import { requireUser } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "digest.page.title");

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The government-wide summary for the central reviewer (issue 6): built by the parent job of each
 * month's fan-out; whether management has read its report is counted now.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  // Both roles see every department's figures.
  await requireUser(request, context, ["central_reviewer", "system_admin"]);
  const months = await listGovernmentSummaryMonths(context.db);
  const asked = new URL(request.url).searchParams.get("month");
  const month = asked && MONTH.test(asked) ? asked : (months[0] ?? null);
  const summary = month ? ((await getGovernmentSummary(context.db, month)) ?? null) : null;
  return { locale: await getLocale(request), months, month, summary };
}

export default function GovernmentSummaryPage() {
  const { t } = useTranslation();
  const { locale, months, month, summary } = useLoaderData<typeof loader>();
  const zh = locale.startsWith("zh");
  const f = formats(locale);
  const showMonth = f.month;
  const share = f.percent;
  return (
    <div className="container report-page">
      <p>
        <Link to="/reports">{t("reports.view.back")}</Link>
      </p>
      <h1>{month ? t("digest.page.heading", { month: showMonth(month) }) : t("digest.page.title")}</h1>
      <p className="lead">{t("digest.page.intro")}</p>
      {months.length > 1 ? (
        <nav aria-labelledby="summary-months">
          <h2 id="summary-months">{t("reports.inbox.months")}</h2>
          <ul
            style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem", listStyle: "none", padding: 0 }}
          >
            {months.map((m) => (
              <li key={m}>
                <Link to={`/reports/government?month=${m}`} aria-current={month === m ? "true" : undefined}>
                  {showMonth(m)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {!summary ? (
        <p className="notice">{t("digest.page.none")}</p>
      ) : (
        <>
          <p>{t("digest.page.generatedAt", { at: f.at(summary.generatedAt) })}</p>
          <TableRegion caption={t("digest.page.figures")}>
            <thead>
              <tr>
                <th scope="col">{t("digest.page.measure")}</th>
                <th scope="col">{t("digest.page.value")}</th>
                <th scope="col">{t("digest.page.paper")}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t("digest.page.reported")}</th>
                <td className="nowrap">
                  {t("digest.page.ofDepartments", { n: summary.reported, total: summary.departments })}
                </td>
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t("digest.page.readByManagement")}</th>
                <td className="nowrap">
                  {t("digest.page.ofDepartments", {
                    n: summary.readByManagement,
                    total: summary.departments,
                  })}{" "}
                  ({share(summary.readShare)})
                </td>
                <td className="nowrap">{f.percent(0.94)}</td>
              </tr>
              <tr>
                <th scope="row">{t("digest.page.targetsMet")}</th>
                <td className="nowrap">
                  {t("digest.page.ofTargets", { n: summary.targets.met, total: summary.targets.judged })} (
                  {share(summary.targets.share)})
                </td>
                <td className="nowrap">{f.percent(0.95)}</td>
              </tr>
            </tbody>
          </TableRegion>
          {(
            [
              ["mostUnmet", summary.mostUnmet],
              ["mostOverdue", summary.mostOverdue],
            ] as const
          ).map(([key, list]) => (
            // A plain block: its table is the region named by the heading (one landmark per name).
            <div key={key}>
              <h2 id={`${key}-title`}>{t(`digest.page.${key}`)}</h2>
              {list.length === 0 ? (
                <p>{t("digest.page.noneListed")}</p>
              ) : (
                <TableRegion labelledBy={`${key}-title`}>
                  <thead>
                    <tr>
                      <th scope="col">{t("reports.inbox.department")}</th>
                      <th scope="col">{t("digest.page.count")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((d) => (
                      <tr key={d.code}>
                        <th scope="row">{zh ? d.nameZh : d.nameEn}</th>
                        <td className="nowrap">{d.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </TableRegion>
              )}
            </div>
          ))}
        </>
      )}
    </div>
  );
}
