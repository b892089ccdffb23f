import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { RecentFeedback } from "~/components/feedback/recent-feedback";
import { CsrfInput, ErrorSummary, mergeErrors, SelectField, TextField } from "~/components/forms";
import { listServices, localName } from "~/models/departments/departments.server";
import { listFeedback, logFeedback } from "~/models/feedback/entries.server";
import { FEEDBACK_CHANNELS, FEEDBACK_KINDS, FeedbackSchema } from "~/models/feedback/schema";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "feedback.title");

const LOGGERS = ["counter_staff", "case_officer", "manager", "department_admin"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, LOGGERS);
  const locale = await getLocale(request);
  const url = new URL(request.url);
  const p = url.searchParams;
  const kind = FEEDBACK_KINDS.find((k) => k === p.get("fk"));
  const channel = FEEDBACK_CHANNELS.find((c) => c === p.get("fc"));
  const important = p.get("fi") === "1";
  const [services, entries] = await Promise.all([
    listServices(context.db, user.departmentId!, { activeOnly: true }),
    listFeedback(context.db, user.departmentId!, { kind, channel, important }),
  ]);
  return {
    locale,
    services: services.map((s) => ({ id: s.id, name: localName(s, locale) })),
    entries: entries.map((e) => ({
      ...e,
      service: (locale.startsWith("zh") ? e.service_zh : e.service_en) ?? null,
    })),
    saved: p.get("saved"),
    savedCase: p.get("case"),
    // The next entry starts with the same channel and service: counter staff log many in a row.
    last: {
      channel: p.get("channel") ?? "counter",
      serviceId: p.get("service") ?? "",
      language: p.get("lang") ?? locale,
    },
    filter: { kind: kind ?? "", channel: channel ?? "", important },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, LOGGERS);
  const parsed = parseForm(FeedbackSchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, 400);
  const d = parsed.data;
  if (d.serviceId) {
    const services = await listServices(context.db, user.departmentId!, { activeOnly: true });
    if (!services.some((s) => s.id === d.serviceId)) {
      const errors: FieldErrors = { serviceId: "validation.invalid" };
      return json({ errors, values: formValues(form) }, 400);
    }
  }
  const result = await logFeedback(
    context.db,
    context.env.PII_KEY,
    { id: user.id, departmentId: user.departmentId! },
    {
      kind: d.kind,
      channel: d.channel,
      serviceId: d.serviceId ?? null,
      summary: d.summary,
      language: d.language,
      important: d.important,
      wantsReply: d.wantsReply,
      contact: { name: d.contactName, email: d.contactEmail, phone: d.contactPhone },
    },
  );
  const next = new URLSearchParams({
    saved: String(result.id),
    channel: d.channel,
    service: d.serviceId ? String(d.serviceId) : "",
    lang: d.language,
  });
  if (result.caseReference) next.set("case", result.caseReference);
  return redirect(`/staff/feedback?${next}`);
}

