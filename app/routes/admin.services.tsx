import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ServicesSection } from "~/components/departments/admin-forms";
import { getDepartment, listServices, localName } from "~/models/departments/departments.server";
import { serviceAction } from "~/models/departments/service-actions.server";
import { savedNotice, serviceItems } from "~/models/departments/view.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { badRequest, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

/**
 * A department administrator's own department's services: add, rename, deactivate. Every query
 * carries the administrator's department; another department's service is 404 and audited.
 */
const DEPARTMENT_ADMINS = ["department_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "departmentsAdmin.adminTitle");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, DEPARTMENT_ADMINS);
  const dept = user.departmentId != null ? await getDepartment(context.db, user.departmentId) : undefined;
  if (!dept) throw notFound();
  const locale = await getLocale(request);
  return {
    departmentName: localName(dept, locale),
    services: serviceItems(await listServices(context.db, dept.id)),
    saved: savedNotice(request.url),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, DEPARTMENT_ADMINS);
  if (user.departmentId == null) throw notFound();
  const r = await serviceAction(context.db, user, user.departmentId, String(form.get("intent") ?? ""), form);
  if (r.status === "saved") return redirect(`/admin/services?saved=${r.notice}`);
  if (r.status === "invalid") return json({ form: r.form, errors: r.errors, values: r.values }, 400);
  if (r.status === "missing")
    throw await denyAccess(context, user, "department", { type: "service", id: r.serviceId });
  throw badRequest();
}

export default function AdminServices() {
  const { t } = useTranslation();
  const { departmentName, services, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="container narrow">
      <h1>{t("departmentsAdmin.adminTitle")}</h1>
      <p>{t("departmentsAdmin.adminIntro")}</p>
      {saved ? (
        <p className="notice success" role="status">
          {t(`departmentsAdmin.${saved}`)}
        </p>
      ) : null}
      <ServicesSection services={services} departmentName={departmentName} state={actionData ?? null} />
    </div>
  );
}
