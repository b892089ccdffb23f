import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { listStaff } from "~/models/staff/accounts.server";
import { requireUser } from "~/models/staff/auth.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.staffTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin", "system_admin"]);
  const url = new URL(request.url);
  return { staff: await listStaff(context.db, user), created: url.searchParams.get("created") === "1" };
}

export default function StaffList() {
  const { t } = useTranslation();
  const { staff, created } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{t("admin.staffTitle")}</h1>
      {created ? (
        <p className="notice success" role="status">
          {t("admin.staffCreated")}
        </p>
      ) : null}
      <p>
        <Link className="button" to="/admin/staff/new">
          {t("admin.newStaff")}
        </Link>{" "}
        <Link to="/admin/staff/import">{t("staffAccount.import.link")}</Link>
      </p>
      <TableRegion caption={t("admin.staffTitle")} captionHidden>
        <thead>
          <tr>
            <th scope="col">{t("auth.username")}</th>
            <th scope="col">{t("admin.displayName")}</th>
            <th scope="col">{t("admin.role")}</th>
            <th scope="col">{t("admin.department")}</th>
            <th scope="col">{t("admin.status")}</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/admin/staff/${s.id}`}>{s.username}</Link>
              </td>
              <td>{s.display_name}</td>
              <td>{t(`roles.${s.role}`)}</td>
              <td>{s.department_code ?? t("admin.allDepartments")}</td>
              <td>{s.is_active ? t("admin.active") : t("admin.inactive")}</td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
    </div>
  );
}
