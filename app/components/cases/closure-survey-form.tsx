import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField } from "~/components/forms";

export interface ClosureSurveyChoice {
  id: number;
  slug: string;
  status: string;
  titleEn: string;
  titleZh: string;
}

/** The department's choice of the survey a closed case's complainant is invited to (or none). */
export function ClosureSurveyForm({
  choices,
  selected,
  error,
}: {
  choices: ClosureSurveyChoice[];
  selected: number | null;
  error?: string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const label = t("staffAccount.caseSurvey.label");
  return (
    <section aria-labelledby="closure-survey-title">
      <h2 id="closure-survey-title">{t("staffAccount.caseSurvey.title")}</h2>
      <p>{t("staffAccount.caseSurvey.intro")}</p>
      <ErrorSummary errors={error ? { closureSurveyId: error } : {}} labels={{ closureSurveyId: label }} />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="closure-survey" />
        <SelectField
          name="closureSurveyId"
          label={label}
          error={error}
          defaultValue={selected === null ? "" : String(selected)}
          options={[
            { value: "", label: t("staffAccount.caseSurvey.none") },
            ...choices.map((c) => {
              const title = `${zh ? c.titleZh : c.titleEn} (/s/${c.slug})`;
              return {
                value: String(c.id),
                label:
                  c.status === "published" ? title : t("staffAccount.caseSurvey.notPublished", { title }),
              };
            }),
          ]}
        />
        <button type="submit" className="button">
          {t("staffAccount.caseSurvey.submit")}
        </button>
      </Form>
    </section>
  );
}
