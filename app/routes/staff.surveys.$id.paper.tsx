import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SurveyForm } from "~/components/surveys/survey-form";
import { recordAudit } from "~/models/audit/audit.server";
import { requireUser } from "~/models/staff/auth.server";
import { PAPER_ROLES, requireSurvey } from "~/models/surveys/access.server";
import { listCollectionPoints, loadVersion } from "~/models/surveys/lookup.server";
import { unknownQuestionFields, versionForSubmission } from "~/models/surveys/public.server";
import { parseResponse, storeResponse } from "~/models/surveys/responses.server";
import { formToObject, RESPONSE_LANGUAGES, type ResponseLanguage } from "~/models/surveys/schema";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "surveys.paper.title");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, PAPER_ROLES);
  const survey = await requireSurvey(context, user, params.id);
  if (survey.status !== "published") throw badRequest("surveyNotOpen");
  const version = (await loadVersion(context.db, survey.current_version_id!))!;
  const points = await listCollectionPoints(context.db, survey.id);
  const url = new URL(request.url);
  const locale = await getLocale(request);
  return {
    surveyId: survey.id,
    version,
    locale,
    points: points.map((p) => ({ code: p.code, name: locale.startsWith("zh") ? p.name_zh : p.name_en })),
    saved: url.searchParams.get("saved"),
    lastPoint: url.searchParams.get("p") ?? "",
    lastLanguage: url.searchParams.get("lang") ?? locale,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, PAPER_ROLES);
  const survey = await requireSurvey(context, user, params.id);
  if (survey.status !== "published") throw badRequest("surveyNotOpen");
  const version = await versionForSubmission(context.db, survey, form.get("versionId"));
  if (!version) throw badRequest("unknownVersion");
  if (unknownQuestionFields(version, form).length) throw badRequest("unknownQuestion");
  const language = String(form.get("language") ?? "");
  if (!(RESPONSE_LANGUAGES as readonly string[]).includes(language)) throw badRequest();
  const pointCode = String(form.get("point") ?? "");
  const points = await listCollectionPoints(context.db, survey.id);
  const point = pointCode ? points.find((p) => p.code === pointCode) : undefined;
  if (pointCode && !point) throw badRequest();
  const raw = formToObject(form);
  const parsed = parseResponse(version, raw);
  if (!parsed.ok) {
    const values = Object.fromEntries(Object.entries(raw).filter(([k]) => /^q\d+$/.test(k))) as Record<
      string,
      string | string[]
    >;
    return json({ errors: parsed.errors, values }, 400);
  }
  const id = await storeResponse(
    context.db,
    {
      survey,
      version,
      channel: "paper",
      language: language as ResponseLanguage,
      collectionPointId: point?.id ?? null,
      enteredBy: user.id,
    },
    parsed.answers,
  );
  await recordAudit(context.db, {
    action: "survey.paper-entry",
    actorUserId: user.id,
    departmentId: survey.department_id,
    entityType: "survey_response",
    entityId: id,
  });
  // Back to a blank form for the next paper, keeping the collection point and language.
  return redirect(
    `/staff/surveys/${survey.id}/paper?${new URLSearchParams({ saved: String(id), p: pointCode, lang: language })}`,
  );
}

export default function PaperEntry() {
  const { t } = useTranslation();
  const { surveyId, version, locale, points, saved, lastPoint, lastLanguage } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const zh = locale.startsWith("zh");
  return (
    <div className="container narrow">
      <p>
        <Link to="/staff/surveys">{t("surveys.list.title")}</Link>
      </p>
      <h1>{t("surveys.paper.title")}</h1>
      <p>
        {zh ? version.titleZh : version.titleEn} · {t("surveys.list.versionN", { n: version.versionNo })}
      </p>
      <p className="hint">{t("surveys.paper.hint")}</p>
      {saved && !actionData ? (
        <p className="notice success" role="status">
          {t("surveys.paper.saved", { id: saved })}
        </p>
      ) : null}
      <SurveyForm
        key={`${version.id}-${saved ?? ""}`}
        version={version}
        locale={locale}
        errors={actionData?.errors}
        values={actionData?.values}
        hidden={{ versionId: String(version.id) }}
        submitLabel={t("surveys.paper.submit")}
        staff
      >
        <div className="field">
          <label htmlFor="field-point">{t("surveys.points.name")}</label>
          <select id="field-point" name="point" defaultValue={lastPoint}>
            <option value="">{t("surveys.paper.noPoint")}</option>
            {points.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="field-language">{t("surveys.paper.language")}</label>
          <select id="field-language" name="language" defaultValue={lastLanguage}>
            <option value="en">English</option>
            <option value="zh-HK" lang="zh-HK">
              繁體中文
            </option>
          </select>
        </div>
      </SurveyForm>
      <p>
        <Link to={`/staff/surveys/${surveyId}/results`}>{t("surveys.list.results")}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.survey")}</p> }} />;
}
