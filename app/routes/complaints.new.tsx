import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import {
  AttachmentField,
  ConsentField,
  Honeypot,
  PicsNotice,
  Select,
} from "~/components/cases/complaint-fields";
import { ErrorSummary, mergeErrors, TextArea, TextField } from "~/components/forms";
import { parseUploadForm } from "~/models/cases/attachments.server";
import {
  allowComplaint,
  complaintFormOptions,
  decoyReference,
  submitComplaint,
} from "~/models/cases/intake.server";
import {
  ATTACHMENT_LIMITS,
  COMPLAINT_LIMITS,
  COMPLAINT_TEXT_FIELDS,
  type ComplaintFormValues,
  ComplaintSchema,
  E,
} from "~/models/cases/schema";
import { isHoneypotFilled } from "~/models/rate-limits/public-form.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "complaints.new.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = await getLocale(request);
  return complaintFormOptions(context.db, locale);
}

/** What the citizen typed, to show again after an error: the form's text fields only. */
function textValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of COMPLAINT_TEXT_FIELDS) {
    const v = form.get(k);
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

export async function action({ request, context }: ActionFunctionArgs) {
  // Bounded: files over 5 MB are never held whole, text fields are capped (cases/attachments.server.ts).
  const upload = await parseUploadForm(request);
  const { form } = upload;
  if (isHoneypotFilled(form)) {
    // A bot gets the normal confirmation with a reference that names no case; nothing is stored.
    const dept = form.get("department");
    const ref = await decoyReference(context.db, typeof dept === "string" ? dept : null);
    return redirect(`/complaints/submitted?${new URLSearchParams({ ref })}`, 303);
  }
  const values = textValues(form);
  const parsed = parseForm(ComplaintSchema, form);
  const errors: FieldErrors = { ...(parsed.ok ? {} : parsed.errors), ...upload.errors };
  if (!parsed.ok || Object.keys(errors).length > 0) {
    return json({ errors, values, formError: null as string | null }, 400);
  }
  if (!(await allowComplaint(context))) {
    // What the citizen wrote comes back with the page: nothing is lost but the files.
    return json(
      { errors: {} as FieldErrors, values, formError: E.rateLimited as string | null },
      { status: 429, headers: { "Retry-After": "600" } },
    );
  }
  const language = (await getLocale(request)).startsWith("zh") ? "zh-HK" : "en";
  const result = await submitComplaint(
    context.db,
    context.env.PII_KEY,
    context.env.DATA_DIR,
    { ...parsed.data, language },
    upload.files,
  );
  if (!result.ok) return json({ errors: result.errors as FieldErrors, values, formError: null }, 400);
  // The acknowledgement e-mail (when an address was given) was queued with the case (createCase).
  const query = new URLSearchParams({ ref: result.reference });
  if (parsed.data.email) query.set("email", "1");
  return redirect(`/complaints/submitted?${query}`, 303);
}

/** True once React runs in the browser: the page first renders as it would without JavaScript. */
function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** The client's own check of the chosen files (the server checks again, from their bytes). */
function checkChosenFiles(input: HTMLInputElement | null): string | undefined {
  const files = [...(input?.files ?? [])];
  if (files.length > ATTACHMENT_LIMITS.count) return E.tooManyFiles;
  if (files.some((f) => f.size > ATTACHMENT_LIMITS.bytes)) return E.fileTooLarge;
  return undefined;
}

export default function NewComplaint() {
  const { t } = useTranslation();
  const { departments, services } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const hydrated = useHydrated();
  const values: Record<string, string> = actionData?.values ?? {};
  const [fileError, setFileError] = useState<string | undefined>();
  const {
    register,
    handleSubmit,
    watch,
    setValue,
    formState: { errors: clientErrors },
  } = useForm<ComplaintFormValues>({
    resolver: zodResolver(ComplaintSchema),
    mode: "onTouched",
    defaultValues: values,
  });
  const errors = mergeErrors(actionData?.errors, clientErrors);
  if (fileError) errors.attachment = fileError;
  const labels: Record<string, string> = {
    department: t("complaints.new.department"),
    service: t("complaints.new.service"),
    whatHappened: t("complaints.new.whatHappened"),
    desiredOutcome: t("complaints.new.desiredOutcome"),
    name: t("complaints.new.name"),
    email: t("complaints.new.email"),
    phone: t("complaints.new.phone"),
    attachment: t("complaints.new.attachments"),
    consent: t("complaints.pics.title"),
  };

  // Without JavaScript every department's services are listed, grouped; with it, only the
  // chosen department's. The server checks the pair either way.
  const department = watch("department") ?? values.department ?? "";
  const groups = departments
    .filter((d) => !hydrated || !department || String(d.id) === department)
    .map((d) => ({
      label: d.name,
      options: services
        .filter((s) => s.departmentId === d.id)
        .map((s) => ({ value: String(s.id), label: s.name })),
    }))
    .filter((g) => g.options.length > 0);
  const departmentField = register("department");
  const sending = navigation.state === "submitting";

  return (
    <div className="container narrow">
      <h1>{t("complaints.new.title")}</h1>
      <p className="lead">{t("complaints.new.intro")}</p>
      <ErrorSummary errors={errors} labels={labels} formError={actionData?.formError} />
      <p className="hint">{t("complaints.new.required")}</p>
      <Form
        method="post"
        encType="multipart/form-data"
        noValidate
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          const input = formEl.elements.namedItem("attachment") as HTMLInputElement | null;
          handleSubmit(() => {
            const problem = checkChosenFiles(input);
            setFileError(problem);
            if (!problem) submit(formEl);
          })(event);
        }}
      >
        <Honeypot />

        <fieldset className="question">
          <legend>{t("complaints.new.complaintTitle")}</legend>
          <Select
            name="department"
            label={labels.department!}
            hint={t("complaints.new.departmentHint")}
            error={errors.department}
            required
            defaultValue={values.department ?? ""}
            registration={{
              ...departmentField,
              onChange: async (e) => {
                await departmentField.onChange(e);
                setValue("service", "");
              },
            }}
          >
            <option value="">{t("complaints.new.chooseDepartment")}</option>
            {departments.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
          </Select>
          <Select
            name="service"
            label={labels.service!}
            hint={t("complaints.new.serviceHint")}
            error={errors.service}
            defaultValue={values.service ?? ""}
            registration={register("service")}
          >
            <option value="">{t("complaints.new.serviceNone")}</option>
            {groups.map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </Select>
          <TextArea
            name="whatHappened"
            label={labels.whatHappened!}
            hint={t("complaints.new.whatHappenedHint", { count: COMPLAINT_LIMITS.whatHappened })}
            error={errors.whatHappened}
            required
            rows={8}
            maxLength={COMPLAINT_LIMITS.whatHappened}
            defaultValue={values.whatHappened}
            registration={register("whatHappened")}
          />
          <TextArea
            name="desiredOutcome"
            label={labels.desiredOutcome!}
            hint={t("complaints.new.desiredOutcomeHint", { count: COMPLAINT_LIMITS.desiredOutcome })}
            error={errors.desiredOutcome}
            rows={4}
            maxLength={COMPLAINT_LIMITS.desiredOutcome}
            defaultValue={values.desiredOutcome}
            registration={register("desiredOutcome")}
          />
          <AttachmentField
            label={labels.attachment!}
            error={errors.attachment}
            again={!!actionData}
            onChange={(input) => setFileError(checkChosenFiles(input))}
          />
        </fieldset>

        <fieldset className="question">
          <legend>{t("complaints.new.contactTitle")}</legend>
          <p className="hint">{t("complaints.new.contactIntro")}</p>
          <PicsNotice />
          <TextField
            name="name"
            label={labels.name!}
            autoComplete="name"
            error={errors.name}
            maxLength={COMPLAINT_LIMITS.name}
            defaultValue={values.name}
            registration={register("name")}
          />
          <TextField
            name="email"
            type="email"
            label={labels.email!}
            hint={t("complaints.new.emailHint")}
            autoComplete="email"
            error={errors.email}
            maxLength={COMPLAINT_LIMITS.email}
            defaultValue={values.email}
            registration={register("email")}
          />
          <TextField
            name="phone"
            type="tel"
            label={labels.phone!}
            hint={t("complaints.new.phoneHint")}
            autoComplete="tel"
            error={errors.phone}
            maxLength={COMPLAINT_LIMITS.phoneMax}
            defaultValue={values.phone}
            registration={register("phone")}
          />
          <ConsentField
            error={errors.consent}
            defaultChecked={values.consent === "yes"}
            registration={register("consent")}
          />
        </fieldset>

        <button type="submit" className="button" disabled={sending}>
          {sending ? t("complaints.new.sending") : t("complaints.new.submit")}
        </button>
      </Form>
    </div>
  );
}
