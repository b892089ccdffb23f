import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { targetSummary } from "~/components/pledges/pledge-form";
import { ResultsTable } from "~/components/pledges/results-table";
import { VersionsTable } from "~/components/pledges/versions-table";
import { TableRegion } from "~/components/table-region";
import { pledgeReadView, requireReadablePledge } from "~/models/reports/pledge-page.server";
import { REPORT_ROLES } from "~/models/reports/schema";
import { requireUser } from "~/models/staff/auth.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "dashboard.pledge.title", { code: data?.pledge.code ?? "" });

/**
 * A pledge, read-only, for the readers of monthly reports: the department's managers and
 * administrators, and the central reviewer for any department (a report's pledge links here).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  const pledge = await requireReadablePledge(context, user, params.id);
  return pledgeReadView(context.db, pledge);
}

export default function StaffPledgePage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { pledge, current, versions, months, quarters, years, notes, department, service } = data;
  const zh = i18n.language.startsWith("zh");
  return (
    <div className="container">
      <p>
        <Link to="/reports">{t("dashboard.pledge.back")}</Link>
      </p>
      <h1>{t("dashboard.pledge.title", { code: pledge.code })}</h1>
      <p className="lead">{zh ? current.statement_zh : current.statement_en}</p>
      <dl className="summary-list">
        <div>
          <dt>{t("dashboard.pledge.department")}</dt>
          <dd>{zh ? department.nameZh : department.nameEn}</dd>
        </div>
        {service ? (
          <div>
            <dt>{t("dashboard.pledge.service")}</dt>
            <dd>{zh ? service.nameZh : service.nameEn}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("dashboard.pledge.target")}</dt>
          <dd>
            <span className={`badge ${pledge.status}`}>{t(`pledgesAdmin.status.${pledge.status}`)}</span>{" "}
            {t("pledgesAdmin.pledge.versionInfo", { n: current.version_no })} ·{" "}
            {t(`pledgesAdmin.kinds.${current.target_kind}`)}: {targetSummary(t, current, zh)}
          </dd>
        </div>
      </dl>
      <p>{t("dashboard.pledge.readOnly")}</p>

      <section aria-labelledby="results-title">
        <h2 id="results-title">{t("pledgesAdmin.results.title")}</h2>
        <p>{t("pledgesAdmin.results.intro", { minSample: current.min_sample })}</p>
        <ResultsTable caption={t("pledgesAdmin.results.byMonth")} rows={months} />
        <ResultsTable caption={t("pledgesAdmin.results.byQuarter")} rows={quarters} />
        <ResultsTable caption={t("pledgesAdmin.results.byYear")} rows={years} />
      </section>

      <section aria-labelledby="unmet-title">
        <h2 id="unmet-title">{t("pledgesAdmin.unmet.recordedTitle")}</h2>
        {notes.length === 0 ? (
          <p>{t("pledgesAdmin.unmet.noNotes")}</p>
        ) : (
          <TableRegion caption={t("pledgesAdmin.unmet.recordedTitle")} captionHidden>
            <thead>
              <tr>
                <th scope="col">{t("pledgesAdmin.results.period")}</th>
                <th scope="col">{t("pledgesAdmin.unmet.reason")}</th>
                <th scope="col">{t("pledgesAdmin.unmet.proposal")}</th>
                <th scope="col">{t("pledgesAdmin.unmet.by")}</th>
              </tr>
            </thead>
            <tbody>
              {notes.map((n) => (
                <tr key={n.id}>
                  <th scope="row">{n.period}</th>
                  <td style={{ whiteSpace: "pre-wrap" }}>{n.reason}</td>
                  <td style={{ whiteSpace: "pre-wrap" }}>{n.correctiveProposal}</td>
                  <td>
                    {n.recordedBy ?? "—"}
                    <br />
                    {n.recordedAt.slice(0, 10)}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        )}
      </section>

      <VersionsTable versions={versions} />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.pledge")}</p> }} />;
}
