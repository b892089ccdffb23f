import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { DepartmentRows, FiguresTable, PeriodFigures } from "~/components/reviews/review-table";
import { returnForCorrection } from "~/models/reviews/returns.server";
import { getRound, publishRound, REVIEW_CENTRAL_ROLES } from "~/models/reviews/rounds.server";
import { ReturnForCorrectionSchema } from "~/models/reviews/schema";
import { buildReviewTable } from "~/models/reviews/table.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/**
 * A round's review table for the central bureau: the paper's figures declared beside evidenced,
 * the period's targets met and pledge figures, each department's return, and the actions on them.
 */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reviews.table.title");

async function requireRound(
  context: LoaderFunctionArgs["context"],
  user: SessionUser,
  raw: string | undefined,
) {
  const round = await getRound(context.db, Number(raw));
  if (!round) throw await denyAccess(context, user, "missing", { type: "review_round", id: raw ?? "" });
  return round;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  const round = await requireRound(context, user, params.id);
  const table = await buildReviewTable(context.db, round.id);
  return { table, saved: new URL(request.url).searchParams.get("saved") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  const round = await requireRound(context, user, params.id);
  const intent = form.get("intent");
  if (intent === "return") {
    const parsed = parseForm(ReturnForCorrectionSchema, form);
    if (!parsed.ok) return json({ error: parsed.errors.reason ?? "reviews.errors.reason" }, 400);
    const r = await returnForCorrection(context.db, user, { roundId: round.id, ...parsed.data });
    if (!r.ok) return json({ error: `reviews.errors.${r.error}` }, 409);
    return redirect(`/central/reviews/${round.id}?saved=returned`);
  }
  if (intent === "publish") {
    const r = await publishRound(context.db, user, round.id);
    if (!r.ok) return json({ error: "reviews.errors.roundNotOpen" }, 409);
    return redirect(`/central/reviews/${round.id}?saved=published`);
  }
  throw badRequest();
}

export default function CentralReview() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const { table, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const r = table.round;
  const base = `/central/reviews/${r.id}`;
  return (
    <div className="container">
      <p>
        <Link to="/central/reviews">{t("reviews.central.back")}</Link>
      </p>
      <h1>{t("reviews.table.title")}</h1>
      <p>
        {t("reviews.period", { from: f.month(r.periodFrom), to: f.month(r.periodTo) })} ·{" "}
        {t("reviews.deadlineOn", { date: f.date(r.deadline) })} · {t(`reviews.roundStatus.${r.status}`)}
      </p>
      {saved === "returned" || saved === "published" ? (
        <p className="notice success" role="status">
          {t(`reviews.table.saved.${saved}`)}
        </p>
      ) : null}
      <ErrorSummary errors={{}} labels={{}} formError={actionData?.error ?? null} />
      <ul className="actions review-downloads">
        <li>
          <a href={`${base}.xlsx`}>{t("reviews.table.downloadXlsx")}</a>
        </li>
        <li>
          <a href={`${base}.pdf`}>{t("reviews.table.downloadPdf")}</a>
        </li>
        <li>
          <a href={`${base}.json`}>{t("reviews.table.downloadJson")}</a>
        </li>
        {r.status === "open" ? (
          <li>
            <a href={`${base}/import`}>{t("reviews.table.importCsv")}</a>
          </li>
        ) : null}
      </ul>
      <h2>{t("reviews.table.figuresTitle")}</h2>
      <p>{t("reviews.table.figuresIntro")}</p>
      <FiguresTable figures={table.figures} />
      <PeriodFigures table={table} />
      <h2>{t("reviews.table.departmentsTitle")}</h2>
      <p>{t("reviews.table.departmentsIntro")}</p>
      <DepartmentRows table={table} zh={i18n.language.startsWith("zh")} canReturn={r.status === "open"} />
      {r.status === "open" ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="publish" />
          <h2>{t("reviews.table.publishTitle")}</h2>
          <p>{t("reviews.table.publishIntro")}</p>
          <button type="submit" className="button">
            {t("reviews.table.publish")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("reviews.notFound")}</p> }} />;
}
