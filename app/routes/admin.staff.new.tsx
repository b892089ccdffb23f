import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, mergeErrors, SelectField, TextField } from "~/components/forms";
import { listDepartments, localName } from "~/models/departments/departments.server";
import { assignableRoles, createStaff } from "~/models/staff/accounts.server";
import { requireUser } from "~/models/staff/auth.server";
import { NewStaffSchema, STAFF_EMAIL_MAX } from "~/models/staff/schema";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

const ADMINS = ["department_admin", "system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.newStaff");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const locale = await getLocale(request);
  const departments =
    user.role === "system_admin"
      ? (await listDepartments(context.db)).map((d) => ({
          id: d.id,
          label: `${d.code} — ${localName(d, locale)}`,
        }))
      : [];
  return { roles: assignableRoles(user), departments };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ADMINS);
  const parsed = parseForm(NewStaffSchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, 400);
  const result = await createStaff(context.db, user, parsed.data);
  if (!result.ok) {
    const status = result.error === "usernameTaken" ? 409 : 400;
    const errors: FieldErrors = { [result.field]: `admin.errors.${result.error}` };
    return json({ errors, values: formValues(form) }, status);
  }
  return redirect("/admin/staff?created=1");
}

export default function NewStaff() {
  const { t } = useTranslation();
  const { roles, departments } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm({ resolver: zodResolver(NewStaffSchema), mode: "onTouched" });
  const errors = mergeErrors(actionData?.errors, clientErrors);
  const v = actionData?.values ?? {};
  const labels = {
    username: t("auth.username"),
    displayName: t("admin.displayName"),
    email: t("admin.email"),
    role: t("admin.role"),
    departmentId: t("admin.department"),
    password: t("admin.initialPassword"),
  };
  return (
    <div className="container narrow">
      <h1>{t("admin.newStaff")}</h1>
      <ErrorSummary errors={errors} labels={labels} />
      <Form
        method="post"
        noValidate
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        <CsrfInput />
        <TextField
          name="username"
          label={labels.username}
          hint={t("admin.usernameHint")}
          required
          autoComplete="off"
          error={errors.username}
          defaultValue={v.username}
          registration={register("username")}
        />
        <TextField
          name="displayName"
          label={labels.displayName}
          required
          autoComplete="off"
          error={errors.displayName}
          defaultValue={v.displayName}
          registration={register("displayName")}
        />
        <TextField
          name="email"
          type="email"
          label={labels.email}
          hint={t("admin.emailHint")}
          autoComplete="off"
          maxLength={STAFF_EMAIL_MAX}
          error={errors.email}
          defaultValue={v.email}
          registration={register("email")}
        />
        <SelectField
          name="role"
          label={labels.role}
          error={errors.role}
          defaultValue={v.role}
          options={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          registration={register("role")}
        />
        {departments.length > 0 ? (
          <SelectField
            name="departmentId"
            label={labels.departmentId}
            error={errors.departmentId}
            defaultValue={v.departmentId}
            options={[
              { value: "", label: t("admin.noDepartment") },
              ...departments.map((d) => ({ value: String(d.id), label: d.label })),
            ]}
            registration={register("departmentId", { setValueAs: (x: string) => (x === "" ? undefined : x) })}
          />
        ) : null}
        <TextField
          name="password"
          type="password"
          label={labels.password}
          hint={t("admin.passwordHint")}
          required
          autoComplete="new-password"
          error={errors.password}
          registration={register("password")}
        />
        <button type="submit" className="button">
          {t("admin.createStaff")}
        </button>
      </Form>
    </div>
  );
}
