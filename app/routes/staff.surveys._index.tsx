import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput, ErrorSummary, SelectField } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import { listServices, localName } from "~/models/departments/departments.server";
import { requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { createSurvey } from "~/models/surveys/authoring.server";
import { listSurveys } from "~/models/surveys/lookup.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "surveys.list.title");

const NewSurveySchema = z.object({
  template: z.enum(["csat5", "blank"], { error: "validation.invalid" }),
  serviceId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const locale = await getLocale(request);
  const surveys = await listSurveys(context.db, seesAllDepartments(user) ? null : user.departmentId);
  const canAuthor = user.role === "department_admin";
  const services =
    canAuthor && user.departmentId
      ? (await listServices(context.db, user.departmentId, { activeOnly: true })).map((s) => ({
          id: s.id,
          name: localName(s, locale),
        }))
      : [];
  return {
    locale,
    canAuthor,
    canKeyPaper: !seesAllDepartments(user),
    services,
    surveys: surveys.map((s) => ({
      id: s.id,
      slug: s.slug,
      status: s.status,
      department: s.department_code,
      title: (locale.startsWith("zh") ? s.title_zh : s.title_en) ?? s.slug,
      version: s.version_no,
      responses: s.responses,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ["department_admin"]);
  const parsed = parseForm(NewSurveySchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors }, 400);
  let serviceId: number | null = null;
  if (parsed.data.serviceId) {
    const services = await listServices(context.db, user.departmentId!, { activeOnly: true });
    if (!services.some((s) => s.id === parsed.data.serviceId)) {
      const errors: FieldErrors = { serviceId: "validation.invalid" };
      return json({ errors }, 400);
    }
    serviceId = parsed.data.serviceId;
  }
  const id = await createSurvey(context.db, user, {
    departmentId: user.departmentId!,
    serviceId,
    template: parsed.data.template,
  });
  return redirect(`/admin/surveys/${id}`);
}

export default function SurveyList() {
  const { t } = useTranslation();
  const { surveys, canAuthor, canKeyPaper, services } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="container">
      <h1>{t("surveys.list.title")}</h1>
      {surveys.length === 0 ? <p>{t("surveys.list.none")}</p> : null}
      {surveys.length > 0 ? (
        <TableRegion caption={t("surveys.list.title")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("surveys.list.survey")}</th>
              <th scope="col">{t("admin.department")}</th>
              <th scope="col">{t("admin.status")}</th>
              <th scope="col">{t("surveys.list.responses")}</th>
              <th scope="col">{t("surveys.list.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {surveys.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.title}
                  <br />
                  <span className="hint">
                    {t("surveys.list.versionN", { n: s.version ?? 1 })} · /s/{s.slug}
                  </span>
                </td>
                <td>{s.department}</td>
                <td>
                  <span className={`badge ${s.status}`}>{t(`surveys.status.${s.status}`)}</span>
                </td>
                <td>{s.responses}</td>
                <td>
                  <div className="actions">
                    <Link to={`/staff/surveys/${s.id}/results`}>{t("surveys.list.results")}</Link>
                    {canKeyPaper && s.status === "published" ? (
                      <Link to={`/staff/surveys/${s.id}/paper`}>{t("surveys.list.paper")}</Link>
                    ) : null}
                    {canAuthor ? <Link to={`/admin/surveys/${s.id}`}>{t("surveys.list.edit")}</Link> : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      ) : null}
      {canAuthor ? (
        <section aria-labelledby="new-survey">
          <h2 id="new-survey">{t("surveys.list.newTitle")}</h2>
          <ErrorSummary errors={actionData?.errors ?? {}} labels={{ template: t("surveys.list.template") }} />
          <Form method="post">
            <CsrfInput />
            <SelectField
              name="template"
              label={t("surveys.list.template")}
              defaultValue="csat5"
              error={actionData?.errors?.template}
              options={[
                { value: "csat5", label: t("surveys.list.templateCsat5") },
                { value: "blank", label: t("surveys.list.templateBlank") },
              ]}
            />
            <SelectField
              name="serviceId"
              label={t("surveys.list.service")}
              error={actionData?.errors?.serviceId}
              options={[
                { value: "", label: t("surveys.list.anyService") },
                ...services.map((s) => ({ value: String(s.id), label: s.name })),
              ]}
            />
            <button type="submit" className="button">
              {t("surveys.list.create")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
