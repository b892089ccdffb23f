import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FiguresUpToDate } from "~/components/pledges/figures-up-to-date";
import { OpenDataLinks, PledgeArticle, usePledgeFormats } from "~/components/pledges/pledge-public";
import { publicPledgeView } from "~/models/pledges/public.server";
import { notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => {
  const d = data?.view.departments[0];
  const zh = data?.locale.startsWith("zh");
  return pageTitle(matches, "pledges.public.departmentTitle", {
    department: d ? (zh ? d.zh : d.en) : "",
  });
};

/** One department's published pledges beside their results; the code in any case, unknown → 404. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const [locale, view] = await Promise.all([
    getLocale(request),
    publicPledgeView(context.db, { department: params.dept ?? "", now: new Date() }),
  ]);
  if (!view) throw notFound();
  return { locale, view };
}

export default function DepartmentPledges() {
  const { t } = useTranslation();
  const { locale, view } = useLoaderData<typeof loader>();
  const f = usePledgeFormats(locale);
  const d = view.departments[0]!;
  const name = locale.startsWith("zh") ? d.zh : d.en;
  return (
    <div className="container pledges-page" data-department={d.code}>
      <h1>{t("pledges.public.departmentTitle", { department: name })}</h1>
      <p className="lead">{t("pledges.public.departmentLead", { department: name })}</p>
      <p>
        {t("pledges.public.asOf", {
          month: f.month(view.months.at(-1) ?? ""),
          date: f.date(view.generatedAt),
        })}
      </p>
      <FiguresUpToDate at={view.resultsComputedAt} locale={locale} />
      {d.pledges.length === 0 ? (
        <p className="notice">{t("pledges.public.noPledges")}</p>
      ) : (
        <p>{t("pledges.public.summary", { count: d.pledges.length })}</p>
      )}
      {d.pledges.map((p) => (
        <PledgeArticle key={p.code} pledge={p} locale={locale} level={2} />
      ))}
      <OpenDataLinks department={{ code: d.code, name }} />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.department")}</p> }} />;
}
