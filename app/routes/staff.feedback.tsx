import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { RecentFeedback } from "~/components/feedback/recent-feedback";
import { CsrfInput, ErrorSummary, mergeErrors, SelectField, TextField } from "~/components/forms";
import type { FilterError } from "~/models/cases/list";
import { listScope } from "~/models/cases/list-scope.server";
import { listDepartments, listServices, localName } from "~/models/departments/departments.server";
import {
  type FeedbackListRow,
  feedbackFilterParams,
  listFeedbackPage,
  logFeedback,
  parseFeedbackFilter,
} from "~/models/feedback/entries.server";
import { FEEDBACK_CHANNELS, FEEDBACK_KINDS, FeedbackSchema } from "~/models/feedback/schema";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "feedback.title");

const LOGGERS = ["counter_staff", "case_officer", "manager", "department_admin"] as const;
/** Who reads the log: those who log, and the central reviewer (read-only, naming a department). */
const VIEWERS = [...LOGGERS, "central_reviewer"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, VIEWERS);
  const locale = await getLocale(request);
  const url = new URL(request.url);
  const p = url.searchParams;
  const scope = await listScope(context, user, p.get("dept"));
  const parsed = parseFeedbackFilter(p);
  const errors: FilterError[] = parsed.ok ? [] : [...parsed.errors];
  if (scope.kind === "unknown")
    errors.unshift({ param: "dept", value: scope.code.slice(0, 60), code: "invalid" });
  const reviewer = user.role === "central_reviewer";
  const departments = reviewer
    ? (await listDepartments(context.db)).map((d) => ({ code: d.code, name: localName(d, locale) }))
    : [];
  const filter = parsed.ok ? parsed.filter : {};
  const base = {
    locale,
    readOnly: scope.kind !== "department" || scope.readOnly,
    chooseDepartment: scope.kind === "choose",
    departments,
    dept: p.get("dept") ?? "",
    services: [] as { id: number; name: string }[],
    entries: [] as (FeedbackListRow & { service: string | null })[],
    next: null as string | null,
    first: null as string | null,
    exportQuery: null as string | null,
    errors,
    saved: p.get("saved"),
    savedCase: p.get("case"),
    // The next entry starts with the same channel and service: counter staff log many in a row.
    last: {
      channel: p.get("channel") ?? "counter",
      serviceId: p.get("service") ?? "",
      language: p.get("lang") ?? locale,
    },
    filter: {
      kind: p.get("fk") ?? "",
      channel: p.get("fc") ?? "",
      important: p.get("fi") === "1",
      service: p.get("fs") ?? "",
      month: p.get("month") ?? "",
      from: p.get("from") ?? "",
      to: p.get("to") ?? "",
      q: p.get("q") ?? "",
    },
  };
  if (scope.kind !== "department" || errors.length > 0)
    return json(base, { status: errors.length > 0 ? 400 : 200 });
  const departmentId = scope.department.id;
  const [services, page] = await Promise.all([
    listServices(context.db, departmentId, { activeOnly: !scope.readOnly }),
    listFeedbackPage(context.db, departmentId, filter, {
      cursorKey: context.env.SESSION_SECRET,
      cursor: p.get("cursor"),
    }),
  ]);
  const data = { ...base, services: services.map((s) => ({ id: s.id, name: localName(s, locale) })) };
  if (!page.ok)
    return json(
      { ...data, errors: [{ param: "cursor", value: "", code: "cursor" as const }] },
      { status: 400 },
    );
  const shown = feedbackFilterParams(filter, p.get("dept") ? scope.department.code : null);
  const next = page.next ? new URLSearchParams(shown) : null;
  if (next && page.next) next.set("cursor", page.next);
  return json({
    ...data,
    entries: page.rows.map((e) => ({
      ...e,
      service: (locale.startsWith("zh") ? e.service_zh : e.service_en) ?? null,
    })),
    next: next?.toString() ?? null,
    first: p.get("cursor") ? shown.toString() : null,
    exportQuery: feedbackFilterParams(filter, scope.department.code).toString(),
  });
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
  const data = useLoaderData<typeof loader>();
  const { services, entries, saved, savedCase, last, filter, locale } = data;
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
      {!data.readOnly ? (
        <>
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
                  <label className="choice" htmlFor={i === 0 ? "field-kind" : `field-kind-${k}`} key={k}>
                    <input
                      id={i === 0 ? "field-kind" : `field-kind-${k}`}
                      type="radio"
                      value={k}
                      defaultChecked={(v.kind ?? "compliment") === k}
                      // biome-ignore lint/a11y/noAutofocus: counter staff log entry after entry: the form starts where they type
                      autoFocus={i === 0}
                      {...register("kind")}
                    />
                    <span>{t(`feedback.kinds.${k}`)}</span>
                  </label>
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
                <label className="choice" htmlFor="field-important">
                  <input
                    id="field-important"
                    type="checkbox"
                    defaultChecked={v.important === "on"}
                    {...register("important")}
                  />
                  <span>{t("feedback.important")}</span>
                </label>
                <label className="choice" htmlFor="field-wantsReply">
                  <input
                    id="field-wantsReply"
                    type="checkbox"
                    defaultChecked={v.wantsReply === "on"}
                    {...register("wantsReply")}
                  />
                  <span>{labels.wantsReply}</span>
                </label>
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
        </>
      ) : null}

      <RecentFeedback
        entries={entries}
        filter={filter}
        locale={locale}
        services={services}
        departments={data.departments}
        dept={data.dept}
        errors={data.errors}
        next={data.next}
        first={data.first}
        chooseDepartment={data.chooseDepartment}
        exportQuery={data.exportQuery}
      />
    </div>
  );
}
