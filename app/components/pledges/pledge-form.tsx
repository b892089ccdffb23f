import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { SelectField, TextArea, TextField } from "~/components/forms";
import type { SurveyChoice } from "~/models/pledges/schema";
import type { FieldErrors } from "~/utils/forms";

/*
 * The pledge form's fields and the helpers both pledge pages share (the registry's "new pledge"
 * and a pledge's own page): labels, defaults from a version, targets and results in words.
 */

/** The shared schema's messages live in the pledges feature file; this page has its own copies. */
export function adminErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors))
    out[k] = v.replace(/^pledges\.errors\./, "pledgesAdmin.errors.");
  return out;
}

/** The message for a field unmeasurableField named: the target could not be measured by it. */
export const UNMEASURABLE: Record<string, string> = {
  serviceId: "pledgesAdmin.errors.serviceNotOurs",
  questionKey: "pledgesAdmin.errors.questionNotRating",
};

export type VersionView = {
  target_kind: string;
  target_share: number;
  timeliness_source: string | null;
  case_step: string | null;
  transaction_type: string | null;
  days: number | null;
  day_unit: string | null;
  question_key: string | null;
  measure_en: string | null;
  measure_zh: string | null;
  measure_unit: string | null;
  comparator: string | null;
  threshold: number | null;
};

/** "95% within 10 working days (transactions ID-CARD)", in the reader's language. */
export function targetSummary(t: TFunction, v: VersionView, zh: boolean): string {
  const share = v.target_share;
  if (v.target_kind === "timeliness") {
    const source =
      v.timeliness_source === "transactions"
        ? t("pledgesAdmin.summary.transactions", { type: v.transaction_type ?? "" })
        : t(`pledgesAdmin.summary.cases.${v.case_step ?? "reply"}`);
    return t(`pledgesAdmin.summary.timeliness.${v.day_unit === "calendar" ? "calendar" : "working"}`, {
      share,
      days: v.days ?? 0,
      source,
    });
  }
  if (v.target_kind === "satisfaction")
    return t("pledgesAdmin.summary.satisfaction", { share, question: v.question_key ?? "" });
  return t(`pledgesAdmin.summary.measured.${v.comparator === "lte" ? "lte" : "gte"}`, {
    share,
    measure: (zh ? v.measure_zh : v.measure_en) ?? "",
    threshold: v.threshold ?? "",
    unit: v.measure_unit ?? "",
  });
}

/** The result of a period: "96.7% (29 of 30) · not met". */
export function resultText(
  t: TFunction,
  r: { achieved: number | null; compliant: number; sample: number; status: string } | null,
): string {
  if (!r || r.achieved === null) return t("pledgesAdmin.results.noData");
  return t("pledgesAdmin.results.value", {
    achieved: r.achieved,
    compliant: r.compliant,
    sample: r.sample,
    status: t(`pledgesAdmin.results.status.${r.status}`),
  });
}

/** Field → label, for the error summary of the pledge form. */
export function pledgeFieldLabels(t: TFunction): Record<string, string> {
  const keys = [
    "code",
    "serviceId",
    "statementEn",
    "statementZh",
    "customer",
    "category",
    "targetKind",
    "targetShare",
    "minSample",
    "timelinessSource",
    "caseStep",
    "transactionType",
    "days",
    "dayUnit",
    "surveyId",
    "questionKey",
    "measureEn",
    "measureZh",
    "measureUnit",
    "comparator",
    "threshold",
    "plausibleMin",
    "plausibleMax",
    "changeReason",
  ];
  return Object.fromEntries(keys.map((k) => [k, t(`pledgesAdmin.fields.${k}`)]));
}

/** The form values of a stored version, for the edit form. */
export function versionDefaults(
  v: VersionView & Record<string, unknown>,
  serviceId: number,
): Record<string, string> {
  const s = (x: unknown) => (x === null || x === undefined ? "" : String(x));
  return {
    serviceId: s(serviceId),
    statementEn: s(v.statement_en),
    statementZh: s(v.statement_zh),
    customer: s(v.customer),
    category: s(v.category),
    targetKind: s(v.target_kind),
    targetShare: s(v.target_share),
    minSample: s(v.min_sample),
    timelinessSource: s(v.timeliness_source),
    caseStep: s(v.case_step),
    transactionType: s(v.transaction_type),
    days: s(v.days),
    dayUnit: s(v.day_unit),
    surveyId: s(v.survey_id),
    questionKey: s(v.question_key),
    measureEn: s(v.measure_en),
    measureZh: s(v.measure_zh),
    measureUnit: s(v.measure_unit),
    comparator: s(v.comparator),
    threshold: s(v.threshold),
    plausibleMin: s(v.plausible_min),
    plausibleMax: s(v.plausible_max),
  };
}

