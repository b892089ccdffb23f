import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableRegion } from "~/components/table-region";
import { departmentDashboard } from "~/models/cases/dashboard.server";
import { getDepartment, getDepartmentByCode, listDepartments } from "~/models/departments/departments.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "dashboard.title");

/** Who sees a department's dashboard: its case handlers, and the central reviewer (any, read-only). */
const DASHBOARD_ROLES = ["case_officer", "manager", "department_admin", "central_reviewer"] as const;

/**
 * The department's dashboard. Department staff see their own (`?dept=` another code: 404, audited);
 * the central reviewer names the department with `?dept=CODE` and, without one, picks it first.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, DASHBOARD_ROLES);
  const locale = await getLocale(request);
  const code = new URL(request.url).searchParams.get("dept")?.trim().toUpperCase() || null;
  const zh = locale.startsWith("zh");
  if (user.role === "central_reviewer") {
    if (!code) {
      const departments = await listDepartments(context.db, { activeOnly: true });
      return {
        locale,
        choose: departments.map((d) => ({ code: d.code, name: zh ? d.name_zh : d.name_en })),
        dashboard: null,
        departmentName: null,
      };
    }
  }
  const dept =
    user.role === "central_reviewer"
      ? await getDepartmentByCode(context.db, code!)
      : user.departmentId != null
        ? await getDepartment(context.db, user.departmentId)
        : undefined;
  if (!dept || (code && dept.code !== code)) {
    throw await denyAccess(context, user, "department", { type: "department", id: code ?? "" });
  }
  const dashboard = await departmentDashboard(context.db, { id: dept.id, code: dept.code });
  return { locale, choose: null, dashboard, departmentName: zh ? dept.name_zh : dept.name_en };
}

export default function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { choose, dashboard: d, departmentName } = useLoaderData<typeof loader>();
  const zh = i18n.language.startsWith("zh");
  if (choose) {
    return (
      <div className="container">
        <h1>{t("dashboard.title")}</h1>
        <form method="get">
          <div className="field">
            <label htmlFor="field-dept">{t("dashboard.chooseDepartment")}</label>
            <select id="field-dept" name="dept">
              {choose.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            {t("dashboard.show")}
          </button>
        </form>
      </div>
    );
  }
  if (!d) return null;
  const leftText = (left: number | null) =>
    left === null ? "—" : left < 0 ? t("dashboard.left.overdue") : t("dashboard.left.days", { count: left });
  return (
    <div className="container">
      <h1>{t("dashboard.titleFor", { department: departmentName })}</h1>
      <p className="lead">{t("dashboard.intro", { today: d.today })}</p>

      <section aria-labelledby="age-title">
        <h2 id="age-title">{t("dashboard.byAge.title")}</h2>
        <p>{t("dashboard.byAge.total", { count: d.openCount })}</p>
        <TableRegion caption={t("dashboard.byAge.title")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("dashboard.byAge.band")}</th>
              <th scope="col">{t("dashboard.cases")}</th>
            </tr>
          </thead>
          <tbody>
            {d.byAge.map((b) => (
              <tr key={b.key}>
                <th scope="row">{t(`dashboard.byAge.bands.${b.key}`)}</th>
                <td>
                  <a href={b.href}>{b.count}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      </section>

      <section aria-labelledby="left-title">
        <h2 id="left-title">{t("dashboard.byLeft.title")}</h2>
        <p>{t("dashboard.byLeft.intro")}</p>
        <TableRegion caption={t("dashboard.byLeft.title")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("dashboard.byLeft.band")}</th>
              <th scope="col">{t("dashboard.cases")}</th>
            </tr>
          </thead>
          <tbody>
            {d.byDaysLeft.map((b) => (
              <tr key={b.key}>
                <th scope="row">{t(`dashboard.byLeft.bands.${b.key}`)}</th>
                <td>
                  <a href={b.href}>{b.count}</a>
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t("dashboard.byLeft.noDeadline")}</th>
              <td>{d.noDeadline}</td>
            </tr>
          </tbody>
        </TableRegion>
      </section>

      <section aria-labelledby="due-title">
        <h2 id="due-title">{t("dashboard.dueSoon.title")}</h2>
        <p>
          <a href={d.dueSoon.href}>
            {t("dashboard.dueSoon.count", { count: d.dueSoon.count, until: d.dueSoon.until })}
          </a>
        </p>
        {d.dueSoon.rows.length === 0 ? (
          <p>{t("dashboard.dueSoon.none")}</p>
        ) : (
          <TableRegion caption={t("dashboard.dueSoon.title")} captionHidden>
            <thead>
              <tr>
                <th scope="col">{t("dashboard.columns.reference")}</th>
                <th scope="col">{t("dashboard.columns.service")}</th>
                <th scope="col">{t("dashboard.columns.step")}</th>
                <th scope="col">{t("dashboard.columns.due")}</th>
                <th scope="col">{t("dashboard.columns.officer")}</th>
              </tr>
            </thead>
            <tbody>
              {d.dueSoon.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={r.href}>{r.reference}</Link>
                  </th>
                  <td>{(zh ? r.serviceZh : r.serviceEn) ?? "—"}</td>
                  <td>{r.step ? t(`dashboard.steps.${r.step}`) : "—"}</td>
                  <td>
                    {r.due} ({leftText(r.left)})
                  </td>
                  <td>{r.assignedName ?? t("dashboard.unassigned")}</td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="appeals-title">
        <h2 id="appeals-title">{t("dashboard.appeals.title")}</h2>
        <p>
          <a href={d.appeals.href}>{t("dashboard.appeals.count", { count: d.appeals.count })}</a>{" "}
          {d.appeals.overdue > 0 ? (
            <strong>{t("dashboard.appeals.overdue", { count: d.appeals.overdue })}</strong>
          ) : null}
        </p>
        {d.appeals.rows.length === 0 ? null : (
          <TableRegion caption={t("dashboard.appeals.title")} captionHidden>
            <thead>
              <tr>
                <th scope="col">{t("dashboard.columns.reference")}</th>
                <th scope="col">{t("dashboard.columns.lodged")}</th>
                <th scope="col">{t("dashboard.columns.due")}</th>
              </tr>
            </thead>
            <tbody>
              {d.appeals.rows.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <Link to={a.href}>{a.reference}</Link>
                  </th>
                  <td>{a.lodged}</td>
                  <td>
                    {a.due ?? "—"} ({leftText(a.left)})
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="pledges-title">
        <h2 id="pledges-title">{t("dashboard.pledges.title", { month: d.month })}</h2>
        <p>{t("dashboard.pledges.intro")}</p>
        {d.pledges.length === 0 ? (
          <p>{t("dashboard.pledges.none")}</p>
        ) : (
          <ul className="dashboard-pledges">
            {d.pledges.map((p) => (
              <li key={p.pledgeId}>
                <a href={p.href}>{zh ? p.statementZh : p.statementEn}</a>
                <p>
                  {t("dashboard.pledges.soFar", {
                    met: p.met,
                    done: p.done,
                    achieved: p.achieved === null ? "—" : `${p.achieved}%`,
                    target: `${p.target}%`,
                  })}
                </p>
                {p.projection ? (
                  <p>
                    {t("dashboard.pledges.projection", {
                      can: p.projection.canStillMeet,
                      late: p.projection.pastDue,
                      share: p.projection.share === null ? "—" : `${p.projection.share}%`,
                    })}
                  </p>
                ) : (
                  <p>{t("dashboard.pledges.noProjection")}</p>
                )}
                {p.projection?.cannotMeet ? (
                  <p className="notice">
                    {t("dashboard.pledges.cannotMeet", { target: `${p.target}%` })}{" "}
                    {p.casesHref ? <a href={p.casesHref}>{t("dashboard.pledges.pastDueLink")}</a> : null}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("dashboard.notFound")}</p> }} />;
}
