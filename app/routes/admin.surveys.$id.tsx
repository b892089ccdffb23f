import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput } from "~/components/forms";
import { CollectionPoints } from "~/components/surveys/collection-points";
import { QuestionEditor } from "~/components/surveys/question-editor";
import { SurveyDetailsForm } from "~/components/surveys/survey-details-form";
import { requireUser } from "~/models/staff/auth.server";
import { requireSurvey } from "~/models/surveys/access.server";
import { addCollectionPoint, editSurvey, setSurveyStatus } from "~/models/surveys/authoring.server";
import { CollectionPointSchema, QuestionSchema, SurveyDetailsSchema } from "~/models/surveys/schema";
import { surveyEditorView } from "~/models/surveys/view.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf, expectedOrigin } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "surveys.editor.title");

const AUTHORS = ["department_admin"] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, AUTHORS);
  const survey = await requireSurvey(context, user, params.id);
  const view = await surveyEditorView(context.db, survey);
  const url = new URL(request.url);
  return {
    ...view,
    origin: expectedOrigin(request, context),
    saved: url.searchParams.get("saved"),
  };
}

type ActionResult = { intent: string; questionKey?: string; errors: FieldErrors };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, AUTHORS);
  const survey = await requireSurvey(context, user, params.id);
  const intent = String(form.get("intent") ?? "");
  const questionKey = String(form.get("questionKey") ?? "");
  const fail = (errors: FieldErrors, status = 400) =>
    json<ActionResult>({ intent, questionKey, errors }, { status });
  const done = (what: string) => redirect(`/admin/surveys/${survey.id}?saved=${what}`);

  switch (intent) {
    case "details": {
      const parsed = parseForm(SurveyDetailsSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await editSurvey(context.db, user, survey, { kind: "details", ...parsed.data });
      return r.ok ? done(r.newVersion ? "new-version" : "details") : fail({ form: r.error }, 409);
    }
    case "add-question":
    case "update-question": {
      const parsed = parseForm(QuestionSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await editSurvey(
        context.db,
        user,
        survey,
        intent === "add-question"
          ? { kind: "add-question", input: parsed.data }
          : { kind: "update-question", questionKey, input: parsed.data },
      );
      return r.ok ? done(r.newVersion ? "new-version" : "question") : fail({ form: r.error }, 409);
    }
    case "remove-question":
    case "move-up":
    case "move-down": {
      const r = await editSurvey(
        context.db,
        user,
        survey,
        intent === "remove-question"
          ? { kind: "remove-question", questionKey }
          : { kind: "move-question", questionKey, direction: intent === "move-up" ? "up" : "down" },
      );
      return r.ok ? done(r.newVersion ? "new-version" : "question") : fail({ form: r.error }, 409);
    }
    case "publish":
    case "close": {
      const r = await setSurveyStatus(
        context.db,
        user,
        survey,
        intent === "publish" ? "published" : "closed",
      );
      return r.ok ? done(intent) : fail({ form: r.error }, 409);
    }
    case "add-point": {
      const parsed = parseForm(CollectionPointSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      await addCollectionPoint(context.db, user, survey, parsed.data);
      return done("point");
    }
    default:
      throw badRequest();
  }
}

export default function SurveyEditor() {
  const { t, i18n } = useTranslation();
  const { survey, version, points, total, onVersion, origin, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string, key?: string): FieldErrors =>
    actionData && actionData.intent === intent && (key === undefined || actionData.questionKey === key)
      ? actionData.errors
      : {};
  const zh = i18n.language.startsWith("zh");
  const formError = actionData?.errors?.form;
  return (
    <div className="container">
      <p>
        <Link to="/staff/surveys">{t("surveys.list.title")}</Link>
      </p>
      <h1>{zh ? version.titleZh : version.titleEn}</h1>
      <p>
        <span className={`badge ${survey.status}`}>{t(`surveys.status.${survey.status}`)}</span>{" "}
        {t("surveys.editor.versionInfo", { n: version.versionNo, total, onVersion })}
      </p>
      {saved ? (
        <p className="notice success" role="status">
          {t(`surveys.editor.saved.${saved}`, { defaultValue: t("admin.saved") })}
        </p>
      ) : null}
      {formError ? (
        <p className="notice" role="alert">
          {t(formError)}
        </p>
      ) : null}
      {total > 0 && survey.status !== "closed" ? (
        <p className="notice">{t("surveys.editor.versioningNote")}</p>
      ) : null}

      <div className="actions">
        <Link className="button secondary" to={`/admin/surveys/${survey.id}/preview`}>
          {t("surveys.editor.preview")}
        </Link>
        {survey.status !== "published" ? (
          <Form method="post" className="inline-form">
            <CsrfInput />
            <button type="submit" name="intent" value="publish" className="button">
              {t("surveys.editor.publish")}
            </button>
          </Form>
        ) : (
          <Form method="post" className="inline-form">
            <CsrfInput />
            <button type="submit" name="intent" value="close" className="button secondary">
              {t("surveys.editor.close")}
            </button>
          </Form>
        )}
      </div>

      <SurveyDetailsForm version={version} errors={errorsFor("details")} />
      <QuestionEditor
        version={version}
        errorsFor={errorsFor}
        openKey={actionData?.intent === "update-question" ? actionData.questionKey : undefined}
        zh={zh}
      />
      <CollectionPoints
        survey={survey}
        points={points}
        origin={origin}
        errors={errorsFor("add-point")}
        zh={zh}
      />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.survey")}</p> }} />;
}
