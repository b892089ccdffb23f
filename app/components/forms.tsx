import { useEffect, useRef } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useRootData } from "~/utils/root-data";

/** The CSRF token every staff form sends back (double-submit cookie). */
export function CsrfInput({ token }: { token?: string }) {
  const root = useRootData();
  return <input type="hidden" name="csrf" value={token ?? root?.csrfToken ?? ""} />;
}

/** Field name → translation key. */
export type ErrorMap = Record<string, string | undefined>;

/**
 * "There is a problem": a list of every error linking to its field, focused when it appears
 * (GOV.UK Design System error summary pattern).
 */
export function ErrorSummary({
  errors,
  labels,
  formError,
  idPrefix = "",
}: {
  errors: ErrorMap;
  labels: Record<string, string>;
  formError?: string | null;
  /** when the fields' ids carry a prefix (several forms on one page) */
  idPrefix?: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors).filter(([k, v]) => v && k !== "form") as [string, string][];
  const any = entries.length > 0 || !!formError;
  useEffect(() => {
    if (any) ref.current?.focus();
  }, [any]);
  if (!any) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} ref={ref}>
      <h2 id="error-summary-title">{t("forms.problemTitle")}</h2>
      <ul>
        {formError ? <li>{t(formError)}</li> : null}
        {entries.map(([field, key]) => (
          <li key={field}>
            <a href={`#field-${idPrefix}${field}`}>
              {labels[field] ? `${labels[field]}: ` : ""}
              {t(key)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  type?: string;
  autoComplete?: string;
  defaultValue?: string;
  required?: boolean;
  registration?: UseFormRegisterReturn;
  maxLength?: number;
}

/** A field's label, marked optional when it is. */
export function FieldLabel({ id, label, required }: { id: string; label: string; required?: boolean }) {
  const { t } = useTranslation();
  return (
    <label htmlFor={id}>
      {label}
      {/* The whole marker, brackets and the space before them, comes from the locale file:
          " (optional)" in English, "（選填）" in Chinese. */}
      {required ? null : <span className="optional">{t("forms.optionalMarker")}</span>}
    </label>
  );
}

/** A field's hint and error, with the ids its aria-describedby names (describedByOf). */
export function FieldNotes({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  const { t } = useTranslation();
  return (
    <>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
    </>
  );
}

/** The label (marked optional when it is), hint and error every text field has. */
function FieldChrome({
  id,
  label,
  hint,
  error,
  required,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
}) {
  return (
    <>
      <FieldLabel id={id} label={label} required={required} />
      <FieldNotes id={id} hint={hint} error={error} />
    </>
  );
}

export function describedByOf(id: string, hint?: string, error?: string): string {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
}

export function TextField({
  name,
  label,
  error,
  hint,
  type = "text",
  autoComplete,
  defaultValue,
  required,
  registration,
  maxLength,
}: FieldProps) {
  const id = `field-${name}`;
  const describedBy = describedByOf(id, hint, error);
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <FieldChrome id={id} label={label} hint={hint} error={error} required={required} />
      <input
        id={id}
        type={type}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required={required || undefined}
        maxLength={maxLength}
        {...(registration ?? { name })}
      />
    </div>
  );
}

/** A labelled textarea with hint and error, plain or registered with react-hook-form. */
export function TextArea({
  name,
  label,
  error,
  hint,
  defaultValue,
  required,
  rows = 3,
  maxLength,
  registration,
}: {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  defaultValue?: string;
  required?: boolean;
  rows?: number;
  maxLength?: number;
  registration?: UseFormRegisterReturn;
}) {
  const id = `field-${name}`;
  const describedBy = describedByOf(id, hint, error);
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <FieldChrome id={id} label={label} hint={hint} error={error} required={required} />
      <textarea
        id={id}
        rows={rows}
        defaultValue={defaultValue}
        maxLength={maxLength}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required={required || undefined}
        {...(registration ?? { name })}
      />
    </div>
  );
}

export function SelectField({
  name,
  label,
  error,
  options,
  defaultValue,
  registration,
}: {
  name: string;
  label: string;
  error?: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  registration?: UseFormRegisterReturn;
}) {
  const { t } = useTranslation();
  const id = `field-${name}`;
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
      <select
        id={id}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...(registration ?? { name })}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Client-side errors from react-hook-form, merged over the server's (server wins until edited). */
export function mergeErrors(
  server: ErrorMap | undefined,
  client: Record<string, { message?: unknown } | undefined>,
): ErrorMap {
  const out: ErrorMap = { ...(server ?? {}) };
  for (const [k, v] of Object.entries(client)) {
    if (v && typeof v.message === "string") out[k] = v.message;
  }
  return out;
}
