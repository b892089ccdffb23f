import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { findPublicSurvey } from "~/models/surveys/public.server";
import { notFound } from "~/utils/http.server";
import { tFor } from "~/utils/meta";

export const KIOSK_RESET_SECONDS = 5;

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = tFor(root?.locale ?? "en");
  return [{ title: `${t("surveys.thanks.title")} · ${t("app.name")}` }];
};

// Kiosk mode: back to a fresh form after a few seconds, with or without JavaScript. An HTTP
// Refresh header (HTML Living Standard, "shared declarative refresh steps") rather than a meta
// tag: the page itself announces the reset in a status message.
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const headers = new Headers({ "Cache-Control": "no-store" });
  const refresh = loaderHeaders.get("Refresh");
  if (refresh) headers.set("Refresh", refresh);
  return headers;
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const found = await findPublicSurvey(context.db, params.slug ?? "", url.searchParams.get("p"));
  if (found.status === "missing") throw notFound();
  const kiosk = url.searchParams.get("kiosk") === "1";
  const p = url.searchParams.get("p");
  const again = `/s/${params.slug}?${new URLSearchParams({
    ...(p && /^[a-z0-9]{4,16}$/.test(p) ? { p } : {}),
    ...(kiosk ? { kiosk: "1" } : {}),
  })}`;
  return json({ kiosk, again }, { headers: kiosk ? { Refresh: `${KIOSK_RESET_SECONDS};url=${again}` } : {} });
}

export default function Thanks() {
  const { t } = useTranslation();
  const { kiosk, again } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  // The meta refresh only acts on a full page load; after a client-side navigation, a timer does it.
  useEffect(() => {
    if (!kiosk) return;
    const timer = setTimeout(() => navigate(again, { replace: true }), KIOSK_RESET_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [kiosk, again, navigate]);
  return (
    <div className="container narrow">
      <h1>{t("surveys.thanks.title")}</h1>
      <p>{t("surveys.thanks.body")}</p>
      {kiosk ? (
        <p className="notice" role="status">
          {t("surveys.thanks.kiosk", { seconds: KIOSK_RESET_SECONDS })}
        </p>
      ) : null}
      <p>
        {kiosk ? (
          <Link to={again} replace>
            {t("surveys.thanks.next")}
          </Link>
        ) : (
          <Link to="/">{t("errors.backHome")}</Link>
        )}
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.publicSurvey")}</p> }} />;
}
