import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FiguresUpToDate } from "~/components/pledges/figures-up-to-date";
import { usePledgeFormats } from "~/components/pledges/pledge-public";
import { TableRegion } from "~/components/table-region";
import {
  governmentOverview,
  lastCompleteMonth,
  parseOverviewEnd,
  type ShareFigure,
} from "~/models/pledges/overview.server";
import { requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle, tFor } from "~/utils/meta";

/**
 * The figures of the 2009 review (LegCo paper CB(1)1959/08-09(01); shared/domain.md): 75 bureaux
 * and departments, about 1,200 pledges, 91% for external customers, 92% about efficiency, 95% of
 * targets met a year over three years, 86% publishing targets with results, over 30% changed in
 * three years (20% strengthened, 8% new services, 3% retired).
 */
const PAPER = {
  departments: 75,
  pledges: 1200,
  external: 0.91,
  efficiency: 0.92,
  targetsMet: 0.95,
  publishing: 0.86,
  changed: 0.3,
  strengthened: 0.2,
  newService: 0.08,
  retired: 0.03,
} as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "storedResults.overview.title");

/**
 * The whole government's pledges for the central reviewer over the three years ending at `?end=`
 * (default: the last complete month), from the stored results; a bad `end` is a 400 with the form.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, ["central_reviewer", "system_admin"]);
  const locale = await getLocale(request);
  const now = new Date();
  const raw = new URL(request.url).searchParams.get("end");
  const end = parseOverviewEnd(raw, now);
  const latest = lastCompleteMonth(now);
  if (end === null) {
    const error = tFor(locale)("storedResults.overview.badEnd", { month: latest });
    return json({ locale, latest, asked: raw ?? "", error, overview: null }, { status: 400 });
  }
  const overview = await governmentOverview(context.db, end);
  return json({ locale, latest, asked: end, error: null, overview });
}

export default function CentralOverview() {
  const { t } = useTranslation();
  const { locale, latest, asked, error, overview: o } = useLoaderData<typeof loader>();
  const f = usePledgeFormats(locale);
  const shareText = (s: ShareFigure) =>
    s.share === null
      ? t("storedResults.overview.noFigure")
      : t("storedResults.overview.shareOf", {
          share: f.share(s.share),
          n: f.count(s.count),
          total: f.count(s.total),
        });
  const rows = o
    ? [
        { key: "departments", ours: f.count(o.departments), paper: f.count(PAPER.departments) },
        {
          key: "pledges",
          ours: f.count(o.pledges),
          paper: t("pledges.overview.paperValues.about", { n: f.count(PAPER.pledges) }),
        },
        {
          key: "targetsMet",
          ours: o.mean === null ? t("storedResults.overview.noFigure") : f.share(o.mean),
          paper: t("pledges.overview.paperValues.yearlyAverage", { n: f.share(PAPER.targetsMet) }),
        },
        { key: "external", ours: shareText(o.shares.external), paper: f.share(PAPER.external) },
        { key: "internal", ours: shareText(o.shares.internal), paper: f.share(1 - PAPER.external) },
        { key: "efficiency", ours: shareText(o.shares.efficiency), paper: f.share(PAPER.efficiency) },
        { key: "quality", ours: shareText(o.shares.quality), paper: f.share(1 - PAPER.efficiency) },
        {
          key: "changed",
          ours: shareText(o.shares.changed),
          paper: t("pledges.overview.paperValues.over", { n: f.share(PAPER.changed) }),
        },
        { key: "strengthened", ours: shareText(o.shares.strengthened), paper: f.share(PAPER.strengthened) },
        { key: "newService", ours: shareText(o.shares.newService), paper: f.share(PAPER.newService) },
        { key: "retired", ours: shareText(o.shares.retired), paper: f.share(PAPER.retired) },
      ]
    : [];
  return (
    <div className="container">
      <h1>{t("storedResults.overview.title")}</h1>
      <p className="lead">{t("storedResults.overview.lead")}</p>

      <h2 id="overview-period">{t("storedResults.overview.periodTitle")}</h2>
      <Form method="get" aria-labelledby="overview-period">
        <div className="field">
          <label htmlFor="overview-end">{t("storedResults.overview.endLabel")}</label>
          <p id="overview-end-hint" className="hint">
            {t("storedResults.overview.endHint")}
          </p>
          {error ? (
            <p id="overview-end-error" className="error" role="alert">
              {error}
            </p>
          ) : null}
          <input
            id="overview-end"
            name="end"
            type="month"
            pattern="[0-9]{4}-[0-9]{2}"
            max={latest}
            defaultValue={asked}
            aria-describedby={error ? "overview-end-hint overview-end-error" : "overview-end-hint"}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <button type="submit" className="button secondary">
          {t("storedResults.overview.show")}
        </button>
      </Form>

      {o ? (
        <>
          <p>
            {t("storedResults.overview.window", {
              from: f.month(o.months[0]!),
              to: f.month(o.end),
            })}
          </p>
          <FiguresUpToDate at={o.resultsComputedAt} locale={locale} />

          <h2>{t("storedResults.overview.yearsTitle")}</h2>
          <TableRegion caption={t("storedResults.overview.yearsCaption")} data-testid="overview-years">
            <thead>
              <tr>
                <th scope="col">{t("storedResults.overview.year")}</th>
                <th scope="col">{t("storedResults.overview.withResult")}</th>
                <th scope="col">{t("storedResults.overview.met")}</th>
                <th scope="col">{t("storedResults.overview.share")}</th>
              </tr>
            </thead>
            <tbody>
              {o.years.map((y) => (
                <tr key={y.from} data-year={y.to}>
                  <th scope="row">
                    {t("storedResults.overview.yearRange", { from: f.month(y.from), to: f.month(y.to) })}
                  </th>
                  <td>{f.count(y.withResult)}</td>
                  <td>{f.count(y.met)}</td>
                  <td>{y.share === null ? t("storedResults.overview.noFigure") : f.share(y.share)}</td>
                </tr>
              ))}
              <tr data-year="mean">
                <th scope="row">{t("storedResults.overview.mean")}</th>
                <td />
                <td />
                <td>{o.mean === null ? t("storedResults.overview.noFigure") : f.share(o.mean)}</td>
              </tr>
            </tbody>
          </TableRegion>

          <h2>{t("storedResults.overview.figuresTitle")}</h2>
          <TableRegion caption={t("storedResults.overview.figuresCaption")} data-testid="overview-figures">
            <thead>
              <tr>
                <th scope="col">{t("storedResults.overview.figure")}</th>
                <th scope="col">{t("storedResults.overview.ours")}</th>
                <th scope="col">{t("storedResults.overview.paper")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-figure={r.key}>
                  <th scope="row">{t(`storedResults.overview.rows.${r.key}`)}</th>
                  <td>{r.ours}</td>
                  <td>{r.paper}</td>
                </tr>
              ))}
            </tbody>
          </TableRegion>

          <h2>{t("storedResults.overview.definitionsTitle")}</h2>
          <ul>
            <li>{t("storedResults.overview.definitions.result")}</li>
            <li>{t("storedResults.overview.definitions.share")}</li>
            <li>{t("storedResults.overview.definitions.window")}</li>
            <li>{t("storedResults.overview.definitions.changed")}</li>
          </ul>
        </>
      ) : null}
    </div>
  );
}
