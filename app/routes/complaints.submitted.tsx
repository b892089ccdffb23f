import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { handlingPledge } from "~/models/cases/intake.server";
import { normaliseReference } from "~/models/cases/reference";
import { notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "complaints.submitted.title");

// The reference is the citizen's key to the case: keep the page out of shared caches.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The confirmation: the reference and what the department pledges. It reads nothing of the case
 * itself, only the department named in the reference, so the address tells a stranger nothing.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const reference = normaliseReference(url.searchParams.get("ref") ?? "");
  if (!reference) throw notFound();
  const pledge = await handlingPledge(context.db, reference.split("-")[0]!, await getLocale(request));
  if (!pledge) throw notFound();
  return json(
    { reference, pledge, emailGiven: url.searchParams.get("email") === "1" },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function ComplaintSubmitted() {
  const { t } = useTranslation();
  const { reference, pledge, emailGiven } = useLoaderData<typeof loader>();
  const unit = (u: string) => (u === "working" ? "Working" : "Calendar");
  return (
    <div className="container narrow">
      <h1>{t("complaints.submitted.title")}</h1>
      <div className="notice success">
        <p>{t("complaints.submitted.referenceLabel")}</p>
        <p className="case-reference">
          <strong className="nowrap">{reference}</strong>
        </p>
        <p>{t("complaints.submitted.keep")}</p>
      </div>
      <h2>{t("complaints.submitted.nextTitle")}</h2>
      <p>
        {t(`complaints.submitted.ack${unit(pledge.ackUnit)}`, {
          department: pledge.departmentName,
          count: pledge.ackDays,
        })}{" "}
        {t(`complaints.submitted.reply${unit(pledge.replyUnit)}`, { count: pledge.replyDays })}
      </p>
      <p>{t("complaints.submitted.clockNote")}</p>
      {emailGiven ? <p>{t("complaints.submitted.emailed")}</p> : null}
      <h2>{t("complaints.submitted.trackTitle")}</h2>
      <p>{t("complaints.submitted.trackBody")}</p>
      <p>
        <Link to="/track">{t("complaints.submitted.trackLink")}</Link>
      </p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.complaint")}</p> }} />;
}
