import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, SelectField } from "~/components/forms";
import { listDepartments, localName } from "~/models/departments/departments.server";
import { requireUser } from "~/models/staff/auth.server";
import { importStaff, type StaffImportError } from "~/models/staff/import.server";
import { STAFF_IMPORT_COLUMNS } from "~/models/staff/schema";
import { assertFormContentType, bodyReadError, readForm } from "~/utils/body.server";
import { assertCsrf, assertSameOrigin } from "~/utils/csrf.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAccount.import.title");

const ADMINS = ["department_admin", "system_admin"] as const;
/** A staff file is small: the web server's ordinary 1 MB body cap holds 10,000 rows. */
const MAX_BYTES = 1_000_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const locale = await getLocale(request);
  const url = new URL(request.url);
  const created = url.searchParams.get("created");
  return {
    departments:
      user.role === "system_admin"
        ? (await listDepartments(context.db, { activeOnly: true })).map((d) => ({
            id: d.id,
            label: `${d.code} — ${localName(d, locale)}`,
          }))
        : [],
    done:
      created === null
        ? null
        : { created: Number(created) || 0, unchanged: Number(url.searchParams.get("unchanged")) || 0 },
  };
}

type ActionResult = { errors: StaffImportError[]; formError?: string };

/** A file (multipart) or a paste (either encoding). */
async function readImportForm(request: Request): Promise<FormData> {
  assertFormContentType(request);
  const type = request.headers.get("content-type") ?? "";
  if (!/^\s*multipart\/form-data/i.test(type) || !request.body) return readForm(request);
  return unstable_parseMultipartFormData(
    request,
    unstable_createMemoryUploadHandler({ maxPartSize: MAX_BYTES }),
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request, context);
  const user = await requireUser(request, context, ADMINS);
  let form: FormData;
  try {
    form = await readImportForm(request);
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) {
      return json<ActionResult>({ errors: [], formError: "staffAccount.import.errors.tooManyRows" }, 413);
    }
    throw bodyReadError(e);
  }
  assertCsrf(request, context, form);

  // Department administrators: their own department, whatever the form says.
  const departmentId =
    user.role === "system_admin" ? Number(form.get("departmentId")) || 0 : (user.departmentId ?? 0);
  if (!departmentId)
    return json<ActionResult>({ errors: [], formError: "staffAccount.import.errors.department" }, 400);

  const file = form.get("file");
  const pasted = form.get("csv");
  let text = "";
  if (file && typeof file !== "string" && file.size > 0) text = await file.text();
  else if (typeof pasted === "string" && pasted.trim()) text = pasted;
  else return json<ActionResult>({ errors: [], formError: "staffAccount.import.errors.noFile" }, 400);

  const result = await importStaff(
    context.db,
    context.env.PII_KEY,
    { id: user.id, role: user.role, departmentId: user.departmentId },
    departmentId,
    text,
    await getLocale(request),
  );
  if (!result.ok) return json<ActionResult>({ errors: result.errors }, 400);
  return redirect(`/admin/staff/import?created=${result.created}&unchanged=${result.unchanged}`);
}

const EXAMPLE = `username,name,email,role,language
wong.counter,Wong Siu Ming,wong.counter@example.gov.hk,counter_staff,zh-HK
lee.officer,"Lee, Ka Yan",lee.officer@example.gov.hk,case_officer,en`;

export default function ImportStaffPage() {
  const { t } = useTranslation();
  const { departments, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="container narrow">
      <h1>{t("staffAccount.import.title")}</h1>
      <p>{t("staffAccount.import.intro")}</p>
      {done && !actionData ? (
        <p className="notice success" role="status">
          {t("staffAccount.import.done", done)}
        </p>
      ) : null}
      {actionData ? (
        <div className="error-summary" role="alert" aria-labelledby="import-errors-title" tabIndex={-1}>
          <h2 id="import-errors-title">{t("forms.problemTitle")}</h2>
          {actionData.formError ? (
            <p>{t(actionData.formError, { max: 2000 })}</p>
          ) : (
            <>
              <p>{t("staffAccount.import.refused", { count: actionData.errors.length })}</p>
              <ul>
                {actionData.errors.slice(0, 100).map((e) => (
                  <li key={`${e.line}-${e.column}-${e.message}`}>
                    {e.column
                      ? t("staffAccount.import.lineColumn", { line: e.line, column: e.column })
                      : t("staffAccount.import.line", { line: e.line })}{" "}
                    {e.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : null}
      <h2>{t("staffAccount.import.columnsTitle")}</h2>
      <ul>
        {STAFF_IMPORT_COLUMNS.map((c) => (
          <li key={c}>{t(`staffAccount.import.columns.${c}`)}</li>
        ))}
      </ul>
      <p>{t("staffAccount.import.example")}</p>
      <pre>{EXAMPLE}</pre>
      <Form method="post" encType="multipart/form-data">
        <CsrfInput />
        {departments.length > 0 ? (
          <SelectField
            name="departmentId"
            label={t("staffAccount.import.department")}
            options={[
              { value: "", label: t("admin.noDepartment") },
              ...departments.map((d) => ({ value: String(d.id), label: d.label })),
            ]}
          />
        ) : null}
        <div className="field">
          <label htmlFor="field-file">{t("staffAccount.import.file")}</label>
          <input id="field-file" type="file" name="file" accept=".csv,text/csv" />
        </div>
        <div className="field">
          <label htmlFor="field-csv">{t("staffAccount.import.paste")}</label>
          <p className="hint" id="field-csv-hint">
            {t("staffAccount.import.pasteHint")}
          </p>
          <textarea id="field-csv" name="csv" rows={8} aria-describedby="field-csv-hint" />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t("staffAccount.import.submit")}
        </button>
      </Form>
      <p>
        <Link to="/admin/staff">{t("admin.staffTitle")}</Link>
      </p>
    </div>
  );
}
