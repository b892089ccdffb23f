import { useTranslation } from "react-i18next";
import type { DepartmentReport } from "~/models/reports/schema";
import { Figure, reportLocale, Table } from "./report-parts";

/** The report's feedback section: the month's feedback by kind and channel, and what customers said. */
export function FeedbackSection({ report: r, locale }: { report: DepartmentReport; locale: string }) {
  const { t } = useTranslation();
  const { f } = reportLocale(locale);
  return (
    <section aria-labelledby="feedback">
      <h2 id="feedback">{t("reports.feedback.title")}</h2>
      <dl style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 2rem" }}>
        <Figure term={t("reports.feedback.total")} href={r.feedback.total.href}>
          {f.count(r.feedback.total.count)}
        </Figure>
      </dl>
      {r.feedback.total.count === 0 ? (
        <p>{t("reports.feedback.none")}</p>
      ) : (
        <>
          <h3 id="feedback-kind-channel">{t("reports.feedback.byKindAndChannel")}</h3>
          <Table
            labelledBy="feedback-kind-channel"
            head={[t("reports.feedback.kind"), t("reports.feedback.channel"), t("reports.feedback.count")]}
            rows={r.feedback.byKindAndChannel.map((x) => [
              t(`feedback.kinds.${x.kind}`),
              t(`feedback.channels.${x.channel}`),
              <a key="n" href={x.href}>
                {f.count(x.count)}
              </a>,
            ])}
          />
          <div style={{ display: "flex", flexWrap: "wrap", gap: "0 2rem" }}>
            <div>
              <h3 id="feedback-by-kind">{t("reports.feedback.byKind")}</h3>
              <Table
                labelledBy="feedback-by-kind"
                head={[t("reports.feedback.kind"), t("reports.feedback.count")]}
                rows={r.feedback.byKind.map((x) => [
                  t(`feedback.kinds.${x.kind}`),
                  <a key="n" href={x.href}>
                    {f.count(x.count)}
                  </a>,
                ])}
              />
            </div>
            <div>
              <h3 id="feedback-by-channel">{t("reports.feedback.byChannel")}</h3>
              <Table
                labelledBy="feedback-by-channel"
                head={[t("reports.feedback.channel"), t("reports.feedback.count")]}
                rows={r.feedback.byChannel.map((x) => [
                  t(`feedback.channels.${x.channel}`),
                  <a key="n" href={x.href}>
                    {f.count(x.count)}
                  </a>,
                ])}
              />
            </div>
          </div>
        </>
      )}
      <h3>{t("reports.feedback.comments")}</h3>
      <p>{t("reports.feedback.commentsHint")}</p>
      {r.feedback.comments.length === 0 ? (
        <p>{t("reports.feedback.noComments")}</p>
      ) : (
        <ol style={{ paddingLeft: "1.25rem" }}>
          {r.feedback.comments.map((x, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, stored once
            <li key={i} style={{ marginBottom: "0.75rem" }}>
              <blockquote lang={x.language} style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                {x.text}
              </blockquote>
              <small>
                <a href={x.href}>
                  {x.source === "survey"
                    ? t("reports.feedback.fromSurvey")
                    : t("reports.feedback.fromFeedback", { kind: t(`feedback.kinds.${x.kind}`) })}
                </a>{" "}
                · {f.at(x.at)}
              </small>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
