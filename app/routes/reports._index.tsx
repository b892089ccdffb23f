import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { REPORT_ROLES, REPORT_STATES } from "~/models/reports/schema";
import { reportInboxView } from "~/models/reports/view.server";
import { requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reports.inbox.title");

/** The report inbox: a department's reports for its managers, every department's for the central reviewer. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  const central = seesAllDepartments(user);
  const view = await reportInboxView(context.db, user, central, new URL(request.url).searchParams);
  return { locale: await getLocale(request), central, ...view };
}

export default function ReportInbox() {
  const { t } = useTranslation();
  const { locale, central, months, month, state, counts, rows } = useLoaderData<typeof loader>();
  const zh = locale.startsWith("zh");
  const f = formats(locale);
  const showMonth = f.month;
  const at = (iso: string | null) => (iso ? f.at(iso) : t("reports.inbox.notYet"));
  const link = (p: { month?: string | null; state?: string | null }) => {
    const q = new URLSearchParams();
    if (p.month) q.set("month", p.month);
    if (p.state) q.set("state", p.state);
    const s = q.toString();
    return s ? `/reports?${s}` : "/reports";
  };
  return (
    <div className="container">
      <h1>{t("reports.inbox.title")}</h1>
      <p className="lead">{central ? t("reports.inbox.introCentral") : t("reports.inbox.intro")}</p>
      {central ? (
        <p>
          <Link to="/reports/government">{t("digest.page.link")}</Link>
        </p>
      ) : (
        <p>{t("reports.inbox.counts", counts)}</p>
      )}

      <nav aria-label={t("reports.inbox.show")}>
        <p style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem" }}>
          <span>{t("reports.inbox.show")}:</span>
          <Link to={link({ month })} aria-current={state === null ? "true" : undefined}>
            {t("reports.inbox.all")}
          </Link>
          {REPORT_STATES.map((s) => (
            <Link key={s} to={link({ month, state: s })} aria-current={state === s ? "true" : undefined}>
              {t(`reports.states.${s}`)}
            </Link>
          ))}
        </p>
      </nav>

      {months.length ? (
        <nav aria-labelledby="report-months">
          <h2 id="report-months">{t("reports.inbox.months")}</h2>
          <ul
            style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem", listStyle: "none", padding: 0 }}
          >
            <li>
              <Link to={link({ state })} aria-current={month === null ? "true" : undefined}>
                {t("reports.inbox.allMonths")}
              </Link>
            </li>
            {months.map((m) => (
              <li key={m}>
                <Link to={link({ month: m, state })} aria-current={month === m ? "true" : undefined}>
                  {showMonth(m)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {rows.length === 0 ? (
        <p className="notice">{t("reports.inbox.none")}</p>
      ) : (
        <TableRegion caption={t("reports.inbox.tableCaption")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("reports.inbox.month")}</th>
              {central ? <th scope="col">{t("reports.inbox.department")}</th> : null}
              <th scope="col">{t("reports.inbox.generated")}</th>
              {central ? (
                <>
                  <th scope="col">{t("reports.inbox.readByManagement")}</th>
                  <th scope="col">{t("reports.inbox.acknowledgedByManagement")}</th>
                </>
              ) : (
                <th scope="col">{t("reports.inbox.state")}</th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link to={`/reports/${r.id}`} style={{ fontWeight: r.state === "unread" ? 700 : 400 }}>
                    {showMonth(r.month)}
                  </Link>
                </th>
                {central ? <td>{zh ? r.departmentZh : r.departmentEn}</td> : null}
                <td>{at(r.generatedAt)}</td>
                {central ? (
                  <>
                    <td>{at(r.managementReadAt)}</td>
                    <td>{at(r.managementAcknowledgedAt)}</td>
                  </>
                ) : (
                  <td>{t(`reports.states.${r.state}`)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}
    </div>
  );
}