/**
 * The fields of a pledge version (PledgeVersionSchema). Works without JavaScript: every kind of
 * target's fields are shown, grouped in fieldsets whose hints say when they apply.
 */
export function PledgeFields({
  values,
  errors,
  services,
  surveys,
  withReason,
}: {
  values: Record<string, string>;
  errors: FieldErrors;
  services: { id: number; nameEn: string; nameZh: string }[];
  surveys: SurveyChoice[];
  withReason?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const none = { value: "", label: t("pledgesAdmin.fields.choose") };
  const opts = (prefix: string, list: readonly string[]) =>
    list.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));
  const qid = "field-questionKey";
  return (
    <>
      {withReason ? (
        <SelectField
          name="changeReason"
          label={t("pledgesAdmin.fields.changeReason")}
          defaultValue={values.changeReason ?? ""}
          error={errors.changeReason}
          options={[none, ...opts("pledgesAdmin.reasons", ["strengthened", "new_service", "corrected"])]}
        />
      ) : null}
      <SelectField
        name="serviceId"
        label={t("pledgesAdmin.fields.serviceId")}
        defaultValue={values.serviceId ?? ""}
        error={errors.serviceId}
        options={[none, ...services.map((s) => ({ value: String(s.id), label: zh ? s.nameZh : s.nameEn }))]}
      />
      <TextArea
        name="statementEn"
        label={t("pledgesAdmin.fields.statementEn")}
        required
        maxLength={500}
        defaultValue={values.statementEn}
        error={errors.statementEn}
        hint={t("pledgesAdmin.hints.statement")}
      />
      <TextArea
        name="statementZh"
        label={t("pledgesAdmin.fields.statementZh")}
        required
        maxLength={500}
        defaultValue={values.statementZh}
        error={errors.statementZh}
      />
      <div className="grid-2">
        <SelectField
          name="customer"
          label={t("pledgesAdmin.fields.customer")}
          defaultValue={values.customer ?? "external"}
          error={errors.customer}
          options={opts("pledgesAdmin.customers", ["external", "internal"])}
        />
        <SelectField
          name="category"
          label={t("pledgesAdmin.fields.category")}
          defaultValue={values.category ?? "efficiency"}
          error={errors.category}
          options={opts("pledgesAdmin.categories", ["efficiency", "quality"])}
        />
      </div>
      <SelectField
        name="targetKind"
        label={t("pledgesAdmin.fields.targetKind")}
        defaultValue={values.targetKind ?? "timeliness"}
        error={errors.targetKind}
        options={opts("pledgesAdmin.kinds", ["timeliness", "satisfaction", "measured"])}
      />
      <div className="grid-2">
        <TextField
          name="targetShare"
          type="number"
          label={t("pledgesAdmin.fields.targetShare")}
          hint={t("pledgesAdmin.hints.targetShare")}
          required
          defaultValue={values.targetShare}
          error={errors.targetShare}
        />
        <TextField
          name="minSample"
          type="number"
          label={t("pledgesAdmin.fields.minSample")}
          hint={t("pledgesAdmin.hints.minSample")}
          required
          defaultValue={values.minSample ?? "30"}
          error={errors.minSample}
        />
      </div>

      <fieldset className="field">
        <legend>{t("pledgesAdmin.groups.timeliness")}</legend>
        <p className="hint">{t("pledgesAdmin.hints.timeliness")}</p>
        <SelectField
          name="timelinessSource"
          label={t("pledgesAdmin.fields.timelinessSource")}
          defaultValue={values.timelinessSource ?? ""}
          error={errors.timelinessSource}
          options={[none, ...opts("pledgesAdmin.sources", ["transactions", "cases"])]}
        />
        <div className="grid-2">
          <TextField
            name="transactionType"
            label={t("pledgesAdmin.fields.transactionType")}
            hint={t("pledgesAdmin.hints.transactionType")}
            defaultValue={values.transactionType}
            error={errors.transactionType}
          />
          <SelectField
            name="caseStep"
            label={t("pledgesAdmin.fields.caseStep")}
            defaultValue={values.caseStep ?? ""}
            error={errors.caseStep}
            options={[none, ...opts("pledgesAdmin.steps", ["ack", "reply"])]}
          />
        </div>
        <div className="grid-2">
          <TextField
            name="days"
            type="number"
            label={t("pledgesAdmin.fields.days")}
            defaultValue={values.days}
            error={errors.days}
          />
          <SelectField
            name="dayUnit"
            label={t("pledgesAdmin.fields.dayUnit")}
            defaultValue={values.dayUnit ?? ""}
            error={errors.dayUnit}
            options={[none, ...opts("pledgesAdmin.units", ["working", "calendar"])]}
          />
        </div>
      </fieldset>

      <fieldset className="field">
        <legend>{t("pledgesAdmin.groups.satisfaction")}</legend>
        <p className="hint">{t("pledgesAdmin.hints.satisfaction")}</p>
        <SelectField
          name="surveyId"
          label={t("pledgesAdmin.fields.surveyId")}
          defaultValue={values.surveyId ?? ""}
          error={errors.surveyId}
          options={[
            none,
            ...surveys.map((s) => ({ value: String(s.id), label: zh ? s.titleZh : s.titleEn })),
          ]}
        />
        <div className={`field${errors.questionKey ? " field-error" : ""}`}>
          <label htmlFor={qid}>{t("pledgesAdmin.fields.questionKey")}</label>
          <p className="hint" id={`${qid}-hint`}>
            {t("pledgesAdmin.hints.questionKey")}
          </p>
          {errors.questionKey ? (
            <p className="error-message" id={`${qid}-error`}>
              <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(errors.questionKey)}
            </p>
          ) : null}
          <select
            id={qid}
            name="questionKey"
            defaultValue={values.questionKey ?? ""}
            aria-invalid={errors.questionKey ? true : undefined}
            aria-describedby={`${qid}-hint${errors.questionKey ? ` ${qid}-error` : ""}`}
          >
            <option value="">{none.label}</option>
            {surveys.map((s) => (
              <optgroup key={s.id} label={zh ? s.titleZh : s.titleEn}>
                {s.questions.map((q) => (
                  <option key={`${s.id}-${q.key}`} value={q.key}>
                    {q.key} — {zh ? q.promptZh : q.promptEn}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
      </fieldset>

      <fieldset className="field">
        <legend>{t("pledgesAdmin.groups.measured")}</legend>
        <p className="hint">{t("pledgesAdmin.hints.measured")}</p>
        <div className="grid-2">
          <TextField
            name="measureEn"
            label={t("pledgesAdmin.fields.measureEn")}
            defaultValue={values.measureEn}
            error={errors.measureEn}
          />
          <TextField
            name="measureZh"
            label={t("pledgesAdmin.fields.measureZh")}
            defaultValue={values.measureZh}
            error={errors.measureZh}
          />
        </div>
        <div className="grid-2">
          <SelectField
            name="comparator"
            label={t("pledgesAdmin.fields.comparator")}
            defaultValue={values.comparator ?? ""}
            error={errors.comparator}
            options={[none, ...opts("pledgesAdmin.comparators", ["gte", "lte"])]}
          />
          <TextField
            name="threshold"
            label={t("pledgesAdmin.fields.threshold")}
            defaultValue={values.threshold}
            error={errors.threshold}
          />
        </div>
        <TextField
          name="measureUnit"
          label={t("pledgesAdmin.fields.measureUnit")}
          hint={t("pledgesAdmin.hints.measureUnit")}
          defaultValue={values.measureUnit}
          error={errors.measureUnit}
        />
        <p className="hint">{t("pledgesAdmin.hints.plausible")}</p>
        <div className="grid-2">
          <TextField
            name="plausibleMin"
            label={t("pledgesAdmin.fields.plausibleMin")}
            defaultValue={values.plausibleMin}
            error={errors.plausibleMin}
          />
          <TextField
            name="plausibleMax"
            label={t("pledgesAdmin.fields.plausibleMax")}
            defaultValue={values.plausibleMax}
            error={errors.plausibleMax}
          />
        </div>
      </fieldset>
    </>
  );
}
