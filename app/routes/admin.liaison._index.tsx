import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { canKeepLiaison, LIAISON_KEEPERS, LIAISON_READERS, liaisonScope } from "~/models/liaison/access";
import { createLiaisonGroup, liaisonServiceChoices, listLiaisonGroups } from "~/models/liaison/groups.server";
import { LIAISON_ERRORS, LIAISON_KINDS, NewLiaisonGroupSchema } from "~/models/liaison/schema";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

/**
 * A department's liaison groups and user committees: its administrator records them (a system
 * administrator for any department); its managers and the central bureau read the list.
 */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "liaison.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, LIAISON_READERS);
  const scope = liaisonScope(user);
  const canKeep = user.role === "system_admin" || (user.role === "department_admin" && scope != null);
  const [groups, services, locale] = await Promise.all([
    listLiaisonGroups(context.db, scope),
    canKeep ? liaisonServiceChoices(context.db, user.role === "system_admin" ? null : scope) : [],
    getLocale(request),
  ]);
  const zh = locale.startsWith("zh");
  const departments = new Map<number, string>();
  for (const s of services) departments.set(s.departmentId, s.departmentCode);
  return {
    allDepartments: scope == null,
    canKeep,
    chooseDepartment: user.role === "system_admin",
    departments: [...departments].map(([id, code]) => ({ id, code })),
    services: services.map((s) => ({
      id: s.id,
      label:
        user.role === "system_admin"
          ? `${s.departmentCode}: ${zh ? s.nameZh : s.nameEn}`
          : zh
            ? s.nameZh
            : s.nameEn,
    })),
    groups: groups.map((g) => ({
      id: g.id,
      department: g.department_code,
      name: zh ? g.name_zh : g.name_en,
      kind: g.kind,
      active: g.is_active === 1,
      meetings: g.meetings,
      lastMetOn: g.last_met_on,
    })),
    saved: new URL(request.url).searchParams.get("saved") === "created",
  };
}

type ActionResult = { errors: FieldErrors; values: Record<string, string>; services: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, LIAISON_KEEPERS);
  if (form.get("intent") !== "create") throw badRequest();
  const values = formValues(form);
  const picked = form.getAll("services").map(String);
  const fail = (errors: FieldErrors) =>
    json<ActionResult>({ errors, values, services: picked }, { status: 400 });
  const parsed = parseForm(NewLiaisonGroupSchema, form);
  if (!parsed.ok) return fail(parsed.errors);
  const departmentId = user.role === "system_admin" ? parsed.data.departmentId : user.departmentId;
  if (departmentId == null) return fail({ departmentId: LIAISON_ERRORS.department });
  if (!canKeepLiaison(user, departmentId))
    throw await denyAccess(context, user, "department", { type: "department", id: departmentId });
  const serviceIds = picked.map(Number);
  if (serviceIds.some((id) => !Number.isSafeInteger(id) || id <= 0))
    return fail({ services: LIAISON_ERRORS.service });
  const r = await createLiaisonGroup(context.db, user, departmentId, parsed.data, serviceIds);
  if (!r.ok) return fail(r.errors);
  return redirect(`/admin/liaison/${r.id}?saved=created`);
}

export default function LiaisonGroups() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  const picked = new Set(actionData?.services ?? []);
  const labels = {
    kind: t("liaison.fields.kind"),
    departmentId: t("liaison.fields.department"),
    nameEn: t("liaison.fields.nameEn"),
    nameZh: t("liaison.fields.nameZh"),
    services: t("liaison.fields.services"),
  };
  return (
    <div className="container">
      <h1>{t("liaison.title")}</h1>
      <p>{t("liaison.intro")}</p>
      {data.canKeep ? null : <p>{t("liaison.readOnly")}</p>}
      {data.saved ? (
        <p className="notice success" role="status">
          {t("liaison.created")}
        </p>
      ) : null}
      {data.groups.length === 0 ? (
        <p>{t("liaison.none")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("liaison.title")}</caption>
          <thead>
            <tr>
              {data.allDepartments ? <th scope="col">{t("liaison.columns.department")}</th> : null}
              <th scope="col">{t("liaison.columns.name")}</th>
              <th scope="col">{t("liaison.columns.kind")}</th>
              <th scope="col">{t("liaison.columns.meetings")}</th>
              <th scope="col">{t("liaison.columns.lastMeeting")}</th>
              <th scope="col">{t("liaison.columns.status")}</th>
            </tr>
          </thead>
          <tbody>
            {data.groups.map((g) => (
              <tr key={g.id}>
                {data.allDepartments ? <td>{g.department}</td> : null}
                <td>
                  <Link to={`/admin/liaison/${g.id}`}>{g.name}</Link>
                </td>
                <td>{t(`liaison.kinds.${g.kind}`)}</td>
                <td>{g.meetings}</td>
                <td className="nowrap">{g.lastMetOn ? f.date(g.lastMetOn) : t("liaison.never")}</td>
                <td>{g.active ? t("liaison.active") : t("liaison.disbanded")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.canKeep ? (
        <section aria-labelledby="new-group">
          <h2 id="new-group">{t("liaison.newTitle")}</h2>
          <ErrorSummary errors={errors} labels={labels} formError={errors.form} />
          <Form method="post" noValidate>
            <CsrfInput />
            <input type="hidden" name="intent" value="create" />
            {data.chooseDepartment ? (
              <SelectField
                name="departmentId"
                label={labels.departmentId}
                error={errors.departmentId}
                defaultValue={values.departmentId}
                options={data.departments.map((d) => ({ value: String(d.id), label: d.code }))}
              />
            ) : null}
            <SelectField
              name="kind"
              label={labels.kind}
              error={errors.kind}
              defaultValue={values.kind}
              options={LIAISON_KINDS.map((k) => ({ value: k, label: t(`liaison.kinds.${k}`) }))}
            />
            <TextField
              name="nameEn"
              label={labels.nameEn}
              error={errors.nameEn}
              defaultValue={values.nameEn}
              required
            />
            <TextField
              name="nameZh"
              label={labels.nameZh}
              error={errors.nameZh}
              defaultValue={values.nameZh}
              required
            />
            <fieldset
              id="field-services"
              className={`field${errors.services ? " field-error" : ""}`}
              aria-describedby={`services-hint${errors.services ? " services-error" : ""}`}
            >
              <legend>{labels.services}</legend>
              <p className="hint" id="services-hint">
                {t("liaison.fields.servicesHint")}
              </p>
              {errors.services ? (
                <p className="error-message" id="services-error">
                  <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(errors.services)}
                </p>
              ) : null}
              {data.services.map((s) => (
                <div key={s.id} className="checkbox">
                  <input
                    type="checkbox"
                    id={`service-${s.id}`}
                    name="services"
                    value={s.id}
                    defaultChecked={picked.has(String(s.id))}
                  />
                  <label htmlFor={`service-${s.id}`}>{s.label}</label>
                </div>
              ))}
            </fieldset>
            <button type="submit">{t("liaison.create")}</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
