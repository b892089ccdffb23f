import type { ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { describedByOf, FieldLabel, FieldNotes } from "~/components/forms";
import { ATTACHMENT_ACCEPT, ATTACHMENT_LIMITS } from "~/models/cases/schema";
import { keepTogether } from "~/utils/keep-together";

/* Fields of the citizen's complaint form (complaints.new) that the shared form kit has not got. */

/** A field people never see: a bot that fills it in is answered as if all went well (public-form.server). */
export function Honeypot() {
  const { t } = useTranslation();
  return (
    <div className="hp" aria-hidden="true">
      <label htmlFor="field-website">{t("complaints.new.honeypot")}</label>
      <input id="field-website" type="text" name="website" tabIndex={-1} autoComplete="off" />
    </div>
  );
}

/** Up to ATTACHMENT_LIMITS.count files; `onChange` checks the chosen files in the browser. */
export function AttachmentField({
  label,
  error,
  again,
  onChange,
}: {
  label: string;
  error?: string;
  /** after an error: files must be chosen again */
  again: boolean;
  onChange: (input: HTMLInputElement) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor="field-attachment">
        {label}
        <span className="optional"> ({t("forms.optional")})</span>
      </label>
      <p className="hint" id="field-attachment-hint">
        {keepTogether(
          t("complaints.new.attachmentsHint", {
            count: ATTACHMENT_LIMITS.count,
            size: ATTACHMENT_LIMITS.bytes / (1024 * 1024),
          }),
        )}
        {again ? ` ${t("complaints.new.filesAgain")}` : null}
      </p>
      {error ? (
        <p className="error-message" id="field-attachment-error">
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
      <input
        id="field-attachment"
        type="file"
        name="attachment"
        multiple
        accept={ATTACHMENT_ACCEPT}
        aria-invalid={error ? true : undefined}
        aria-describedby={["field-attachment-hint", error ? "field-attachment-error" : null]
          .filter(Boolean)
          .join(" ")}
        onChange={(e) => onChange(e.currentTarget)}
      />
    </div>
  );
}

/** The personal information collection statement, before the contact fields. */
export function PicsNotice() {
  const { t } = useTranslation();
  return (
    <div className="notice" id="pics">
      <h2>{t("complaints.pics.title")}</h2>
      <p>{keepTogether(t("complaints.pics.purpose"))}</p>
      <p>{keepTogether(t("complaints.pics.transfer"))}</p>
      <p>{keepTogether(t("complaints.pics.access"))}</p>
      <p>{keepTogether(t("complaints.pics.retention"))}</p>
    </div>
  );
}

/** The explicit consent to the statement (required). */
export function ConsentField({
  error,
  defaultChecked,
  registration,
}: {
  error?: string;
  defaultChecked: boolean;
  registration: UseFormRegisterReturn;
}) {
  const { t } = useTranslation();
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      {error ? (
        <p className="error-message" id="field-consent-error">
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
      <label className="choice" htmlFor="field-consent">
        <input
          id="field-consent"
          type="checkbox"
          value="yes"
          defaultChecked={defaultChecked}
          aria-invalid={error ? true : undefined}
          aria-required
          aria-describedby={error ? "field-consent-error" : undefined}
          {...registration}
        />
        <span>{t("complaints.new.consent")}</span>
      </label>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  defaultValue?: string;
  registration: UseFormRegisterReturn;
}

export function Select({
  name,
  label,
  hint,
  error,
  required,
  defaultValue,
  registration,
  children,
}: FieldProps & { children: ReactNode }) {
  const id = `field-${name}`;
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <FieldLabel id={id} label={label} required={required} />
      <FieldNotes id={id} hint={hint} error={error} />
      <select
        id={id}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedByOf(id, hint, error) || undefined}
        {...registration}
      >
        {children}
      </select>
    </div>
  );
}
