import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import {
  adminErrors,
  PledgeFields,
  pledgeFieldLabels,
  resultText,
  targetSummary,
  UNMEASURABLE,
} from "~/components/pledges/pledge-form";
import { TableRegion } from "~/components/table-region";
import { lastCompleteMonths } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { listServices } from "~/models/departments/departments.server";
import {
  createPledge,
  listPledges,
  pledgeCodeTaken,
  unmeasurableField,
  versionFields,
} from "~/models/pledges/registry.server";
import { pledgeResults } from "~/models/pledges/results.server";
import { PledgeCodeSchema, PledgeVersionSchema } from "~/models/pledges/schema";
import { satisfactionQuestions } from "~/models/pledges/survey-choices.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pledgesAdmin.list.title");

const ADMINS = ["department_admin"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const departmentId = user.departmentId!;
  const latest = lastCompleteMonths(hkMonth(new Date()), 1)[0]!;
  const [pledges, services, surveys, locale] = await Promise.all([
    listPledges(context.db, { departmentId }),
    listServices(context.db, departmentId, { activeOnly: true }),
    satisfactionQuestions(context.db, departmentId),
    getLocale(request),
  ]);
  const rows = [];
  for (const p of pledges) {
    const [result] = await pledgeResults(context.db, p, [latest]);
    rows.push({
      id: p.id,
      code: p.code,
      status: p.status,
      service: locale.startsWith("zh") ? p.service_zh : p.service_en,
      version: p.version,
      result: result ?? null,
    });
  }
  return {
    latest,
    rows,
    services: services.map((s) => ({ id: s.id, nameEn: s.name_en, nameZh: s.name_zh })),
    surveys,
  };
}

type ActionResult = { errors: FieldErrors; values: Record<string, string>; field?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ADMINS);
  if (form.get("intent") !== "create") throw badRequest();
  const departmentId = user.departmentId!;
  const values = formValues(form);
  const fail = (errors: FieldErrors, field?: string) =>
    json<ActionResult>({ errors: adminErrors(errors), values, field }, { status: 400 });

  const code = parseForm(PledgeCodeSchema, form);
  const parsed = parseForm(PledgeVersionSchema, form);
  if (!code.ok || !parsed.ok)
    return fail({ ...(code.ok ? {} : code.errors), ...(parsed.ok ? {} : parsed.errors) });
  if (await pledgeCodeTaken(context.db, code.data.code))
    return fail({ code: "pledgesAdmin.errors.codeTaken" });
  // A target nobody can measure is refused before anything is stored.
  const field = await unmeasurableField(context.db, departmentId, parsed.data);
  if (field) return fail({ [field]: UNMEASURABLE[field] ?? "pledgesAdmin.errors.notMeasurable" }, field);
  let id: number;
  try {
    id = await createPledge(
      context.db,
      user,
      departmentId,
      code.data.code,
      parsed.data.serviceId,
      versionFields(parsed.data),
    );
  } catch (e) {
    // The same code created at the same moment by someone else.
    if (await pledgeCodeTaken(context.db, code.data.code))
      return fail({ code: "pledgesAdmin.errors.codeTaken" });
    throw e;
  }
  return redirect(`/admin/pledges/${id}?saved=created`);
}

// ---- Shared with the pledge page ----

export default function PledgeRegistry() {
  const { t, i18n } = useTranslation();
  const { latest, rows, services, surveys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const zh = i18n.language.startsWith("zh");
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  return (
    <div className="container">
      <h1>{t("pledgesAdmin.list.title")}</h1>
      <p>{t("pledgesAdmin.list.intro")}</p>
      {rows.length === 0 ? (
        <p>{t("pledgesAdmin.list.none")}</p>
      ) : (
        <TableRegion caption={t("pledgesAdmin.list.title")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("pledgesAdmin.list.code")}</th>
              <th scope="col">{t("pledgesAdmin.list.statement")}</th>
              <th scope="col">{t("pledgesAdmin.list.target")}</th>
              <th scope="col">{t("pledgesAdmin.list.status")}</th>
              <th scope="col">{t("pledgesAdmin.list.latest", { month: latest })}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/admin/pledges/${r.id}`}>{r.code}</Link>
                </td>
                <td>
                  {zh ? r.version.statement_zh : r.version.statement_en}
                  <br />
                  <span className="hint">{r.service}</span>
                </td>
                <td>
                  {t(`pledgesAdmin.kinds.${r.version.target_kind}`)}: {targetSummary(t, r.version, zh)}
                </td>
                <td>
                  <span className={`badge ${r.status}`}>{t(`pledgesAdmin.status.${r.status}`)}</span>
                </td>
                <td>{resultText(t, r.result)}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}

      <section aria-labelledby="new-pledge-title">
        <h2 id="new-pledge-title">{t("pledgesAdmin.create.title")}</h2>
        <p>{t("pledgesAdmin.create.intro")}</p>
        <ErrorSummary errors={errors} labels={pledgeFieldLabels(t)} />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <TextField
            name="code"
            label={t("pledgesAdmin.fields.code")}
            hint={t("pledgesAdmin.hints.code")}
            required
            maxLength={40}
            defaultValue={values.code}
            error={errors.code}
          />
          <PledgeFields values={values} errors={errors} services={services} surveys={surveys} />
          <button type="submit" className="button">
            {t("pledgesAdmin.create.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
