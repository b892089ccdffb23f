import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import { REVIEW_QUESTIONS } from "~/models/reviews/questions";
import { formatShare, shareOf } from "~/models/reviews/shares";
import type { ReviewFigure, ReviewTable } from "~/models/reviews/table-types";
import { DisagreeMark, useReviewValue } from "./review-values";

/** A share as the JSON, XLSX and PDF show it (shares.ts: one decimal place). */
function useShare() {
  const { i18n } = useTranslation();
  return (n: number, of: number) => formatShare(shareOf(n, of), i18n.language);
}

/** The paper's figures as shares of departments: declared beside evidenced, with counts, and the paper's. */
export function FiguresTable({ figures }: { figures: ReviewFigure[] }) {
  const { t } = useTranslation();
  const share = useShare();
  const kinds = new Map(REVIEW_QUESTIONS.map((q) => [q.key, q.kind]));
  const cell = (yes: number, of: number, isShare: boolean) =>
    isShare
      ? t("reviews.table.meanShare", { share: yes, of })
      : t("reviews.table.countOf", { yes, of, share: share(yes, of) });
  return (
    <div className="table-wrap">
      <table className="review-figures">
        <caption>{t("reviews.table.figuresCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reviews.table.question")}</th>
            <th scope="col">{t("reviews.table.declared")}</th>
            <th scope="col">{t("reviews.table.evidenced")}</th>
            <th scope="col">{t("reviews.table.paper")}</th>
          </tr>
        </thead>
        <tbody>
          {figures.map((f) => {
            const isShare = kinds.get(f.key) === "share";
            return (
              <tr key={f.key} data-key={f.key}>
                <th scope="row">{t(`reviews.questions.${f.key}.label`)}</th>
                <td data-cell="declared">{cell(f.declaredYes, f.declaredOf, isShare)}</td>
                <td data-cell="evidenced">
                  {f.evidencedYes === null || f.evidencedOf === null
                    ? t("reviews.table.noEvidence")
                    : cell(f.evidencedYes, f.evidencedOf, isShare)}
                </td>
                <td data-cell="paper">{f.paper === null ? "—" : `${f.paper}%`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Government-wide targets met over the period, and the pledges changed, improved, retired and new. */
export function PeriodFigures({ table }: { table: ReviewTable }) {
  const { t } = useTranslation();
  const share = useShare();
  const m = table.targetsMet;
  return (
    <>
      <h2>{t("reviews.table.targetsTitle")}</h2>
      <p data-testid="targets-met">
        {t("reviews.table.targetsMet", {
          results: m.results,
          met: m.met,
          share: share(m.met, m.results),
          notMet: m.notMet,
          insufficient: m.insufficient,
        })}
      </p>
      <div className="table-wrap">
        <table>
          <caption>{t("reviews.table.pledgesCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("reviews.table.pledgeFigure")}</th>
              <th scope="col">{t("reviews.table.pledges")}</th>
              <th scope="col">{t("reviews.table.paper")}</th>
            </tr>
          </thead>
          <tbody>
            {table.pledgeFigures.map((p) => (
              <tr key={p.key} data-key={p.key}>
                <th scope="row">{t(`reviews.pledgeFigures.${p.key}`)}</th>
                <td>{t("reviews.table.countOf", { yes: p.count, of: p.of, share: share(p.count, p.of) })}</td>
                <td>{p.paper === null ? "—" : `${p.paper}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Each department's return beside its evidence, with the central bureau's "return for correction". */
export function DepartmentRows({
  table,
  zh,
  canReturn,
}: {
  table: ReviewTable;
  zh: boolean;
  canReturn: boolean;
}) {
  const { t } = useTranslation();
  const show = useReviewValue();
  return (
    <div className="table-wrap">
      <table className="review-departments">
        <caption>{t("reviews.table.departmentsCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reviews.table.department")}</th>
            <th scope="col">{t("reviews.columns.returnStatus")}</th>
            {REVIEW_QUESTIONS.map((q, i) => (
              <th scope="col" key={q.key}>
                <span aria-hidden="true">{i + 1}</span>
                <span className="visually-hidden">{t(`reviews.questions.${q.key}.label`)}</span>
              </th>
            ))}
            <th scope="col">{t("reviews.table.action")}</th>
          </tr>
        </thead>
        <tbody>
          {table.departments.map((d) => (
            <tr key={d.departmentId} data-code={d.code}>
              <th scope="row">
                {d.code} <span className="review-muted">{zh ? d.nameZh : d.nameEn}</span>
              </th>
              <td data-cell="status">
                {t(`reviews.returnStatus.${d.returnStatus}`)}
                {d.isLate ? (
                  <>
                    {" "}
                    <strong className="badge">{t("reviews.late")}</strong>
                  </>
                ) : null}
              </td>
              {REVIEW_QUESTIONS.map((q) => {
                const c = d.cells[q.key];
                return (
                  <td key={q.key} data-key={q.key}>
                    {show(c.declared)}
                    {c.evidence !== null ? (
                      <>
                        <br />
                        <span className="review-muted">
                          {t("reviews.table.evidenceShort")}:{" "}
                          {c.evidenceHref ? (
                            <a href={c.evidenceHref}>{show(c.evidence)}</a>
                          ) : (
                            show(c.evidence)
                          )}
                        </span>
                      </>
                    ) : null}
                    {c.agrees === false ? (
                      <>
                        <br />
                        <DisagreeMark />
                      </>
                    ) : null}
                  </td>
                );
              })}
              <td>
                {canReturn && d.returnStatus === "submitted" ? (
                  <Form method="post" className="review-return-form">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="return" />
                    <input type="hidden" name="departmentId" value={d.departmentId} />
                    <label htmlFor={`reason-${d.departmentId}`} className="visually-hidden">
                      {t("reviews.table.reasonFor", { code: d.code })}
                    </label>
                    <input
                      id={`reason-${d.departmentId}`}
                      name="reason"
                      type="text"
                      maxLength={1000}
                      required
                    />
                    <button type="submit" className="button secondary">
                      {t("reviews.table.returnForCorrection")}
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
