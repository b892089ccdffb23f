import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { requireUser } from "~/models/staff/auth.server";
import { requireSurvey } from "~/models/surveys/access.server";
import { addCollectionPoint, editSurvey, setSurveyStatus } from "~/models/surveys/authoring.server";
import { listCollectionPoints, loadVersion } from "~/models/surveys/lookup.server";
import { countResponses } from "~/models/surveys/responses.server";
import {
  CollectionPointSchema,
  POINT_CHANNELS,
  QUESTION_TYPES,
  type QuestionDef,
  QuestionSchema,
  SurveyDetailsSchema,
} from "~/models/surveys/schema";
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
  const version = (await loadVersion(context.db, survey.current_version_id!))!;
  const [points, total, onVersion] = await Promise.all([
    listCollectionPoints(context.db, survey.id),
    countResponses(context.db, { surveyId: survey.id }),
    countResponses(context.db, { versionId: version.id }),
  ]);
  const url = new URL(request.url);
  return {
    survey: { id: survey.id, slug: survey.slug, status: survey.status },
    version,
    points,
    total,
    onVersion,
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

function optionLines(q: QuestionDef): string {
  return q.options.map((o) => `${o.labelEn} | ${o.labelZh}`).join("\n");
}

function QuestionFields({ q, errors, idPrefix }: { q?: QuestionDef; errors: FieldErrors; idPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField
        name={`${idPrefix}type`}
        label={t("surveys.editor.type")}
        defaultValue={q?.type ?? "rating5"}
        error={errors.type}
        options={QUESTION_TYPES.map((v) => ({ value: v, label: t(`surveys.types.${v}`) }))}
        registration={{ name: "type" } as never}
      />
      <TextField
        name={`${idPrefix}promptEn`}
        label={t("surveys.editor.promptEn")}
        required
        defaultValue={q?.promptEn}
        error={errors.promptEn}
        registration={{ name: "promptEn" } as never}
      />
      <TextField
        name={`${idPrefix}promptZh`}
        label={t("surveys.editor.promptZh")}
        required
        defaultValue={q?.promptZh}
        error={errors.promptZh}
        registration={{ name: "promptZh" } as never}
      />
      <div className={`field${errors.options ? " field-error" : ""}`}>
        <label htmlFor={`field-${idPrefix}options`}>
          {t("surveys.editor.options")} <span className="optional">({t("surveys.editor.optionsWhen")})</span>
        </label>
        <p className="hint" id={`field-${idPrefix}options-hint`}>
          {t("surveys.editor.optionsHint")}
        </p>
        {errors.options ? (
          <p className="error-message" id={`field-${idPrefix}options-error`}>
            {t(errors.options)}
          </p>
        ) : null}
        <textarea
          id={`field-${idPrefix}options`}
          name="options"
          rows={4}
          defaultValue={q ? optionLines(q) : ""}
          aria-describedby={`field-${idPrefix}options-hint`}
        />
      </div>
      <div className="choice">
        <input
          id={`field-${idPrefix}required`}
          type="checkbox"
          name="required"
          defaultChecked={q?.required ?? false}
        />
        <label htmlFor={`field-${idPrefix}required`}>{t("surveys.editor.required")}</label>
      </div>
    </>
  );
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

      <section aria-labelledby="details-title">
        <h2 id="details-title">{t("surveys.editor.details")}</h2>
        <ErrorSummary
          errors={errorsFor("details")}
          labels={{ titleEn: t("surveys.editor.titleEn"), titleZh: t("surveys.editor.titleZh") }}
        />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="details" />
          <TextField
            name="titleEn"
            label={t("surveys.editor.titleEn")}
            required
            defaultValue={version.titleEn}
            error={errorsFor("details").titleEn}
          />
          <TextField
            name="titleZh"
            label={t("surveys.editor.titleZh")}
            required
            defaultValue={version.titleZh}
            error={errorsFor("details").titleZh}
          />
          <div className="field">
            <label htmlFor="field-introEn">
              {t("surveys.editor.introEn")} <span className="optional">({t("forms.optional")})</span>
            </label>
            <textarea id="field-introEn" name="introEn" rows={3} defaultValue={version.introEn} />
          </div>
          <div className="field">
            <label htmlFor="field-introZh">
              {t("surveys.editor.introZh")} <span className="optional">({t("forms.optional")})</span>
            </label>
            <textarea id="field-introZh" name="introZh" rows={3} defaultValue={version.introZh} />
          </div>
          <button type="submit" className="button">
            {t("admin.save")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="questions-title">
        <h2 id="questions-title">{t("surveys.editor.questions")}</h2>
        {version.questions.length === 0 ? <p>{t("surveys.editor.noQuestions")}</p> : null}
        <ol className="plain-list">
          {version.questions.map((q, i) => (
            <li key={q.id} className="question-editor">
              <p>
                <strong>{zh ? q.promptZh : q.promptEn}</strong>{" "}
                <span className="badge">{t(`surveys.types.${q.type}`)}</span>{" "}
                {q.required ? <span className="badge">{t("surveys.editor.requiredBadge")}</span> : null}
              </p>
              <div className="actions">
                <Form method="post" className="inline-form">
                  <CsrfInput />
                  <input type="hidden" name="questionKey" value={q.key} />
                  <button
                    type="submit"
                    name="intent"
                    value="move-up"
                    className="link-button"
                    disabled={i === 0}
                  >
                    {t("surveys.editor.moveUp")}
                    <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                  </button>
                </Form>
                <Form method="post" className="inline-form">
                  <CsrfInput />
                  <input type="hidden" name="questionKey" value={q.key} />
                  <button
                    type="submit"
                    name="intent"
                    value="move-down"
                    className="link-button"
                    disabled={i === version.questions.length - 1}
                  >
                    {t("surveys.editor.moveDown")}
                    <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                  </button>
                </Form>
                <Form method="post" className="inline-form">
                  <CsrfInput />
                  <input type="hidden" name="questionKey" value={q.key} />
                  <button type="submit" name="intent" value="remove-question" className="link-button">
                    {t("surveys.editor.remove")}
                    <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                  </button>
                </Form>
              </div>
              <details open={actionData?.intent === "update-question" && actionData.questionKey === q.key}>
                <summary>
                  {t("surveys.editor.editQuestion")}
                  <span className="visually-hidden">: {zh ? q.promptZh : q.promptEn}</span>
                </summary>
                <ErrorSummary
                  errors={errorsFor("update-question", q.key)}
                  labels={{
                    promptEn: t("surveys.editor.promptEn"),
                    promptZh: t("surveys.editor.promptZh"),
                    options: t("surveys.editor.options"),
                  }}
                  idPrefix={`${q.key}-`}
                />
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="update-question" />
                  <input type="hidden" name="questionKey" value={q.key} />
                  <QuestionFields q={q} errors={errorsFor("update-question", q.key)} idPrefix={`${q.key}-`} />
                  <button type="submit" className="button">
                    {t("admin.save")}
                  </button>
                </Form>
              </details>
            </li>
          ))}
        </ol>
        <h3>{t("surveys.editor.addQuestion")}</h3>
        <ErrorSummary
          errors={errorsFor("add-question")}
          labels={{
            type: t("surveys.editor.type"),
            promptEn: t("surveys.editor.promptEn"),
            promptZh: t("surveys.editor.promptZh"),
            options: t("surveys.editor.options"),
          }}
          idPrefix="new-"
        />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="add-question" />
          <QuestionFields errors={errorsFor("add-question")} idPrefix="new-" />
          <button type="submit" className="button">
            {t("surveys.editor.addQuestion")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="points-title">
        <h2 id="points-title">{t("surveys.points.title")}</h2>
        <p>{t("surveys.points.intro")}</p>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("surveys.points.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("surveys.points.name")}</th>
                <th scope="col">{t("surveys.points.channel")}</th>
                <th scope="col">{t("surveys.points.link")}</th>
                <th scope="col">{t("surveys.points.qr")}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => {
                const link = `${origin}/s/${survey.slug}?p=${p.code}${p.channel === "kiosk" ? "&kiosk=1" : ""}`;
                return (
                  <tr key={p.id}>
                    <td>{zh ? p.name_zh : p.name_en}</td>
                    <td>{t(`surveys.channels.${p.channel}`)}</td>
                    <td>
                      <a href={link}>{link}</a>
                    </td>
                    <td>
                      <div className="actions">
                        <a href={`/staff/surveys/${survey.id}/qr/${p.code}.png`} download>
                          PNG<span className="visually-hidden"> {zh ? p.name_zh : p.name_en}</span>
                        </a>
                        <a href={`/staff/surveys/${survey.id}/qr/${p.code}.svg`} download>
                          SVG<span className="visually-hidden"> {zh ? p.name_zh : p.name_en}</span>
                        </a>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <h3>{t("surveys.points.add")}</h3>
        <ErrorSummary
          errors={errorsFor("add-point")}
          labels={{ nameEn: t("surveys.points.nameEn"), nameZh: t("surveys.points.nameZh") }}
        />
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="add-point" />
          <TextField
            name="nameEn"
            label={t("surveys.points.nameEn")}
            required
            error={errorsFor("add-point").nameEn}
          />
          <TextField
            name="nameZh"
            label={t("surveys.points.nameZh")}
            required
            error={errorsFor("add-point").nameZh}
          />
          <SelectField
            name="channel"
            label={t("surveys.points.channel")}
            error={errorsFor("add-point").channel}
            options={POINT_CHANNELS.map((c) => ({ value: c, label: t(`surveys.channels.${c}`) }))}
          />
          <button type="submit" className="button">
            {t("surveys.points.add")}
          </button>
        </Form>
      </section>
    </div>
  );
}
