import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { canManageStaff } from "~/models/staff.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staff.home");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return { role: user.role, displayName: user.displayName, canManageStaff: canManageStaff(user) };
}

export default function StaffHome() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{t("staff.welcome", { name: data.displayName })}</h1>
      <p>{t(`roles.${data.role}Description`)}</p>
      <h2>{t("staff.tasks")}</h2>
      <ul className="cards">
        {data.canManageStaff ? (
          <>
            <li className="card">
              <h3>
                <Link to="/admin/staff">{t("admin.staffTitle")}</Link>
              </h3>
              <p>{t("admin.staffBody")}</p>
            </li>
            <li className="card">
              <h3>
                <Link to="/admin/audit">{t("admin.auditTitle")}</Link>
              </h3>
              <p>{t("admin.auditBody")}</p>
            </li>
            {data.role === "department_admin" ? (
              <li className="card">
                <h3>
                  <Link to="/admin/api-keys">{t("admin.apiKeysTitle")}</Link>
                </h3>
                <p>{t("admin.apiKeysBody")}</p>
              </li>
            ) : null}
          </>
        ) : null}
        <li className="card">
          <h3>
            <Link to="/staff/surveys">{t("staff.surveysTitle")}</Link>
          </h3>
          <p>{t("staff.surveysBody")}</p>
        </li>
        <li className="card">
          <h3>{t("staff.moreSoonTitle")}</h3>
          <p>{t("staff.moreSoonBody")}</p>
        </li>
      </ul>
    </div>
  );
}
