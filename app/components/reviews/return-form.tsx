import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { agrees } from "~/models/reviews/evidence-links";
import { REVIEW_QUESTIONS, type ReviewAnswers, type ReviewQuestion } from "~/models/reviews/questions";
import { answerField, noteField } from "~/models/reviews/schema";
import { DisagreeMark, useReviewValue } from "./review-values";

type Evidence = Partial<Record<string, { value: boolean | number | null; href: string | null }>>;

/**
 * A department's return: each of the paper's questions with yes/no (the whole row a label, 44 px
 * high) or a share, an optional note, and the evidence from the data beside it with a link to the
 * records and a visible mark where the answer disagrees with it. A plain form: works without JS.
 */
export function ReturnForm({
  answers,
  values,
  evidence,
  errors,
  formError,
  editable,
}: {
  answers: ReviewAnswers;
  /** what was typed, when the form comes back with errors */
  values: Record<string, string> | null;
  evidence: Evidence;
  errors: Record<string, string>;
  formError: string | null;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const labels = Object.fromEntries(
    REVIEW_QUESTIONS.flatMap((q) => [
      [answerField(q.key), t(`reviews.questions.${q.key}.label`)],
      [noteField(q.key), `${t(`reviews.questions.${q.key}.label`)} ${t("reviews.form.note")}`],
    ]),
  );
  return (
    <Form method="post" noValidate>
      <CsrfInput />
      <ErrorSummary errors={errors} labels={labels} formError={formError} />
      <fieldset disabled={!editable} className="review-return">
        <legend className="visually-hidden">{t("reviews.form.legend")}</legend>
        <div className="review-questions">
          {REVIEW_QUESTIONS.map((q, i) => (
            <Question
              key={q.key}
              n={i + 1}
              q={q}
              answers={answers}
              values={values}
              evidence={evidence[q.key]}
              error={errors[answerField(q.key)]}
              noteError={errors[noteField(q.key)]}
            />
          ))}
        </div>
      </fieldset>
      {editable ? (
        <div className="actions">
          <button type="submit" name="intent" value="submit" className="button">
            {t("reviews.form.submit")}
          </button>
          <button type="submit" name="intent" value="draft" className="button secondary">
            {t("reviews.form.saveDraft")}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

function Question({
  n,
  q,
  answers,
  values,
  evidence,
  error,
  noteError,
}: {
  n: number;
  q: ReviewQuestion;
  answers: ReviewAnswers;
  values: Record<string, string> | null;
  evidence: { value: boolean | number | null; href: string | null } | undefined;
  error?: string;
  noteError?: string;
}) {
  const { t } = useTranslation();
  const show = useReviewValue();
  const field = answerField(q.key);
  const nField = noteField(q.key);
  const stored = answers[q.key]?.value ?? null;
  const raw = values
    ? (values[field] ?? "")
    : stored === true
      ? "yes"
      : stored === false
        ? "no"
        : stored === null
          ? ""
          : String(stored);
  const note = values ? (values[nField] ?? "") : (answers[q.key]?.note ?? "");
  const declared =
    q.kind === "boolean"
      ? raw === "yes"
        ? true
        : raw === "no"
          ? false
          : null
      : raw === ""
        ? null
        : Number(raw);
  const disagrees = evidence
    ? agrees(Number.isNaN(declared) ? null : declared, evidence.value) === false
    : false;
  const legendId = `legend-${q.key}`;
  return (
    <fieldset
      className={`question review-question${error ? " field-error" : ""}`}
      aria-describedby={evidence ? `evidence-${q.key}` : undefined}
    >
      <legend id={legendId}>
        <span className="q-number">{n}.</span> {t(`reviews.questions.${q.key}.label`)}
      </legend>
      {error ? (
        <p className="error-message" id={`${field}-error`}>
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
      {q.kind === "boolean" ? (
        <div className="choices inline">
          {(["yes", "no"] as const).map((v, i) => (
            <label
              className="choice review-choice"
              key={v}
              htmlFor={i === 0 ? `field-${field}` : `field-${field}-${v}`}
            >
              <input
                id={i === 0 ? `field-${field}` : `field-${field}-${v}`}
                type="radio"
                name={field}
                value={v}
                defaultChecked={raw === v}
              />
              <span>{t(`reviews.values.${v}`)}</span>
            </label>
          ))}
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`field-${field}`}>{t("reviews.form.shareLabel")}</label>
          <input
            id={`field-${field}`}
            name={field}
            type="text"
            inputMode="decimal"
            defaultValue={raw}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${field}-error` : undefined}
          />
        </div>
      )}
      {evidence ? (
        <p className="review-evidence" id={`evidence-${q.key}`}>
          {t("reviews.form.evidence")}: <strong>{show(evidence.value)}</strong>
          {evidence.href ? (
            <>
              {" · "}
              <a href={evidence.href}>{t("reviews.form.evidenceLink")}</a>
            </>
          ) : null}
          {disagrees ? (
            <>
              {" "}
              <DisagreeMark />
            </>
          ) : null}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`field-${nField}`}>
          {t("reviews.form.note")} <span className="optional">({t("forms.optional")})</span>
        </label>
        {noteError ? (
          <p className="error-message" id={`${nField}-error`}>
            {t(noteError)}
          </p>
        ) : null}
        <textarea id={`field-${nField}`} name={nField} rows={2} defaultValue={note} maxLength={1000} />
      </div>
    </fieldset>
  );
}
