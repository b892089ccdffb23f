import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActiveToggle, DepartmentForm, ServicesSection } from "~/components/departments/admin-forms";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import {
  getDepartmentByCode,
  listServices,
  setDepartmentActive,
  updateDepartment,
} from "~/models/departments/departments.server";
import { ActiveSchema, EditDepartmentSchema } from "~/models/departments/schema";
import { serviceAction } from "~/models/departments/service-actions.server";
import { savedNotice, serviceItems } from "~/models/departments/view.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/** One department for the central bureau: its names and kind, active or not, and its services. */
const CENTRAL_ADMINS = ["system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "departmentsAdmin.title");

async function departmentOf(db: Parameters<typeof getDepartmentByCode>[0], code: string | undefined) {
  const dept = code && /^[A-Za-z0-9]{1,20}$/.test(code) ? await getDepartmentByCode(db, code) : undefined;
  if (!dept) throw notFound();
  return dept;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL_ADMINS);
  const dept = await departmentOf(context.db, params.code);
  const services = await listServices(context.db, dept.id);
  return {
    department: {
      code: dept.code,
      nameEn: dept.name_en,
      nameZh: dept.name_zh,
      kind: dept.kind,
      active: dept.is_active === 1,
    },
    services: serviceItems(services),
    saved: savedNotice(request.url),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CENTRAL_ADMINS);
  const dept = await departmentOf(context.db, params.code);
  const back = (saved: string) => redirect(`/central/departments/${dept.code}?saved=${saved}`);
  const intent = String(form.get("intent") ?? "");
  if (intent === "edit") {
    const parsed = parseForm(EditDepartmentSchema, form);
    if (!parsed.ok) return json({ form: "edit", errors: parsed.errors, values: parsed.values }, 400);
    await updateDepartment(context.db, user, dept.id, parsed.data);
    return back("saved");
  }
  if (intent === "active") {
    const parsed = parseForm(ActiveSchema, form);
    if (!parsed.ok) throw badRequest();
    await setDepartmentActive(context.db, user, dept.id, parsed.data.active);
    return back(parsed.data.active ? "reactivated" : "deactivated");
  }
  const r = await serviceAction(context.db, user, dept.id, intent, form);
  if (r.status === "saved") return back(r.notice);
  if (r.status === "invalid") return json({ form: r.form, errors: r.errors, values: r.values }, 400);
  if (r.status === "missing")
    throw await denyAccess(context, user, "department", { type: "service", id: r.serviceId });
  throw badRequest();
}

export default function CentralDepartment() {
  const { t, i18n } = useTranslation();
  const { department: d, services, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const name = i18n.language.startsWith("zh") ? d.nameZh : d.nameEn;
  const editState = actionData?.form === "edit" ? actionData : null;
  return (
    <div className="container narrow">
      <p>
        <Link to="/central/departments">{t("departmentsAdmin.backToList")}</Link>
      </p>
      <h1>{t("departmentsAdmin.editTitle", { code: d.code, name })}</h1>
      {saved ? (
        <p className="notice success" role="status">
          {t(`departmentsAdmin.${saved}`)}
        </p>
      ) : null}
      <section aria-labelledby="details-title">
        <h2 id="details-title">{t("departmentsAdmin.detailsTitle")}</h2>
        <DepartmentForm
          intent="edit"
          errors={editState?.errors ?? {}}
          values={editState?.values ?? { nameEn: d.nameEn, nameZh: d.nameZh, kind: d.kind }}
          submitLabel={t("departmentsAdmin.save")}
        />
      </section>
      <section aria-labelledby="status-title">
        <h2 id="status-title">{t("departmentsAdmin.statusTitle")}</h2>
        <p>{t(d.active ? "departmentsAdmin.isActiveNow" : "departmentsAdmin.isInactiveNow")}</p>
        <ActiveToggle intent="active" active={d.active} name={`${d.code} ${name}`} />
      </section>
      <ServicesSection
        services={services}
        departmentName={name}
        state={actionData && actionData.form !== "edit" ? actionData : null}
      />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("departmentsAdmin.notFound")}</p> }} />;
}
