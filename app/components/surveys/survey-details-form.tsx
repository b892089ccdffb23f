import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import type { VersionDef } from "~/models/surveys/schema";
import type { FieldErrors } from "~/utils/forms";

/** The editor's "details" section: the survey's title and introduction in both languages. */
export function SurveyDetailsForm({ version, errors }: { version: VersionDef; errors: FieldErrors }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title">{t("surveys.editor.details")}</h2>
      <ErrorSummary
        errors={errors}
        labels={{ titleEn: t("surveys.editor.titleEn"), titleZh: t("surveys.editor.titleZh") }}
      />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="details" />
        <TextField
          name="titleEn"
          label={t("surveys.editor.titleEn")}
          required
          defaultValue={version.titleEn}
          error={errors.titleEn}
        />
        <TextField
          name="titleZh"
          label={t("surveys.editor.titleZh")}
          required
          defaultValue={version.titleZh}
          error={errors.titleZh}
        />
        <div className="field">
          <label htmlFor="field-introEn">
            {t("surveys.editor.introEn")} <span className="optional">({t("forms.optional")})</span>
          </label>
          <textarea id="field-introEn" name="introEn" rows={3} defaultValue={version.introEn} />
        </div>
        <div className="field">
          <label htmlFor="field-introZh">
            {t("surveys.editor.introZh")} <span className="optional">({t("forms.optional")})</span>
          </label>
          <textarea id="field-introZh" name="introZh" rows={3} defaultValue={version.introZh} />
        </div>
        <button type="submit" className="button">
          {t("admin.save")}
        </button>
      </Form>
    </section>
  );
}
