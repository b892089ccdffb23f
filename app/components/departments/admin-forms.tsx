import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, describedByOf, ErrorSummary, FieldLabel, FieldNotes } from "~/components/forms";
import { DEPARTMENT_KINDS } from "~/models/departments/schema";
import type { FieldErrors } from "~/utils/forms";

/**
 * The forms of /central/departments and /admin/services: plain POST forms (they work without
 * JavaScript), checked on the server with the schemas of models/departments/schema.ts. Several
 * sit on one page, so every field's id carries its form's prefix.
 */

type Values = Record<string, string | undefined>;

function Field({
  prefix,
  name,
  label,
  hint,
  error,
  defaultValue,
  lang,
}: {
  prefix: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue?: string;
  lang?: string;
}) {
  const id = `field-${prefix}${name}`;
  const describedBy = describedByOf(id, hint, error);
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <FieldLabel id={id} label={label} required />
      <FieldNotes id={id} hint={hint} error={error} />
      <input
        id={id}
        name={name}
        type="text"
        lang={lang}
        autoComplete="off"
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required
      />
    </div>
  );
}

function Checkbox({
  prefix,
  name,
  label,
  checked,
}: {
  prefix: string;
  name: string;
  label: string;
  checked: boolean;
}) {
  const id = `field-${prefix}${name}`;
  return (
    <label className="field choice" htmlFor={id}>
      <input id={id} name={name} type="checkbox" defaultChecked={checked} />
      <span>{label}</span>
    </label>
  );
}

function labelsOf(t: (k: string) => string, code: string) {
  return {
    code,
    nameEn: t("departmentsAdmin.nameEn"),
    nameZh: t("departmentsAdmin.nameZh"),
    kind: t("departmentsAdmin.kind"),
  };
}

