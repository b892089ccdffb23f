import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ClosureDayForm, ClosureList } from "~/components/calendar/closure-days";
import { ClosureSurveyForm } from "~/components/cases/closure-survey-form";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { addClosureDay, listClosureDays, removeClosureDay } from "~/models/calendar/closure-days.server";
import {
  getClosureSurveyId,
  listClosureSurveyChoices,
  saveClosureSurvey,
} from "~/models/cases/closure-survey.server";
import { CaseSettingsSchema, ClosureDaySchema, RemoveClosureDaySchema } from "~/models/cases/schema";
import { getCaseSettings, saveCaseSettings } from "~/models/cases/settings.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "caseSettings.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin"]);
  const [settings, closures, choices, selected] = await Promise.all([
    getCaseSettings(context.db, user.departmentId!),
    listClosureDays(context.db, user.departmentId!),
    listClosureSurveyChoices(context.db, user.departmentId!),
    getClosureSurveyId(context.db, user.departmentId!),
  ]);
  const url = new URL(request.url);
  return {
    settings,
    // The department's own days, which it may remove, and the central bureau's territory-wide ones.
    closures: closures.map((c) => ({
      id: c.id,
      date: c.date,
      reasonEn: c.reason_en,
      reasonZh: c.reason_zh,
      territoryWide: c.department_id == null,
      removable: c.department_id === user.departmentId,
    })),
    closureSurvey: { choices, selected },
    saved: url.searchParams.get("saved"),
    moved: Number(url.searchParams.get("moved")) || 0,
  };
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
  if (intent === "closure-survey") {
    // "" is none; anything else must be one of the department's own surveys.
    const raw = String(form.get("closureSurveyId") ?? "");
    const surveyId = raw === "" ? null : /^\d{1,9}$/.test(raw) ? Number(raw) : -1;
    const r = await saveClosureSurvey(context.db, user, user.departmentId!, surveyId);
    if (!r.ok) {
      const errors: FieldErrors = { closureSurveyId: "staffAccount.caseSurvey.errors.unknownSurvey" };
      return json({ intent, errors }, 400);
    }
    return redirect("/admin/case-settings?saved=closure-survey");
  }
  if (intent === "closure") {
    const parsed = parseForm(ClosureDaySchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    // Moves the due dates of the department's open cases the day falls in, in the same transaction.
    const r = await addClosureDay(context.db, user, user.departmentId!, parsed.data);
    if (!r.ok) {
      const errors: FieldErrors = { date: `caseSettings.errors.${r.error}` };
      return json({ intent, errors }, 400);
    }
    return redirect(`/admin/case-settings?saved=closure&moved=${r.moved}`);
  }
  if (intent === "remove-closure") {
    const parsed = parseForm(RemoveClosureDaySchema, form);
    if (!parsed.ok) throw badRequest();
    // Only the department's own days: a territory-wide or another department's day is not found.
    const r = await removeClosureDay(context.db, user, user.departmentId!, parsed.data.closureId);
    if (!r.ok) {
      throw await denyAccess(context, user, "department", { type: "closure_day", id: parsed.data.closureId });
    }
    return redirect(`/admin/case-settings?saved=closure-removed&moved=${r.moved}`);
  }
  throw badRequest();
}

export default function CaseSettingsPage() {
  const { t, i18n } = useTranslation();
  const { settings, closures, closureSurvey, saved, moved } = useLoaderData<typeof loader>();
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
          {saved === "closure"
            ? t("caseSettings.closureAdded", { count: moved })
            : saved === "closure-removed"
              ? t("caseSettings.closureRemoved", { count: moved })
              : saved === "closure-survey"
                ? t("staffAccount.caseSurvey.saved")
                : t("admin.saved")}
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
      <ClosureSurveyForm
        choices={closureSurvey.choices}
        selected={closureSurvey.selected}
        error={actionData?.intent === "closure-survey" ? actionData.errors.closureSurveyId : undefined}
      />
      <section aria-labelledby="closures-title">
        <h2 id="closures-title">{t("caseSettings.closures")}</h2>
        <p>{t("caseSettings.closuresIntro")}</p>
        {closures.length ? (
          <ClosureList
            closures={closures}
            zh={zh}
            canRemove={(c) => c.removable}
            note={(c) => (c.territoryWide ? t("caseSettings.territoryWide") : null)}
          />
        ) : (
          <p>{t("caseSettings.noClosures")}</p>
        )}
        <ClosureDayForm errors={cErr} submitLabel={t("caseSettings.addClosure")} />
      </section>
    </div>
  );
}
