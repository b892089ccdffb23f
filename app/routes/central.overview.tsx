import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { usePledgeFormats } from "~/components/pledges/pledge-public";
import { governmentOverview, type ShareFigure } from "~/models/pledges/overview.server";
import { requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

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

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pledges.overview.title");

/** The whole government's pledges for the central reviewer: the paper's figures, from our data. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, ["central_reviewer", "system_admin"]);
  const [locale, overview] = await Promise.all([
    getLocale(request),
    governmentOverview(context.db, new Date()),
  ]);
  return { locale, overview };
}

export default function CentralOverview() {
  const { t } = useTranslation();
  const { locale, overview: o } = useLoaderData<typeof loader>();
  const f = usePledgeFormats(locale);
  const zh = locale.startsWith("zh");
  const shareText = (s: ShareFigure) =>
    s.share === null
      ? t("pledges.overview.noFigure")
      : t("pledges.overview.share", {
          share: f.share(s.share),
          n: f.count(s.count),
          total: f.count(s.total),
        });
  const rows: { key: string; label: string; ours: string; paper: string }[] = [
    {
      key: "departments",
      label: t("pledges.overview.rows.departments"),
      ours: f.count(o.departments),
      paper: f.count(PAPER.departments),
    },
    {
      key: "pledges",
      label: t("pledges.overview.rows.pledges"),
      ours: f.count(o.pledges),
      paper: t("pledges.overview.paperValues.about", { n: f.count(PAPER.pledges) }),
    },
    {
      key: "external",
      label: t("pledges.overview.rows.external"),
      ours: shareText(o.external),
      paper: f.share(PAPER.external),
    },
    {
      key: "efficiency",
      label: t("pledges.overview.rows.efficiency"),
      ours: shareText(o.efficiency),
      paper: f.share(PAPER.efficiency),
    },
    ...o.targetsMet.map((y) => ({
      key: `met-${y.period}`,
      label: y.toDate
        ? t("pledges.overview.rows.targetsMetYtd", { year: y.period })
        : t("pledges.overview.rows.targetsMetYear", { year: y.period }),
      ours: shareText({ count: y.met, total: y.judged, share: y.share }),
      paper: t("pledges.overview.paperValues.yearlyAverage", { n: f.share(PAPER.targetsMet) }),
    })),
    {
      key: "publishing",
      label: t("pledges.overview.rows.publishing"),
      ours: shareText(o.publishing),
      paper: f.share(PAPER.publishing),
    },
    {
      key: "changed",
      label: t("pledges.overview.rows.changed"),
      ours: shareText(o.changed.all),
      paper: t("pledges.overview.paperValues.over", { n: f.share(PAPER.changed) }),
    },
    {
      key: "strengthened",
      label: t("pledges.overview.rows.strengthened"),
      ours: shareText(o.changed.strengthened),
      paper: f.share(PAPER.strengthened),
    },
    {
      key: "newService",
      label: t("pledges.overview.rows.newService"),
      ours: shareText(o.changed.newService),
      paper: f.share(PAPER.newService),
    },
    {
      key: "retired",
      label: t("pledges.overview.rows.retired"),
      ours: shareText(o.changed.retired),
      paper: f.share(PAPER.retired),
    },
  ];
  const since = f.date(`${o.changed.since}T00:00:00+08:00`);
  return (
    <div className="container">
      <h1>{t("pledges.overview.title")}</h1>
      <p className="lead">{t("pledges.overview.lead")}</p>
      <p>{t("pledges.overview.asOf", { date: f.date(o.generatedAt), month: f.month(o.lastMonth) })}</p>

      <h2>{t("pledges.overview.figuresTitle")}</h2>
      <div className="table-wrap">
        <table data-testid="overview-figures">
          <caption>{t("pledges.overview.figuresCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("pledges.overview.figure")}</th>
              <th scope="col">{t("pledges.overview.ours")}</th>
              <th scope="col">{t("pledges.overview.paper")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-figure={r.key}>
                <th scope="row">{r.label}</th>
                <td>{r.ours}</td>
                <td>{r.paper}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t("pledges.overview.definitionsTitle")}</h2>
      <ul>
        <li>{t("pledges.overview.definitions.pledges")}</li>
        <li>{t("pledges.overview.definitions.targetsMet", { month: f.month(o.lastMonth) })}</li>
        <li>
          {t("pledges.overview.definitions.publishing", {
            from: f.month(o.months[0] ?? o.lastMonth),
            to: f.month(o.lastMonth),
          })}
        </li>
        <li>{t("pledges.overview.definitions.changed", { since })}</li>
      </ul>

      <h2>{t("pledges.overview.perDepartmentTitle")}</h2>
      <div className="table-wrap">
        <table>
          <caption>{t("pledges.overview.perDepartmentCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("pledges.overview.department")}</th>
              <th scope="col">{t("pledges.overview.pledges")}</th>
              <th scope="col">{t("pledges.overview.metThisYear", { year: o.currentYear })}</th>
              <th scope="col">{t("pledges.overview.latest", { month: f.month(o.lastMonth) })}</th>
            </tr>
          </thead>
          <tbody>
            {o.perDepartment.map((d) => (
              <tr key={d.code}>
                <th scope="row">
                  <Link to={`/pledges/${d.code}`}>{zh ? d.zh : d.en}</Link>
                </th>
                <td>{f.count(d.pledges)}</td>
                <td>
                  {d.ytd.share === null
                    ? t("pledges.overview.noFigure")
                    : t("pledges.overview.metCell", {
                        share: f.share(d.ytd.share),
                        met: f.count(d.ytd.met),
                        judged: f.count(d.ytd.judged),
                      })}
                </td>
                <td>
                  {t("pledges.overview.latestCell", {
                    met: f.count(d.latest.met),
                    notMet: f.count(d.latest.notMet),
                    insufficient: f.count(d.latest.insufficient),
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