export default function FeedbackLog() {
  const { t } = useTranslation();
  const { services, entries, saved, savedCase, last, filter, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm({ resolver: zodResolver(FeedbackSchema), mode: "onTouched" });
  const errors = mergeErrors(actionData?.errors, clientErrors);
  const v: Record<string, string> = actionData?.values ?? {};
  const labels = {
    kind: t("feedback.kind"),
    channel: t("feedback.channel"),
    serviceId: t("feedback.service"),
    summary: t("feedback.summary"),
    contactEmail: t("feedback.contactEmail"),
    contactPhone: t("feedback.contactPhone"),
    wantsReply: t("feedback.wantsReply"),
  };
  return (
    <div className="container">
      <h1>{t("feedback.title")}</h1>
      {saved && !actionData ? (
        <p className="notice success" role="status">
          {savedCase
            ? t("feedback.savedWithCase", { id: saved, reference: savedCase })
            : t("feedback.saved", { id: saved })}
        </p>
      ) : null}
      <ErrorSummary errors={errors} labels={labels} />
      <Form
        method="post"
        noValidate
        key={saved ?? "new"}
        className="feedback-form"
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        <CsrfInput />
        <fieldset className={`field${errors.kind ? " field-error" : ""}`}>
          <legend>{labels.kind}</legend>
          {errors.kind ? <p className="error-message">{t(errors.kind)}</p> : null}
          <div className="choices inline">
            {FEEDBACK_KINDS.map((k, i) => (
              <div className="choice" key={k}>
                <input
                  id={i === 0 ? "field-kind" : `field-kind-${k}`}
                  type="radio"
                  value={k}
                  defaultChecked={(v.kind ?? "compliment") === k}
                  // biome-ignore lint/a11y/noAutofocus: counter staff log entry after entry: the form starts where they type
                  autoFocus={i === 0}
                  {...register("kind")}
                />
                <label htmlFor={i === 0 ? "field-kind" : `field-kind-${k}`}>{t(`feedback.kinds.${k}`)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <div className="grid-2">
          <SelectField
            name="channel"
            label={labels.channel}
            defaultValue={v.channel ?? last.channel}
            error={errors.channel}
            options={FEEDBACK_CHANNELS.map((c) => ({ value: c, label: t(`feedback.channels.${c}`) }))}
            registration={register("channel")}
          />
          <SelectField
            name="serviceId"
            label={labels.serviceId}
            defaultValue={v.serviceId ?? last.serviceId}
            error={errors.serviceId}
            options={[
              { value: "", label: t("feedback.anyService") },
              ...services.map((s) => ({ value: String(s.id), label: s.name })),
            ]}
            registration={register("serviceId")}
          />
        </div>
        <div className={`field${errors.summary ? " field-error" : ""}`}>
          <label htmlFor="field-summary">{labels.summary}</label>
          <p className="hint" id="field-summary-hint">
            {t("feedback.summaryHint")}
          </p>
          {errors.summary ? (
            <p className="error-message" id="field-summary-error">
              {t(errors.summary)}
            </p>
          ) : null}
          <textarea
            id="field-summary"
            rows={3}
            maxLength={500}
            defaultValue={v.summary}
            aria-describedby={`field-summary-hint${errors.summary ? " field-summary-error" : ""}`}
            aria-invalid={errors.summary ? true : undefined}
            {...register("summary")}
          />
        </div>
        <div className="grid-2">
          <SelectField
            name="language"
            label={t("feedback.language")}
            defaultValue={v.language ?? last.language}
            options={[
              { value: "en", label: "English" },
              { value: "zh-HK", label: "繁體中文" },
            ]}
            registration={register("language")}
          />
          <div className="field">
            <div className="choice">
              <input
                id="field-important"
                type="checkbox"
                defaultChecked={v.important === "on"}
                {...register("important")}
              />
              <label htmlFor="field-important">{t("feedback.important")}</label>
            </div>
            <div className="choice">
              <input
                id="field-wantsReply"
                type="checkbox"
                defaultChecked={v.wantsReply === "on"}
                {...register("wantsReply")}
              />
              <label htmlFor="field-wantsReply">{labels.wantsReply}</label>
            </div>
            {errors.wantsReply ? <p className="error-message">{t(errors.wantsReply)}</p> : null}
          </div>
        </div>
        <details open={v.wantsReply === "on" || !!errors.contactEmail}>
          <summary>{t("feedback.contactTitle")}</summary>
          <p className="hint">{t("feedback.contactHint")}</p>
          <TextField
            name="contactName"
            label={t("feedback.contactName")}
            defaultValue={v.contactName}
            registration={register("contactName")}
          />
          <TextField
            name="contactEmail"
            type="email"
            label={labels.contactEmail}
            defaultValue={v.contactEmail}
            error={errors.contactEmail}
            registration={register("contactEmail")}
          />
          <TextField
            name="contactPhone"
            type="tel"
            label={labels.contactPhone}
            defaultValue={v.contactPhone}
            error={errors.contactPhone}
            registration={register("contactPhone")}
          />
        </details>
        <button type="submit" className="button">
          {t("feedback.save")}
        </button>
      </Form>

      <RecentFeedback entries={entries} filter={filter} locale={locale} />
    </div>
  );
}