/** A new department (code, names, kind) or an existing one's names and kind. */
export function DepartmentForm({
  intent,
  errors,
  values,
  submitLabel,
}: {
  intent: "create" | "edit";
  errors: FieldErrors;
  values: Values;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const prefix = `${intent}-`;
  return (
    <>
      <ErrorSummary errors={errors} labels={labelsOf(t, t("departmentsAdmin.code"))} idPrefix={prefix} />
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value={intent} />
        {intent === "create" ? (
          <Field
            prefix={prefix}
            name="code"
            label={t("departmentsAdmin.code")}
            hint={t("departmentsAdmin.codeHint")}
            error={errors.code}
            defaultValue={values.code}
          />
        ) : null}
        <Field
          prefix={prefix}
          name="nameEn"
          label={t("departmentsAdmin.nameEn")}
          lang="en"
          error={errors.nameEn}
          defaultValue={values.nameEn}
        />
        <Field
          prefix={prefix}
          name="nameZh"
          label={t("departmentsAdmin.nameZh")}
          lang="zh-HK"
          error={errors.nameZh}
          defaultValue={values.nameZh}
        />
        <div className={`field${errors.kind ? " field-error" : ""}`}>
          <FieldLabel id={`field-${prefix}kind`} label={t("departmentsAdmin.kind")} required />
          <FieldNotes id={`field-${prefix}kind`} error={errors.kind} />
          <select
            id={`field-${prefix}kind`}
            name="kind"
            defaultValue={values.kind ?? "department"}
            aria-describedby={errors.kind ? `field-${prefix}kind-error` : undefined}
          >
            {DEPARTMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`departmentsAdmin.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </Form>
    </>
  );
}

/** One button that deactivates or reactivates (a POST form, so it works without JavaScript). */
export function ActiveToggle({
  intent,
  active,
  name,
  serviceId,
}: {
  intent: "active" | "service-active";
  active: boolean;
  name: string;
  serviceId?: number;
}) {
  const { t } = useTranslation();
  return (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      {serviceId != null ? <input type="hidden" name="serviceId" value={serviceId} /> : null}
      <input type="hidden" name="active" value={active ? "0" : "1"} />
      <button
        type="submit"
        className="button secondary"
        aria-label={t(active ? "departmentsAdmin.deactivateLabel" : "departmentsAdmin.reactivateLabel", {
          name,
        })}
      >
        {t(active ? "departmentsAdmin.deactivate" : "departmentsAdmin.reactivate")}
      </button>
    </Form>
  );
}

export interface ServiceItem {
  id: number;
  code: string;
  nameEn: string;
  nameZh: string;
  isPublic: boolean;
  isActive: boolean;
}

/** What the action answered about one of the page's service forms. */
export interface ServiceFormState {
  form: string;
  errors: FieldErrors;
  values: Record<string, string>;
}

/** The department's services, each with its own edit form and (de)activate button, and a form to add one. */
export function ServicesSection({
  services,
  departmentName,
  state,
}: {
  services: readonly ServiceItem[];
  departmentName: string;
  state: ServiceFormState | null;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const newState = state?.form === "newService" ? state : null;
  return (
    <>
      <section aria-labelledby="services-title">
        <h2 id="services-title">{t("departmentsAdmin.servicesTitle")}</h2>
        <p>{t("departmentsAdmin.servicesIntro", { name: departmentName })}</p>
        {services.length === 0 ? <p>{t("departmentsAdmin.noServices")}</p> : null}
        <ul className="plain-list">
          {services.map((s) => {
            const prefix = `service-${s.id}-`;
            const own = state?.form === `service-${s.id}` ? state : null;
            const errors = own?.errors ?? {};
            const v = own?.values ?? {};
            const name = zh ? s.nameZh : s.nameEn;
            return (
              <li key={s.id} data-service={s.code}>
                <h3 id={`service-${s.id}-title`}>
                  {s.code} — {name}{" "}
                  <span className="badge">
                    {t(s.isActive ? "departmentsAdmin.active" : "departmentsAdmin.inactive")}
                  </span>{" "}
                  <span className="badge">
                    {t(s.isPublic ? "departmentsAdmin.public" : "departmentsAdmin.internal")}
                  </span>
                </h3>
                <details open={own != null}>
                  <summary>{t("departmentsAdmin.editService", { code: s.code })}</summary>
                  <ErrorSummary
                    errors={errors}
                    labels={labelsOf(t, t("departmentsAdmin.serviceCode"))}
                    idPrefix={prefix}
                  />
                  <Form method="post" noValidate aria-labelledby={`service-${s.id}-title`}>
                    <CsrfInput />
                    <input type="hidden" name="intent" value="edit-service" />
                    <input type="hidden" name="serviceId" value={s.id} />
                    <Field
                      prefix={prefix}
                      name="nameEn"
                      label={t("departmentsAdmin.nameEn")}
                      lang="en"
                      error={errors.nameEn}
                      defaultValue={v.nameEn ?? s.nameEn}
                    />
                    <Field
                      prefix={prefix}
                      name="nameZh"
                      label={t("departmentsAdmin.nameZh")}
                      lang="zh-HK"
                      error={errors.nameZh}
                      defaultValue={v.nameZh ?? s.nameZh}
                    />
                    <Checkbox
                      prefix={prefix}
                      name="isPublic"
                      label={t("departmentsAdmin.isPublic")}
                      checked={s.isPublic}
                    />
                    <button type="submit" className="button">
                      {t("departmentsAdmin.saveService", { code: s.code })}
                    </button>
                  </Form>
                </details>
                <ActiveToggle
                  intent="service-active"
                  active={s.isActive}
                  name={`${s.code} ${name}`}
                  serviceId={s.id}
                />
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="add-service-title">
        <h2 id="add-service-title">{t("departmentsAdmin.addService")}</h2>
        <ErrorSummary
          errors={newState?.errors ?? {}}
          labels={labelsOf(t, t("departmentsAdmin.serviceCode"))}
          idPrefix="new-service-"
        />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create-service" />
          <Field
            prefix="new-service-"
            name="code"
            label={t("departmentsAdmin.serviceCode")}
            hint={t("departmentsAdmin.serviceCodeHint")}
            error={newState?.errors.code}
            defaultValue={newState?.values.code}
          />
          <Field
            prefix="new-service-"
            name="nameEn"
            label={t("departmentsAdmin.nameEn")}
            lang="en"
            error={newState?.errors.nameEn}
            defaultValue={newState?.values.nameEn}
          />
          <Field
            prefix="new-service-"
            name="nameZh"
            label={t("departmentsAdmin.nameZh")}
            lang="zh-HK"
            error={newState?.errors.nameZh}
            defaultValue={newState?.values.nameZh}
          />
          <Checkbox
            prefix="new-service-"
            name="isPublic"
            label={t("departmentsAdmin.isPublic")}
            checked={newState ? newState.values.isPublic === "on" : true}
          />
          <button type="submit" className="button">
            {t("departmentsAdmin.addServiceButton")}
          </button>
        </Form>
      </section>
    </>
  );
}
