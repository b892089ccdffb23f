import { useTranslation } from "react-i18next";
import { BarChart } from "~/components/reports/charts";
import type { QuestionResult } from "~/models/surveys/results.server";
import { formats } from "~/utils/formats";

/** The results' numbers and months, from the one set (~/utils/formats); built once per language. */
function resultFormats(locale: string) {
  const f = formats(locale);
  return {
    count: f.count,
    decimal: f.decimal,
    percent: (v: number) => f.percent(v),
    wholePercent: f.wholePercent,
    /** the NPS is a score, not a percentage: signed, no decimals */
    score: (v: number) => `${v > 0 ? "+" : ""}${f.count(Math.round(v))}`,
    month: f.month,
    shortMonth: f.shortMonth,
  };
}
const RESULT_FORMATS = { en: resultFormats("en"), zh: resultFormats("zh-HK") };
export const useFormats = (locale: string) =>
  locale.startsWith("zh") ? RESULT_FORMATS.zh : RESULT_FORMATS.en;
export type Formats = ReturnType<typeof useFormats>;

/** One question's figures on the results page: counts, the distribution or options chart, or comments. */
export function QuestionCard({ q, n, f }: { q: QuestionResult; n: number; f: Formats }) {
  const { t } = useTranslation();
  return (
    <section className="card" style={{ marginBottom: "1.25rem" }} aria-labelledby={`q-${q.key}`}>
      <h3 id={`q-${q.key}`}>{t("results.questions.heading", { n, question: q.prompt })}</h3>
      {q.inCurrentVersion ? null : <p>{t("results.questions.retired")}</p>}
      <dl style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 2rem", margin: "0.5rem 0" }}>
        <Figure term={t("results.questions.answered")} value={f.count(q.answered)} />
        {q.type === "rating5" ? (
          <>
            <Figure term={t("results.questions.notApplicable")} value={f.count(q.notApplicable)} />
            <Figure
              term={t("results.questions.average")}
              value={q.average === null ? "—" : f.decimal(q.average)}
            />
            <Figure
              term={t("results.questions.topTwoBox")}
              value={q.topTwoBox === null ? "—" : f.percent(q.topTwoBox)}
            />
          </>
        ) : null}
        {q.type === "nps" ? (
          <>
            <Figure
              term={t("results.questions.npsScore")}
              value={q.score === null ? "—" : f.score(q.score)}
            />
            <Figure term={t("results.questions.promoters")} value={f.count(q.promoters)} />
            <Figure term={t("results.questions.passives")} value={f.count(q.passives)} />
            <Figure term={t("results.questions.detractors")} value={f.count(q.detractors)} />
          </>
        ) : null}
      </dl>
      {q.type === "rating5" || q.type === "nps" ? (
        <>
          {q.type === "rating5" ? <p>{t("results.questions.naExcluded")}</p> : null}
          <BarChart
            title={t("results.questions.distributionTitle", { question: q.prompt })}
            data={q.distribution.map((b) => ({
              label: q.type === "rating5" ? t(`results.ratings.r${b.value}`) : String(b.value),
              short: String(b.value),
              value: b.count,
            }))}
            labelHeader={q.type === "rating5" ? t("results.questions.rating") : t("results.questions.score")}
            valueHeader={t("results.questions.count")}
            shareHeader={t("results.questions.share")}
            formatValue={f.count}
            formatShare={f.percent}
          />
        </>
      ) : null}
      {q.type === "single" || q.type === "multiple" ? (
        <>
          {q.type === "multiple" ? <p>{t("results.questions.multipleHint")}</p> : null}
          <BarChart
            title={t("results.questions.optionsTitle", { question: q.prompt })}
            data={q.options.map((o) => ({ label: o.label, value: o.count }))}
            labelHeader={t("results.questions.option")}
            valueHeader={t("results.questions.count")}
            shareHeader={t("results.questions.share")}
            shareBase={q.answered}
            formatValue={f.count}
            formatShare={f.percent}
          />
        </>
      ) : null}
      {q.type === "short_text" || q.type === "long_text" ? (
        <>
          <h4>{t("results.comments.title")}</h4>
          {q.comments.length === 0 ? (
            <p>{t("results.comments.none")}</p>
          ) : (
            <>
              <p>{t("results.comments.hint", { shown: f.count(q.comments.length) })}</p>
              <ol style={{ paddingLeft: "1.25rem" }}>
                {q.comments.map((c) => (
                  <li key={c.id} style={{ marginBottom: "0.75rem" }}>
                    <blockquote lang={c.language} style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                      {c.text}
                    </blockquote>
                    <small>
                      {f.month(c.month)} · {t(`results.languages.${c.language}`)}
                    </small>
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : null}
    </section>
  );
}

function Figure({ term, value }: { term: string; value: string }) {
  return (
    <div>
      <dt style={{ color: "var(--muted)" }}>{term}</dt>
      <dd style={{ margin: 0, fontWeight: 700, fontSize: "1.2rem" }}>{value}</dd>
    </div>
  );
}
