import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { QUESTION_TYPES, type QuestionDef, type VersionDef } from "~/models/surveys/schema";
import type { FieldErrors } from "~/utils/forms";

type ErrorsFor = (intent: string, key?: string) => FieldErrors;

function optionLines(q: QuestionDef): string {
  return q.options.map((o) => `${o.labelEn} | ${o.labelZh}`).join("\n");
}

function QuestionFields({ q, errors, idPrefix }: { q?: QuestionDef; errors: FieldErrors; idPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField
        name={`${idPrefix}type`}
        label={t("surveys.editor.type")}
        defaultValue={q?.type ?? "rating5"}
        error={errors.type}
        options={QUESTION_TYPES.map((v) => ({ value: v, label: t(`surveys.types.${v}`) }))}
        registration={{ name: "type" } as never}
      />
      <TextField
        name={`${idPrefix}promptEn`}
        label={t("surveys.editor.promptEn")}
        required
        defaultValue={q?.promptEn}
        error={errors.promptEn}
        registration={{ name: "promptEn" } as never}
      />
      <TextField
        name={`${idPrefix}promptZh`}
        label={t("surveys.editor.promptZh")}
        required
        defaultValue={q?.promptZh}
        error={errors.promptZh}
        registration={{ name: "promptZh" } as never}
      />
      <div className={`field${errors.options ? " field-error" : ""}`}>
        <label htmlFor={`field-${idPrefix}options`}>
          {t("surveys.editor.options")} <span className="optional">({t("surveys.editor.optionsWhen")})</span>
        </label>
        <p className="hint" id={`field-${idPrefix}options-hint`}>
          {t("surveys.editor.optionsHint")}
        </p>
        {errors.options ? (
          <p className="error-message" id={`field-${idPrefix}options-error`}>
            {t(errors.options)}
          </p>
        ) : null}
        <textarea
          id={`field-${idPrefix}options`}
          name="options"
          rows={4}
          defaultValue={q ? optionLines(q) : ""}
          aria-describedby={`field-${idPrefix}options-hint`}
        />
      </div>
      <label className="choice" htmlFor={`field-${idPrefix}required`}>
        <input
          id={`field-${idPrefix}required`}
          type="checkbox"
          name="required"
          defaultChecked={q?.required ?? false}
        />
        <span>{t("surveys.editor.required")}</span>
      </label>
    </>
  );
}

/**
 * The editor's "questions" section: each question with its move, remove and edit forms, then the
 * form that adds one. `openKey` is the question whose edit form came back with errors.
 */
export function QuestionEditor({
  version,
  errorsFor,
  openKey,
  zh,
}: {
  version: VersionDef;
  errorsFor: ErrorsFor;
  openKey: string | undefined;
  zh: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="questions-title">
      <h2 id="questions-title">{t("surveys.editor.questions")}</h2>
      {version.questions.length === 0 ? <p>{t("surveys.editor.noQuestions")}</p> : null}
      <ol className="plain-list">
        {version.questions.map((q, i) => (
          <li key={q.id} className="question-editor">
            <p>
              <strong>{zh ? q.promptZh : q.promptEn}</strong>{" "}
              <span className="badge">{t(`surveys.types.${q.type}`)}</span>{" "}
              {q.required ? <span className="badge">{t("surveys.editor.requiredBadge")}</span> : null}
            </p>
            <div className="actions">
              <Form method="post" className="inline-form">
                <CsrfInput />
                <input type="hidden" name="questionKey" value={q.key} />
                <button
                  type="submit"
                  name="intent"
                  value="move-up"
                  className="link-button"
                  disabled={i === 0}
                >
                  {t("surveys.editor.moveUp")}
                  <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                </button>
              </Form>
              <Form method="post" className="inline-form">
                <CsrfInput />
                <input type="hidden" name="questionKey" value={q.key} />
                <button
                  type="submit"
                  name="intent"
                  value="move-down"
                  className="link-button"
                  disabled={i === version.questions.length - 1}
                >
                  {t("surveys.editor.moveDown")}
                  <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                </button>
              </Form>
              <Form method="post" className="inline-form">
                <CsrfInput />
                <input type="hidden" name="questionKey" value={q.key} />
                <button type="submit" name="intent" value="remove-question" className="link-button">
                  {t("surveys.editor.remove")}
                  <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                </button>
              </Form>
            </div>
            <details open={openKey === q.key}>
              <summary>
                {t("surveys.editor.editQuestion")}
                <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
              </summary>
              <ErrorSummary
                errors={errorsFor("update-question", q.key)}
                labels={{
                  promptEn: t("surveys.editor.promptEn"),
                  promptZh: t("surveys.editor.promptZh"),
                  options: t("surveys.editor.options"),
                }}
                idPrefix={`${q.key}-`}
              />
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="update-question" />
                <input type="hidden" name="questionKey" value={q.key} />
                <QuestionFields q={q} errors={errorsFor("update-question", q.key)} idPrefix={`${q.key}-`} />
                <button type="submit" className="button">
                  {t("admin.save")}
                </button>
              </Form>
            </details>
          </li>
        ))}
      </ol>
      <h3>{t("surveys.editor.addQuestion")}</h3>
      <ErrorSummary
        errors={errorsFor("add-question")}
        labels={{
          type: t("surveys.editor.type"),
          promptEn: t("surveys.editor.promptEn"),
          promptZh: t("surveys.editor.promptZh"),
          options: t("surveys.editor.options"),
        }}
        idPrefix="new-"
      />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="add-question" />
        <QuestionFields errors={errorsFor("add-question")} idPrefix="new-" />
        <button type="submit" className="button">
          {t("surveys.editor.addQuestion")}
        </button>
      </Form>
    </section>
  );
}
