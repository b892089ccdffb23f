import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { PublicDepartment } from "~/models/pledges/public.server";
import { PledgeArticle, usePledgeFormats } from "./pledge-public";

/** The id of the page's title, which every "Back to top" link goes to. */
export const TOP_ID = "pledges-top";

/**
 * "Our pledges" on a phone (issue 15): every department's pledges were one page 12,600–18,600 px
 * long at 375 px. Now each department is a section that opens and closes (<details>: no JavaScript
 * needed), closed at first, its summary telling how many pledges it has and how they stood in the
 * latest month; together the closed sections are the page's index.
 */
export function DepartmentSections({
  departments,
  locale,
  month,
}: {
  /** the departments with published pledges */
  departments: PublicDepartment[];
  locale: string;
  /** the latest complete month */
  month: string;
}) {
  const { t } = useTranslation();
  const f = usePledgeFormats(locale);
  const zh = locale.startsWith("zh");
  const name = (d: { en: string; zh: string }) => (zh ? d.zh : d.en);
  return (
    <>
      {/* The closed sections are the index: a separate list of links would only repeat them. */}
      <h2 id="pledges-contents">{t("pledges.public.contents")}</h2>
      <p className="hint">{t("charts.sectionsHint")}</p>
      {departments.map((d) => {
        const count = (s: string) => d.pledges.filter((p) => p.latest.status === s).length;
        return (
          <section
            key={d.code}
            aria-labelledby={`dept-${d.code}`}
            data-department={d.code}
            className="dept-section"
          >
            <details>
              <summary>
                <h2 id={`dept-${d.code}`}>{name(d)}</h2>
                <span className="dept-figures">
                  {t("pledges.public.summary", { count: d.pledges.length })}
                  <br />
                  {t("charts.latest", {
                    month: f.month(month),
                    results: t("storedResults.summary.latestCell", {
                      met: f.count(count("met")),
                      notMet: f.count(count("not_met")),
                      insufficient: f.count(count("insufficient")),
                    }),
                  })}
                </span>
              </summary>
              <p>
                <Link to={`/pledges/${d.code}`} className="tap">
                  {t("pledges.public.departmentLink", { department: name(d) })}
                </Link>
              </p>
              {d.pledges.map((p) => (
                <PledgeArticle key={p.code} pledge={p} locale={locale} level={3} />
              ))}
              <p className="back-to-top">
                <a href={`#${TOP_ID}`} className="tap">
                  {t("charts.backToTop")}
                </a>
              </p>
            </details>
          </section>
        );
      })}
    </>
  );
}
