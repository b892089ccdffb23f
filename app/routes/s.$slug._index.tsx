import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SurveyForm } from "~/components/surveys/survey-form";
import { invitationState, redeemInvitation } from "~/models/cases/messages.server";
import { allowSurveySubmission, isHoneypotFilled } from "~/models/rate-limits/public-form.server";
import {
  findPublicSurvey,
  surveySubject,
  unknownQuestionFields,
  versionForSubmission,
} from "~/models/surveys/public.server";
import { parseResponse, storeResponse } from "~/models/surveys/responses.server";
import { formToObject, type ResponseLanguage } from "~/models/surveys/schema";
import { readForm } from "~/utils/body.server";
import { badRequest, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { tFor } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = tFor(root?.locale ?? "en");
  return [{ title: `${data?.title ?? t("surveys.form.title")} · ${t("app.name")}` }];
};

function gone(code = "surveyClosed"): Response {
  return new Response(JSON.stringify({ code }), {
    status: 410,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

async function load(request: Request, context: LoaderFunctionArgs["context"], slug: string | undefined) {
  const url = new URL(request.url);
  const found = await findPublicSurvey(context.db, slug ?? "", url.searchParams.get("p"));
  if (found.status === "missing") throw notFound();
  if (found.status === "closed") throw gone();
  // An invitation link (closing the loop on a case) may be answered once.
  const token = url.searchParams.get("t");
  const invitation = await invitationState(context.db, found.survey.id, token);
  if (invitation === "unknown") throw notFound();
  if (invitation === "used") throw gone("invitationUsed");
  return {
    ...found,
    token: invitation === "open" ? token : null,
    kiosk: url.searchParams.get("kiosk") === "1",
  };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { survey, version, point, kiosk, token } = await load(request, context, params.slug);
  const locale = await getLocale(request);
  const subject = await surveySubject(context.db, survey, token);
  const zh = locale.startsWith("zh");
  return {
    department: zh ? subject.department.zh : subject.department.en,
    service: subject.service ? (zh ? subject.service.zh : subject.service.en) : null,
    slug: survey.slug,
    version,
    pointCode: point?.code ?? null,
    kiosk,
    locale,
    title: locale.startsWith("zh") ? version.titleZh : version.titleEn,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { survey, point, kiosk, token } = await load(request, context, params.slug);
  const form = await readForm(request);
  const thanks = `/s/${survey.slug}/thanks?${new URLSearchParams({
    ...(point ? { p: point.code } : {}),
    ...(kiosk ? { kiosk: "1" } : {}),
  })}`;
  if (isHoneypotFilled(form)) return redirect(thanks);
  const version = await versionForSubmission(context.db, survey, form.get("versionId"));
  if (!version) throw badRequest("unknownVersion");
  if (unknownQuestionFields(version, form).length) throw badRequest("unknownQuestion");
  const raw = formToObject(form);
  const values = Object.fromEntries(Object.entries(raw).filter(([k]) => /^q\d+$/.test(k))) as Record<
    string,
    string | string[]
  >;
  const parsed = parseResponse(version, raw);
  if (!parsed.ok) return json({ errors: parsed.errors, values, formError: null }, 400);
  if (!(await allowSurveySubmission(context, String(point?.id ?? `survey-${survey.id}`)))) {
    // The citizen's answers come back with the page: nothing they wrote is lost.
    return json(
      { errors: {}, values, formError: "surveys.errors.rateLimited" },
      { status: 429, headers: { "Retry-After": "60" } },
    );
  }
  if (token && !(await redeemInvitation(context.db, survey.id, token))) throw gone("invitationUsed");
  const language = (await getLocale(request)) as ResponseLanguage;
  await storeResponse(
    context.db,
    {
      survey,
      version,
      channel: point?.channel ?? "web",
      language,
      collectionPointId: point?.id ?? null,
    },
    parsed.answers,
  );
  return redirect(thanks);
}

export default function CitizenSurvey() {
  const { t } = useTranslation();
  const { version, pointCode, kiosk, locale, title, department, service } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const intro = locale.startsWith("zh") ? version.introZh : version.introEn;
  return (
    <div className="container narrow">
      <h1>{title}</h1>
      <dl className="survey-subject">
        <dt>{t("surveys.form.department")}</dt>
        <dd>{department}</dd>
        <dt>{t("surveys.form.service")}</dt>
        <dd>{service ?? t("surveys.form.allServices")}</dd>
      </dl>
      {intro ? <p className="survey-intro">{intro}</p> : null}
      <p className="hint">{t("surveys.form.anonymous")}</p>
      {actionData?.formError ? (
        <p className="notice" role="alert">
          {t(actionData.formError)}
        </p>
      ) : null}
      <SurveyForm
        key={version.id}
        version={version}
        locale={locale}
        errors={actionData?.errors}
        values={actionData?.values}
        hidden={{ versionId: String(version.id), ...(pointCode ? { p: pointCode } : {}) }}
        submitLabel={t("surveys.form.submit")}
        honeypot
        autoComplete={kiosk ? "off" : "on"}
      />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.publicSurvey")}</p> }} />;
}
