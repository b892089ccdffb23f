import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DepartmentForm } from "~/components/departments/admin-forms";
import { TableRegion } from "~/components/table-region";
import { createDepartment, listDepartments } from "~/models/departments/departments.server";
import { NewDepartmentSchema } from "~/models/departments/schema";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formValues, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/** The central bureau's list of departments and bureaux, and the form that adds one. */
const CENTRAL_ADMINS = ["system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "departmentsAdmin.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL_ADMINS);
  const departments = await listDepartments(context.db);
  return {
    departments: departments.map((d) => ({
      id: d.id,
      code: d.code,
      nameEn: d.name_en,
      nameZh: d.name_zh,
      kind: d.kind,
      active: d.is_active === 1,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CENTRAL_ADMINS);
  if (form.get("intent") !== "create") throw badRequest();
  const parsed = parseForm(NewDepartmentSchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, 400);
  const r = await createDepartment(context.db, user, parsed.data);
  if (!r.ok) return json({ errors: { [r.field]: r.error }, values: formValues(form) }, 409);
  return redirect(`/central/departments/${parsed.data.code}?saved=created`);
}

export default function CentralDepartments() {
  const { t, i18n } = useTranslation();
  const { departments } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const zh = i18n.language.startsWith("zh");
  return (
    <div className="container">
      <h1>{t("departmentsAdmin.title")}</h1>
      <p>{t("departmentsAdmin.intro")}</p>
      <TableRegion caption={t("departmentsAdmin.listCaption")}>
        <thead>
          <tr>
            <th scope="col">{t("departmentsAdmin.code")}</th>
            <th scope="col">{zh ? t("departmentsAdmin.nameZh") : t("departmentsAdmin.nameEn")}</th>
            <th scope="col">{t("departmentsAdmin.kind")}</th>
            <th scope="col">{t("departmentsAdmin.status")}</th>
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr key={d.id} data-department={d.code}>
              <td>
                <Link
                  to={`/central/departments/${d.code}`}
                  aria-label={t("departmentsAdmin.edit", { code: d.code })}
                >
                  {d.code}
                </Link>
              </td>
              <td>{zh ? d.nameZh : d.nameEn}</td>
              <td>{t(`departmentsAdmin.kinds.${d.kind}`)}</td>
              <td>{t(d.active ? "departmentsAdmin.active" : "departmentsAdmin.inactive")}</td>
            </tr>
          ))}
        </tbody>
      </TableRegion>
      <section aria-labelledby="new-title">
        <h2 id="new-title">{t("departmentsAdmin.newTitle")}</h2>
        <DepartmentForm
          intent="create"
          errors={actionData?.errors ?? {}}
          values={actionData?.values ?? {}}
          submitLabel={t("departmentsAdmin.create")}
        />
      </section>
    </div>
  );
}
