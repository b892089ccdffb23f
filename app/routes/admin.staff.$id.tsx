import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import {
  assignableRoles,
  getStaffForActor,
  resetStaffPassword,
  updateStaff,
} from "~/models/staff/accounts.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { EditStaffSchema, ResetPasswordSchema, STAFF_EMAIL_MAX } from "~/models/staff/schema";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

const ADMINS = ["department_admin", "system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.editStaff");

/** The account, if it exists in the actor's department; otherwise 404 and an audit event. */
async function loadTarget(
  context: Parameters<typeof requireUser>[1],
  user: SessionUser,
  rawId: string | undefined,
) {
  const id = Number(rawId);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const target = await getStaffForActor(context.db, user, id);
  if (!target) throw await denyAccess(context, user, "department", { type: "staff_user", id });
  return target;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const target = await loadTarget(context, user, params.id);
  const url = new URL(request.url);
  return { target, roles: assignableRoles(user), saved: url.searchParams.get("saved") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ADMINS);
  const target = await loadTarget(context, user, params.id);
  if (form.get("intent") === "reset-password") {
    const parsed = parseForm(ResetPasswordSchema, form);
    if (!parsed.ok) return json({ intent: "reset-password", errors: parsed.errors, values: {} }, 400);
    await resetStaffPassword(context.db, user, target, parsed.data.password);
    return redirect(`/admin/staff/${target.id}?saved=password`);
  }
  const parsed = parseForm(EditStaffSchema, form);
  if (!parsed.ok) return json({ intent: "update", errors: parsed.errors, values: parsed.values }, 400);
  if (target.id === user.id && parsed.data.isActive === "0") {
    const errors: FieldErrors = { isActive: "admin.errors.cannotDeactivateSelf" };
    return json({ intent: "update", errors, values: formValues(form) }, 400);
  }
  const result = await updateStaff(context.db, user, target, {
    displayName: parsed.data.displayName,
    email: parsed.data.email,
    role: parsed.data.role,
    isActive: parsed.data.isActive === "1",
  });
  if (!result.ok) {
    const errors: FieldErrors = { [result.field]: `admin.errors.${result.error}` };
    return json({ intent: "update", errors, values: formValues(form) }, 400);
  }
  return redirect(`/admin/staff/${target.id}?saved=details`);
}

export default function EditStaff() {
  const { t } = useTranslation();
  const { target, roles, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const updateErrors: FieldErrors = actionData?.intent === "update" ? actionData.errors : {};
  const resetErrors: FieldErrors = actionData?.intent === "reset-password" ? actionData.errors : {};
  // After a refused change, what the administrator typed; otherwise the account as stored.
  const typed: Record<string, string | undefined> = actionData?.intent === "update" ? actionData.values : {};
  const roleOptions = (roles.includes(target.role) ? roles : [target.role, ...roles]).map((r) => ({
    value: r,
    label: t(`roles.${r}`),
  }));
  return (
    <div className="container narrow">
      <h1>{t("admin.editStaffNamed", { username: target.username })}</h1>
      {saved ? (
        <p className="notice success" role="status">
          {saved === "password" ? t("admin.passwordReset") : t("admin.saved")}
        </p>
      ) : null}
      <section aria-labelledby="details-title">
        <h2 id="details-title">{t("admin.details")}</h2>
        <ErrorSummary
          errors={updateErrors}
          labels={{
            displayName: t("admin.displayName"),
            email: t("admin.email"),
            role: t("admin.role"),
            isActive: t("admin.status"),
          }}
        />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="update" />
          <TextField
            name="displayName"
            label={t("admin.displayName")}
            required
            defaultValue={typed.displayName ?? target.display_name}
            error={updateErrors.displayName}
          />
          <TextField
            name="email"
            type="email"
            label={t("admin.email")}
            hint={t("admin.emailHint")}
            autoComplete="off"
            maxLength={STAFF_EMAIL_MAX}
            defaultValue={typed.email ?? target.email ?? ""}
            error={updateErrors.email}
          />
          <SelectField
            name="role"
            label={t("admin.role")}
            defaultValue={typed.role ?? target.role}
            error={updateErrors.role}
            options={roleOptions}
          />
          <SelectField
            name="isActive"
            label={t("admin.status")}
            defaultValue={typed.isActive ?? (target.is_active ? "1" : "0")}
            error={updateErrors.isActive}
            options={[
              { value: "1", label: t("admin.active") },
              { value: "0", label: t("admin.inactive") },
            ]}
          />
          <button type="submit" className="button">
            {t("admin.save")}
          </button>
        </Form>
      </section>
      <section aria-labelledby="password-title">
        <h2 id="password-title">{t("admin.resetPassword")}</h2>
        <p>{t("admin.resetPasswordBody")}</p>
        <ErrorSummary errors={resetErrors} labels={{ password: t("admin.newPassword") }} />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="reset-password" />
          <TextField
            name="password"
            type="password"
            label={t("admin.newPassword")}
            hint={t("admin.passwordHint")}
            required
            autoComplete="new-password"
            error={resetErrors.password}
          />
          <button type="submit" className="button secondary">
            {t("admin.resetPassword")}
          </button>
        </Form>
      </section>
    </div>
  );
}

/** A staff number that does not exist, or one outside the admin's department: 404, naming what was missing. */
export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.staff")}</p> }} />;
}
