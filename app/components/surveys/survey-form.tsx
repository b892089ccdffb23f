import { zodResolver } from "@hookform/resolvers/zod";
import { Form, useSubmit } from "@remix-run/react";
import { useMemo } from "react";
import { type Resolver, type FieldErrors as RhfErrors, useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import {
  buildResponseSchema,
  fieldName,
  NPS_VALUES,
  type QuestionDef,
  RATING_VALUES,
  textLimit,
  type VersionDef,
} from "~/models/surveys/schema";

type Values = Record<string, string | string[] | undefined>;

export function prompt(q: QuestionDef, locale: string) {
  return locale.startsWith("zh") ? q.promptZh : q.promptEn;
}

/**
 * A survey version as a form: one fieldset per question, errors beside their fields and in a
 * summary that links to them. Works as a plain HTML form; with JavaScript, react-hook-form checks
 * each answer as it is given, with the same zod schema the server uses.
 */
export function SurveyForm({
  version,
  locale,
  errors: serverErrors,
  values,
  hidden,
  submitLabel,
  staff,
  honeypot,
  disabled,
  autoComplete = "on",
  children,
}: {
  version: VersionDef;
  locale: string;
  errors?: Record<string, string>;
  values?: Values;
  hidden: Record<string, string>;
  submitLabel: string;
  /** staff forms carry the CSRF token */
  staff?: boolean;
  honeypot?: boolean;
  disabled?: boolean;
  autoComplete?: "on" | "off";
  children?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const submit = useSubmit();
  // The zod schema is built when the form is first checked (in the browser), not on every server
  // render, where nothing is checked and building it was a twentieth of the survey page's time.
  const resolver = useMemo<Resolver<Values>>(() => {
    let check: Resolver<Values> | undefined;
    return (data, context, options) => {
      check ??= zodResolver(buildResponseSchema(version)) as unknown as Resolver<Values>;
      return check(data, context, options);
    };
  }, [version]);
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm<Values>({ resolver, mode: "onChange", defaultValues: values ?? {} });
  const errors: Record<string, string | undefined> = { ...(serverErrors ?? {}) };
  for (const [k, v] of Object.entries(clientErrors as RhfErrors)) {
    if (v && typeof v.message === "string") errors[k] = v.message;
  }
  const labels = Object.fromEntries(version.questions.map((q) => [fieldName(q), prompt(q, locale)]));
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <Form
        method="post"
        noValidate
        autoComplete={autoComplete}
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        {staff ? <CsrfInput /> : null}
        {Object.entries(hidden).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        {honeypot ? (
          <div className="hp" aria-hidden="true">
            <label htmlFor="field-website">{t("surveys.form.honeypot")}</label>
            <input id="field-website" type="text" name="website" tabIndex={-1} autoComplete="off" />
          </div>
        ) : null}
        {children}
        {version.questions.map((q, i) => (
          <Question
            key={q.id}
            q={q}
            n={i + 1}
            locale={locale}
            error={errors[fieldName(q)]}
            value={values?.[fieldName(q)]}
            registration={register(fieldName(q))}
          />
        ))}
        <button type="submit" className="button" disabled={disabled}>
          {submitLabel}
        </button>
      </Form>
    </>
  );
}

function Question({
  q,
  n,
  locale,
  error,
  value,
  registration,
}: {
  q: QuestionDef;
  n: number;
  locale: string;
  error?: string;
  value?: string | string[];
  registration: ReturnType<ReturnType<typeof useForm>["register"]>;
}) {
  const { t } = useTranslation();
  const name = fieldName(q);
  const id = `field-${name}`;
  const errorId = `${id}-error`;
  const legend = (
    <>
      <span className="q-number">{n}.</span> {prompt(q, locale)}
      {q.required ? null : <span className="optional"> ({t("forms.optional")})</span>}
    </>
  );
  const errorLine = error ? (
    <p className="error-message" id={errorId}>
      <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
    </p>
  ) : null;
  const isChecked = (v: string) => (Array.isArray(value) ? value.includes(v) : value === v);

  if (q.type === "short_text" || q.type === "long_text") {
    const limit = textLimit(q);
    const hintId = `${id}-hint`;
    return (
      <div className={`field question${error ? " field-error" : ""}`}>
        <label htmlFor={id}>{legend}</label>
        <p className="hint" id={hintId}>
          {t("surveys.form.maxChars", { count: limit })}
        </p>
        {errorLine}
        {q.type === "short_text" ? (
          <input
            id={id}
            type="text"
            maxLength={limit}
            defaultValue={typeof value === "string" ? value : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(" ")}
            {...registration}
          />
        ) : (
          <textarea
            id={id}
            rows={5}
            maxLength={limit}
            defaultValue={typeof value === "string" ? value : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(" ")}
            {...registration}
          />
        )}
      </div>
    );
  }

  let choices: { value: string; label: string }[];
  let type: "radio" | "checkbox" = "radio";
  let className = "choices";
  if (q.type === "rating5") {
    choices = [
      ...RATING_VALUES.map((v) => ({ value: v, label: t(`surveys.rating.${v}`) })),
      { value: "na", label: t("surveys.rating.na") },
    ];
    className = "choices scale";
  } else if (q.type === "nps") {
    choices = NPS_VALUES.map((v) => ({
      value: v,
      label: v === "0" ? `0 (${t("surveys.nps.low")})` : v === "10" ? `10 (${t("surveys.nps.high")})` : v,
    }));
    className = "choices nps";
  } else {
    choices = q.options.map((o) => ({
      value: o.code,
      label: locale.startsWith("zh") ? o.labelZh : o.labelEn,
    }));
    if (q.type === "multiple") type = "checkbox";
  }
  return (
    <fieldset
      className={`field question${error ? " field-error" : ""}`}
      aria-describedby={error ? errorId : undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend>{legend}</legend>
      {q.type === "multiple" ? <p className="hint">{t("surveys.form.chooseAll")}</p> : null}
      {errorLine}
      <div className={className}>
        {choices.map((c, i) => (
          <label className="choice" htmlFor={i === 0 ? id : `${id}-${c.value}`} key={c.value}>
            <input
              id={i === 0 ? id : `${id}-${c.value}`}
              type={type}
              value={c.value}
              defaultChecked={isChecked(c.value)}
              {...registration}
            />
            <span>{c.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
