import { useTranslation } from "react-i18next";
import type { DepartmentReport } from "~/models/reports/schema";
import { BarChart, TrendChart } from "./charts";
import { Figure, reportLocale, Table } from "./report-parts";

/** The report's survey section: responses by channel and point, satisfaction per survey and service, trends. */
export function SurveySection({ report: r, locale }: { report: DepartmentReport; locale: string }) {
  const { t } = useTranslation();
  const { f, pick } = reportLocale(locale);
  return (
    <section aria-labelledby="surveys">
      <h2 id="surveys">{t("reports.surveys.title")}</h2>
      <dl style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 2rem" }}>
        <Figure term={t("reports.surveys.responses")} href={r.surveys.responses.href}>
          {f.count(r.surveys.responses.count)}
        </Figure>
      </dl>
      {r.surveys.responses.count === 0 ? <p>{t("reports.surveys.none")}</p> : null}
      {r.surveys.byChannel.length ? (
        <>
          <h3>{t("reports.surveys.byChannel")}</h3>
          <BarChart
            title={t("reports.surveys.chartChannels", { month: f.month(r.month) })}
            data={r.surveys.byChannel.map((x) => ({
              label: t(`results.channels.${x.channel}`),
              value: x.count,
            }))}
            labelHeader={t("reports.surveys.channel")}
            valueHeader={t("reports.surveys.count")}
            shareHeader={t("reports.surveys.share")}
            formatValue={f.count}
            formatShare={(v) => f.percent(v)}
          />
          <ul className="no-print">
            {r.surveys.byChannel.map((x) => (
              <li key={x.channel}>
                <a href={x.href}>
                  {t(`results.channels.${x.channel}`)}: {f.count(x.count)}
                </a>
              </li>
            ))}
          </ul>
          <h3 id="surveys-by-point">{t("reports.surveys.byPoint")}</h3>
          <Table
            labelledBy="surveys-by-point"
            head={[t("reports.surveys.survey"), t("reports.surveys.point"), t("reports.surveys.count")]}
            rows={r.surveys.byCollectionPoint.map((p) => {
              const s = r.surveys.perSurvey.find((x) => x.surveyId === p.surveyId);
              return [
                s ? pick(s.titleEn, s.titleZh) : String(p.surveyId),
                p.pointId === null
                  ? t("reports.surveys.noPoint", { channel: t(`results.channels.${p.channel}`) })
                  : pick(p.nameEn, p.nameZh),
                <a key="n" href={p.href}>
                  {f.count(p.count)}
                </a>,
              ];
            })}
          />
        </>
      ) : null}

      <h3 id="surveys-per-survey">{t("reports.surveys.perSurvey")}</h3>
      <Table
        labelledBy="surveys-per-survey"
        head={[
          t("reports.surveys.survey"),
          t("reports.surveys.count"),
          t("reports.surveys.rated"),
          t("reports.surveys.satisfied"),
          t("reports.surveys.previous"),
          t("reports.surveys.change"),
        ]}
        rows={r.surveys.perSurvey.map((s) => [
          <a key="t" href={s.href}>
            {pick(s.titleEn, s.titleZh)}
          </a>,
          f.count(s.responses),
          f.count(s.rated),
          f.percent(s.share),
          f.percent(s.previousShare),
          s.change === null ? "—" : t("reports.surveys.changeValue", { value: f.signed(s.change) }),
        ])}
      />
      <h3 id="surveys-per-service">{t("reports.surveys.perService")}</h3>
      <Table
        labelledBy="surveys-per-service"
        head={[
          t("reports.surveys.service"),
          t("reports.surveys.rated"),
          t("reports.surveys.satisfied"),
          t("reports.surveys.previous"),
          t("reports.surveys.change"),
        ]}
        rows={r.surveys.perService.map((s) => [
          s.serviceId === null ? t("reports.surveys.departmentWide") : pick(s.nameEn, s.nameZh),
          f.count(s.rated),
          f.percent(s.share),
          f.percent(s.previousShare),
          s.change === null ? "—" : t("reports.surveys.changeValue", { value: f.signed(s.change) }),
        ])}
      />
      {r.surveys.perSurvey.map((s) => (
        <div key={s.surveyId}>
          <h4>{pick(s.titleEn, s.titleZh)}</h4>
          <p>
            {s.questionKey
              ? t("reports.surveys.question", { question: pick(s.promptEn, s.promptZh) })
              : t("reports.surveys.noQuestion")}
          </p>
          <TrendChart
            title={t("reports.surveys.trendTitle", { title: pick(s.titleEn, s.titleZh) })}
            locale={locale}
            data={s.trend.map((p) => ({
              label: f.month(p.month),
              period: p.month,
              count: p.responses,
              share: p.share,
            }))}
            labelHeader={t("reports.surveys.month")}
            countHeader={t("reports.surveys.count")}
            shareHeader={t("reports.surveys.satisfied")}
            formatCount={f.count}
            formatShare={f.wholePercent}
          />
        </div>
      ))}
    </section>
  );
}
