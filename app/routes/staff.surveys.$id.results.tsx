import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TrendChart } from "~/components/reports/charts";
import { QuestionCard, useFormats } from "~/components/surveys/question-results";
import { denyAccess, requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { getSurvey, listCollectionPoints } from "~/models/surveys/lookup.server";
import { getSurveyResults } from "~/models/surveys/results.server";
import { filterQuery, parseResultsFilter } from "~/models/surveys/results-filter.server";
import { RESPONSE_CHANNELS, RESPONSE_LANGUAGES } from "~/models/surveys/schema";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "results.pageTitle", { title: data?.results.title ?? "" });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = Number(params.id);
  const survey = Number.isSafeInteger(id)
    ? await getSurvey(context.db, id, seesAllDepartments(user) ? null : user.departmentId)
    : undefined;
  if (!survey) throw await denyAccess(context, user, "department", { type: "survey", id: params.id ?? "" });
  const locale = await getLocale(request);
  const filter = parseResultsFilter(new URL(request.url).searchParams);
  const [results, points] = await Promise.all([
    getSurveyResults(context.db, survey, filter, locale),
    listCollectionPoints(context.db, survey.id),
  ]);
  return {
    locale,
    surveyId: survey.id,
    results,
    query: filterQuery(filter),
    points: points.map((p) => ({ id: p.id, name: locale.startsWith("zh") ? p.name_zh : p.name_en })),
  };
}

export default function SurveyResultsPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { results, points, query, surveyId, locale } = data;
  const f = useFormats(locale);
  const filter = results.filter;
  const trendQ = results.trendQuestion;
  const overall = results.questions.find((q) => q.key === trendQ?.key);
  return (
    <div className="container">
      <p>
        <Link to="/staff/surveys">{t("results.back")}</Link>
      </p>
      <h1>{results.title}</h1>
      <p className="lead">{t("results.intro")}</p>

      <form method="get" aria-labelledby="results-filters">
        <h2 id="results-filters">{t("results.filters.title")}</h2>
        <div style={{ display: "flex", flexWrap: "wrap", gap: "0 1.5rem" }}>
          <div className="field" style={{ flex: "1 1 11rem" }}>
            <label htmlFor="field-from">{t("results.filters.from")}</label>
            <p className="hint" id="hint-months">
              {t("results.filters.monthHint")}
            </p>
            <input
              id="field-from"
              name="from"
              type="month"
              defaultValue={filter.from}
              pattern="\d{4}-\d{2}"
              aria-describedby="hint-months"
            />
          </div>
          <div className="field" style={{ flex: "1 1 11rem" }}>
            <label htmlFor="field-to">{t("results.filters.to")}</label>
            <p className="hint" aria-hidden="true">
              &nbsp;
            </p>
            <input
              id="field-to"
              name="to"
              type="month"
              defaultValue={filter.to}
              pattern="\d{4}-\d{2}"
              aria-describedby="hint-months"
            />
          </div>
        </div>
        <div style={{ display: "flex", flexWrap: "wrap", gap: "0 1.5rem" }}>
          <div className="field" style={{ flex: "1 1 11rem" }}>
            <label htmlFor="field-point">{t("results.filters.point")}</label>
            <select id="field-point" name="point" defaultValue={filter.collectionPointId ?? ""}>
              <option value="">{t("results.filters.all")}</option>
              {points.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field" style={{ flex: "1 1 11rem" }}>
            <label htmlFor="field-channel">{t("results.filters.channel")}</label>
            <select id="field-channel" name="channel" defaultValue={filter.channel ?? ""}>
              <option value="">{t("results.filters.all")}</option>
              {RESPONSE_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`results.channels.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field" style={{ flex: "1 1 11rem" }}>
            <label htmlFor="field-language">{t("results.filters.language")}</label>
            <select id="field-language" name="language" defaultValue={filter.language ?? ""}>
              <option value="">{t("results.filters.all")}</option>
              {RESPONSE_LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`results.languages.${l}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p
          className="actions"
          style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem 1rem", alignItems: "center" }}
        >
          <button type="submit" className="button">
            {t("results.filters.apply")}
          </button>
          <a href={`/staff/surveys/${surveyId}/results`}>{t("results.filters.clear")}</a>
        </p>
      </form>

      <h2>{t("results.summary.title")}</h2>
      <p>{t("results.summary.period", { from: f.month(filter.from), to: f.month(filter.to) })}</p>
      <ul className="cards">
        <li className="card">
          <h3>{t("results.summary.responses")}</h3>
          <p style={{ fontSize: "2rem", fontWeight: 700, color: "inherit" }}>
            {f.count(results.totalResponses)}
          </p>
        </li>
        {overall?.type === "rating5" ? (
          <>
            <li className="card">
              <h3>{t("results.summary.satisfied", { question: overall.prompt })}</h3>
              <p style={{ fontSize: "2rem", fontWeight: 700, color: "inherit" }}>
                {overall.topTwoBox === null ? "—" : f.percent(overall.topTwoBox)}
              </p>
              <p>{t("results.summary.satisfiedHint", { question: overall.prompt })}</p>
            </li>
            <li className="card">
              <h3>{t("results.summary.average")}</h3>
              <p style={{ fontSize: "2rem", fontWeight: 700, color: "inherit" }}>
                {overall.average === null ? "—" : f.decimal(overall.average)}
              </p>
              <p>{t("results.summary.averageHint")}</p>
            </li>
          </>
        ) : null}
      </ul>

      <h2>{t("results.export.title")}</h2>
      <p>{t("results.export.body")}</p>
      <p style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem 1rem" }}>
        <a className="button secondary" href={`/staff/surveys/${surveyId}/export.csv?${query}`}>
          {t("results.export.csv")}
        </a>
        <a className="button secondary" href={`/staff/surveys/${surveyId}/export.xlsx?${query}`}>
          {t("results.export.xlsx")}
        </a>
      </p>

      {results.totalResponses === 0 ? <p className="notice">{t("results.none")}</p> : null}

      <h2>{t("results.trend.title")}</h2>
      <p>
        {trendQ
          ? t("results.trend.chartTitle", { question: trendQ.prompt })
          : t("results.trend.chartTitleResponsesOnly")}
      </p>
      <TrendChart
        title={
          trendQ
            ? t("results.trend.chartTitle", { question: trendQ.prompt })
            : t("results.trend.chartTitleResponsesOnly")
        }
        data={results.trend.map((p) => ({
          label: f.shortMonth(p.month),
          count: p.responses,
          share: p.topTwoBox,
        }))}
        labelHeader={t("results.trend.month")}
        countHeader={t("results.trend.responses")}
        shareHeader={t("results.trend.satisfied")}
        formatCount={f.count}
        formatShare={f.wholePercent}
      />

      <h2>{t("results.questions.title")}</h2>
      {results.questions.map((q, i) => (
        <QuestionCard key={q.key} q={q} n={i + 1} f={f} />
      ))}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.survey")}</p> }} />;
}
