import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SurveyForm } from "~/components/surveys/survey-form";
import { requireUser } from "~/models/staff/auth.server";
import { requireSurvey } from "~/models/surveys/access.server";
import { loadVersion } from "~/models/surveys/lookup.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "surveys.editor.preview");

/** The citizen's form as it will look, in the reader's language; it cannot be sent. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin"]);
  const survey = await requireSurvey(context, user, params.id);
  const version = (await loadVersion(context.db, survey.current_version_id!))!;
  return { surveyId: survey.id, version, locale: await getLocale(request) };
}

export default function Preview() {
  const { t } = useTranslation();
  const { surveyId, version, locale } = useLoaderData<typeof loader>();
  const zh = locale.startsWith("zh");
  return (
    <div className="container narrow">
      <p className="notice">{t("surveys.editor.previewNote")}</p>
      <p>
        <Link to={`/admin/surveys/${surveyId}`}>{t("surveys.editor.backToEditor")}</Link>
      </p>
      <h1>{zh ? version.titleZh : version.titleEn}</h1>
      {(zh ? version.introZh : version.introEn) ? (
        <p className="survey-intro">{zh ? version.introZh : version.introEn}</p>
      ) : null}
      <SurveyForm
        version={version}
        locale={locale}
        hidden={{}}
        submitLabel={t("surveys.form.submit")}
        disabled
      />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.survey")}</p> }} />;
}
