import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { listRounds, openRound, REVIEW_CENTRAL_ROLES } from "~/models/reviews/rounds.server";
import { OpenRoundSchema } from "~/models/reviews/schema";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { parseForm } from "~/utils/forms";
import { pageTitle } from "~/utils/meta";

/** The central bureau's review rounds: open one for the 36 months ending at a month, and the rounds so far. */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reviews.central.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  const rounds = await listRounds(context.db);
  return {
    rounds: rounds.map((r) => ({
      id: r.id,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      deadline: r.deadline,
      status: r.status,
      submitted: r.submitted,
      late: r.late,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  const parsed = parseForm(OpenRoundSchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, 400);
  const id = await openRound(context.db, user, parsed.data);
  return redirect(`/central/reviews/${id}`);
}

export default function CentralReviews() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const { rounds } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? {};
  return (
    <div className="container">
      <h1>{t("reviews.central.title")}</h1>
      <p>{t("reviews.central.intro")}</p>
      <h2>{t("reviews.central.listTitle")}</h2>
      {rounds.length === 0 ? (
        <p>{t("reviews.central.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t("reviews.central.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reviews.columns.period")}</th>
                <th scope="col">{t("reviews.columns.deadline")}</th>
                <th scope="col">{t("reviews.columns.roundStatus")}</th>
                <th scope="col">{t("reviews.columns.submitted")}</th>
                <th scope="col">{t("reviews.columns.late")}</th>
              </tr>
            </thead>
            <tbody>
              {rounds.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/central/reviews/${r.id}`}>
                      {t("reviews.period", { from: f.month(r.periodFrom), to: f.month(r.periodTo) })}
                    </Link>
                  </td>
                  <td className="nowrap">{f.date(r.deadline)}</td>
                  <td>{t(`reviews.roundStatus.${r.status}`)}</td>
                  <td>{r.submitted}</td>
                  <td>{r.late}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t("reviews.central.openTitle")}</h2>
      <Form method="post" noValidate>
        <CsrfInput />
        <ErrorSummary
          errors={errors}
          labels={{ periodTo: t("reviews.central.periodTo"), deadline: t("reviews.central.deadline") }}
        />
        <div className={`field${errors.periodTo ? " field-error" : ""}`}>
          <label htmlFor="field-periodTo">{t("reviews.central.periodTo")}</label>
          <p className="hint" id="field-periodTo-hint">
            {t("reviews.central.periodToHint")}
          </p>
          {errors.periodTo ? (
            <p className="error-message" id="field-periodTo-error">
              {t(errors.periodTo)}
            </p>
          ) : null}
          <input
            id="field-periodTo"
            name="periodTo"
            type="month"
            defaultValue={values.periodTo ?? ""}
            aria-describedby={`field-periodTo-hint${errors.periodTo ? " field-periodTo-error" : ""}`}
          />
        </div>
        <div className={`field${errors.deadline ? " field-error" : ""}`}>
          <label htmlFor="field-deadline">{t("reviews.central.deadline")}</label>
          <p className="hint" id="field-deadline-hint">
            {t("reviews.central.deadlineHint")}
          </p>
          {errors.deadline ? (
            <p className="error-message" id="field-deadline-error">
              {t(errors.deadline)}
            </p>
          ) : null}
          <input
            id="field-deadline"
            name="deadline"
            type="date"
            defaultValue={values.deadline ?? ""}
            aria-describedby={`field-deadline-hint${errors.deadline ? " field-deadline-error" : ""}`}
          />
        </div>
        <button type="submit" className="button">
          {t("reviews.central.open")}
        </button>
      </Form>
    </div>
  );
}
