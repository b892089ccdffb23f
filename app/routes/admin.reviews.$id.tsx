import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ReturnForm } from "~/components/reviews/return-form";
import { saveReturn } from "~/models/reviews/returns.server";
import { getRound } from "~/models/reviews/rounds.server";
import { parseAnswers } from "~/models/reviews/schema";
import { viewReturn } from "~/models/reviews/view.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { formValues } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/**
 * A department administrator's return for a round: only their own department's, ever (the
 * department comes from the session, never the URL). Draft, submit (locked), and after the
 * central bureau returns it, correct and resubmit.
 */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reviews.admin.returnTitle");

async function roundFor(context: LoaderFunctionArgs["context"], user: SessionUser, raw: string | undefined) {
  const round = user.departmentId != null ? await getRound(context.db, Number(raw)) : undefined;
  if (!round || user.departmentId == null || user.departmentCode == null)
    throw await denyAccess(context, user, "department", { type: "review_round", id: raw ?? "" });
  return { round, department: { id: user.departmentId, code: user.departmentCode } };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin"]);
  const { round, department } = await roundFor(context, user, params.id);
  const view = await viewReturn(context.db, round, department);
  return {
    round: {
      id: round.id,
      periodFrom: round.period_from,
      periodTo: round.period_to,
      deadline: round.deadline,
      status: round.status,
    },
    view,
    saved: new URL(request.url).searchParams.get("saved"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ["department_admin"]);
  const { round, department } = await roundFor(context, user, params.id);
  const intent = form.get("intent");
  if (intent !== "draft" && intent !== "submit") throw badRequest();
  const submit = intent === "submit";
  const get = (n: string) => {
    const v = form.get(n);
    return typeof v === "string" ? v : null;
  };
  const parsed = parseAnswers(get, submit);
  if (!parsed.ok) return json({ errors: parsed.errors, values: formValues(form), formError: null }, 400);
  const r = await saveReturn(context.db, user, {
    roundId: round.id,
    departmentId: department.id,
    answers: parsed.answers,
    submit,
  });
  if (!r.ok)
    return json({ errors: {}, values: formValues(form), formError: `reviews.errors.${r.error}` }, 409);
  return redirect(`/admin/reviews/${round.id}?saved=${submit ? (r.late ? "late" : "submitted") : "draft"}`);
}

export default function AdminReview() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const { round, view, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="container">
      <p>
        <Link to="/admin/reviews">{t("reviews.admin.back")}</Link>
      </p>
      <h1>{t("reviews.admin.returnTitle")}</h1>
      <p>
        {t("reviews.period", { from: f.month(round.periodFrom), to: f.month(round.periodTo) })} ·{" "}
        {t("reviews.deadlineOn", { date: f.date(round.deadline) })}
      </p>
      <p>{t("reviews.admin.returnIntro")}</p>
      {saved ? (
        <p className="notice success" role="status">
          {t(
            `reviews.admin.saved.${saved === "late" ? "late" : saved === "submitted" ? "submitted" : "draft"}`,
          )}
        </p>
      ) : null}
      <p>
        <strong>{t("reviews.columns.returnStatus")}:</strong> {t(`reviews.returnStatus.${view.status}`)}
        {view.isLate ? ` (${t("reviews.late")})` : ""}
      </p>
      {view.returnReason ? (
        <div className="notice" role="note">
          <h2>{t("reviews.admin.returnedTitle")}</h2>
          <p>{view.returnReason}</p>
        </div>
      ) : null}
      {view.status === "submitted" ? <p className="notice">{t("reviews.admin.locked")}</p> : null}
      <ReturnForm
        answers={view.answers}
        values={actionData?.values ?? null}
        evidence={view.evidence}
        errors={actionData?.errors ?? {}}
        formError={actionData?.formError ?? null}
        editable={view.editable}
      />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("reviews.notFound")}</p> }} />;
}
