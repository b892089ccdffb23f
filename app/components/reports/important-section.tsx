import { useTranslation } from "react-i18next";
import type { DepartmentReport } from "~/models/reports/schema";
import { reportLocale } from "./report-parts";

/** The report's important feedback: what was notified to management in the month. */
export function ImportantSection({ report: r, locale }: { report: DepartmentReport; locale: string }) {
  const { t } = useTranslation();
  const { f } = reportLocale(locale);
  return (
    <section aria-labelledby="important">
      <h2 id="important">{t("reports.important.title")}</h2>
      <p>{t("reports.important.hint")}</p>
      {r.importantFeedback.length === 0 ? (
        <p>{t("reports.important.none")}</p>
      ) : (
        <ol style={{ paddingLeft: "1.25rem" }}>
          {r.importantFeedback.map((x) => (
            <li key={x.feedbackId} style={{ marginBottom: "0.75rem" }}>
              <blockquote lang={x.language} style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                {x.summary}
              </blockquote>
              <small>
                <a href={x.href}>
                  {t(`feedback.kinds.${x.kind}`)} · {t(`feedback.channels.${x.channel}`)}
                </a>{" "}
                · {f.at(x.loggedAt)} · {t("reports.important.notified", { at: f.at(x.notifiedAt) })}
              </small>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
