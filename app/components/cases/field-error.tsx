import { useTranslation } from "react-i18next";

/** A field's error under its label, named for screen readers; `id` is the field's id. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error-message" id={`${id}-error`}>
      <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
    </p>
  );
}

/** Keeps the line breaks people typed. */
export const PRE = { whiteSpace: "pre-wrap" } as const;
