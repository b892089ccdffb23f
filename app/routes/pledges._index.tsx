import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DepartmentSections, TOP_ID } from "~/components/pledges/department-sections";
import { FiguresUpToDate } from "~/components/pledges/figures-up-to-date";
import { OpenDataLinks, usePledgeFormats } from "~/components/pledges/pledge-public";
import { PledgesSummary } from "~/components/pledges/pledges-summary";
import { publicPledgeView } from "~/models/pledges/public.server";
import {
  countPublishedPledges,
  FULL_PAGE_PLEDGES,
  publicSummary,
} from "~/models/pledges/public-summary.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pledges.public.title");

/** "Our pledges": every department's published pledges beside their results (paper §6). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const now = new Date();
  const locale = await getLocale(request);
  // At the paper's scale (1,200 pledges) the page lists departments; each has its own page.
  if ((await countPublishedPledges(context.db)) > FULL_PAGE_PLEDGES)
    return { locale, view: null, summary: await publicSummary(context.db, now) };
  const view = await publicPledgeView(context.db, { now });
  return { locale, view: view!, summary: null };
}

export default function Pledges() {
  const { t } = useTranslation();
  const { locale, view, summary } = useLoaderData<typeof loader>();
  const f = usePledgeFormats(locale);
  if (!view) return <PledgesSummary summary={summary!} locale={locale} />;
  const zh = locale.startsWith("zh");
  const name = (d: { en: string; zh: string }) => (zh ? d.zh : d.en);
  const publishing = view.departments.filter((d) => d.pledges.length > 0);
  const silent = view.departments.filter((d) => d.pledges.length === 0);
  return (
    <div className="container pledges-page">
      <h1 id={TOP_ID}>{t("pledges.public.title")}</h1>
      <p className="lead">{t("pledges.public.lead")}</p>
      <p>
        {t("pledges.public.asOf", {
          month: f.month(view.months.at(-1) ?? ""),
          date: f.date(view.generatedAt),
        })}
      </p>
      <FiguresUpToDate at={view.resultsComputedAt} locale={locale} />
      {publishing.length === 0 ? <p className="notice">{t("pledges.public.noneAnywhere")}</p> : null}
      {publishing.length > 0 ? (
        <DepartmentSections departments={publishing} locale={locale} month={view.months.at(-1) ?? ""} />
      ) : null}
      {silent.length > 0 ? (
        <section aria-labelledby="pledges-silent">
          <h2 id="pledges-silent">{t("pledges.public.withoutPledges")}</h2>
          <ul className="tap-list">
            {silent.map((d) => (
              <li key={d.code}>
                <Link to={`/pledges/${d.code}`}>{name(d)}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <OpenDataLinks />
    </div>
  );
}
