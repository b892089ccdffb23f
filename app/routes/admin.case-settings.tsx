import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { getCaseSettings } from "~/models/case.server";
import { CaseSettingsSchema, ClosureDaySchema } from "~/models/case-settings.schema";
import { addClosureDay, listClosureDays, saveCaseSettings } from "~/models/case-settings.server";
import { requireUser } from "~/utils/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "caseSettings.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin"]);
  const [settings, closures] = await Promise.all([
    getCaseSettings(context.db, user.departmentId!),
    listClosureDays(context.db, user.departmentId!),
  ]);
  return { settings, closures, saved: new URL(request.url).searchParams.get("saved") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ["department_admin"]);
  const intent = form.get("intent");
  if (intent === "settings") {
    const parsed = parseForm(CaseSettingsSchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    await saveCaseSettings(context.db, user, user.departmentId!, parsed.data);
    return redirect("/admin/case-settings?saved=settings");
  }
  if (intent === "closure") {
    const parsed = parseForm(ClosureDaySchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    if (!(await addClosureDay(context.db, user, user.departmentId!, parsed.data))) {
      const errors: FieldErrors = { date: "caseSettings.errors.date" };
      return json({ intent, errors }, 400);
    }
    return redirect("/admin/case-settings?saved=closure");
  }
  throw badRequest();
}

export default function CaseSettingsPage() {
  const { t, i18n } = useTranslation();
  const { settings, closures, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const sErr: FieldErrors = actionData?.intent === "settings" ? actionData.errors : {};
  const cErr: FieldErrors = actionData?.intent === "closure" ? actionData.errors : {};
  const units = [
    { value: "working", label: t("caseSettings.working") },
    { value: "calendar", label: t("caseSettings.calendar") },
  ];
  const zh = i18n.language.startsWith("zh");
  const pair = (daysName: string, unitName: string, label: string, daysValue: number, unitValue?: string) => (
    <div className="grid-2">
      <TextField
        name={daysName}
        type="number"
        label={label}
        required
        defaultValue={String(daysValue)}
        error={sErr[daysName]}
      />
      {unitValue ? (
        <SelectField
          name={unitName}
          label={t("caseSettings.unit")}
          defaultValue={unitValue}
          options={units}
        />
      ) : null}
    </div>
  );
  return (
    <div className="container narrow">
      <h1>{t("caseSettings.title")}</h1>
      <p>{t("caseSettings.intro")}</p>
      {saved ? (
        <p className="notice success" role="status">
          {t("admin.saved")}
        </p>
      ) : null}
      <ErrorSummary errors={sErr} labels={{}} />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="settings" />
        {pair("ackDays", "ackUnit", t("caseSettings.ack"), settings.ack_days, settings.ack_unit)}
        {pair("replyDays", "replyUnit", t("caseSettings.reply"), settings.reply_days, settings.reply_unit)}
        {pair("appealWindowDays", "", t("caseSettings.appealWindow"), settings.appeal_window_days)}
        {pair(
          "appealReplyDays",
          "appealReplyUnit",
          t("caseSettings.appealReply"),
          settings.appeal_reply_days,
          settings.appeal_reply_unit,
        )}
        {pair("purgeAfterDays", "", t("caseSettings.purgeAfter"), settings.purge_after_days)}
        <button type="submit" className="button">
          {t("admin.save")}
        </button>
      </Form>
      <section aria-labelledby="closures-title">
        <h2 id="closures-title">{t("caseSettings.closures")}</h2>
        <p>{t("caseSettings.closuresIntro")}</p>
        {closures.length ? (
          <ul>
            {closures.map((c) => (
              <li key={c.id}>
                {c.date} — {zh ? c.reason_zh : c.reason_en}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("caseSettings.noClosures")}</p>
        )}
        <ErrorSummary errors={cErr} labels={{ date: t("caseSettings.date") }} />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="closure" />
          <TextField name="date" type="date" label={t("caseSettings.date")} required error={cErr.date} />
          <TextField name="reasonEn" label={t("caseSettings.reasonEn")} required error={cErr.reasonEn} />
          <TextField name="reasonZh" label={t("caseSettings.reasonZh")} required error={cErr.reasonZh} />
          <button type="submit" className="button">
            {t("caseSettings.addClosure")}
          </button>
        </Form>
      </section>
    </div>
  );
}
