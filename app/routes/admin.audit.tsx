import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { listAuditEvents } from "~/models/audit/audit.server";
import { requireUser } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.auditTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin", "system_admin"]);
  const events = await listAuditEvents(context.db, {
    departmentId: user.role === "system_admin" ? null : user.departmentId,
  });
  return { events };
}

export default function AuditLog() {
  const { t, i18n } = useTranslation();
  const { events } = useLoaderData<typeof loader>();
  const f = formats(i18n.language);
  return (
    <div className="container">
      <h1>{t("admin.auditTitle")}</h1>
      <p>{t("admin.auditIntro")}</p>
      <TableRegion caption={t("admin.auditTitle")} captionHidden>
        <thead>
          <tr>
            <th scope="col">{t("admin.auditWhen")}</th>
            <th scope="col">{t("admin.auditWho")}</th>
            <th scope="col">{t("admin.auditAction")}</th>
            <th scope="col">{t("admin.auditRecord")}</th>
            <th scope="col">{t("admin.department")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{f.atSeconds(e.occurred_at)}</td>
              <td>{e.actor_username ?? "—"}</td>
              <td>{t(`audit.${e.action.replace(/\./g, "_")}`, { defaultValue: e.action })}</td>
              <td>{e.entity_type ? `${e.entity_type} #${e.entity_id}` : "—"}</td>
              <td>{e.department_code ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
    </div>
  );
}
