import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput } from "~/components/forms";
import { getImportRound, importReviewReturns } from "~/models/reviews/import.server";
import { type ImportRowError, MAX_ERRORS_SHOWN, NOTE_MAX } from "~/models/reviews/import-format";
import { REVIEW_QUESTIONS } from "~/models/reviews/questions";
import { requireUser } from "~/models/staff/auth.server";
import { assertFormContentType, bodyReadError, inPieces, readForm } from "~/utils/body.server";
import { assertCsrf, assertSameOrigin } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/**
 * /central/reviews/<id>/import: the central bureau loads a round's returns from a CSV file, all
 * or nothing (app/models/reviews/import.server.ts). The file is small (a row per department): it
 * fits the web server's ordinary 1 MB body cap.
 */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reviewImport.title");

const CENTRAL = ["central_reviewer", "system_admin"] as const;
const MAX_BYTES = 1_000_000;

async function requireRound(context: AppLoadContext, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const round = await getImportRound(context.db, id);
  if (!round) throw notFound();
  return round;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL);
  const round = await requireRound(context, params.id);
  const url = new URL(request.url);
  const loaded = Number(url.searchParams.get("loaded"));
  return {
    round: {
      id: round.id,
      periodFrom: round.period_from,
      periodTo: round.period_to,
      deadline: round.deadline,
      open: round.status === "open",
    },
    loaded:
      Number.isSafeInteger(loaded) && loaded > 0
        ? { stored: loaded, late: url.searchParams.get("late") === "1" }
        : null,
  };
}

type ActionResult = { errors: ImportRowError[]; errorCount: number; filename: string; formError?: string };

/** The form, from a multipart upload (a file or a paste) or an ordinary form post (a paste). */
async function readImportForm(request: Request): Promise<FormData> {
  assertFormContentType(request);
  const type = request.headers.get("content-type") ?? "";
  if (!/^\s*multipart\/form-data/i.test(type) || !request.body) return readForm(request);
  return unstable_parseMultipartFormData(
    inPieces(request),
    unstable_createMemoryUploadHandler({ maxPartSize: MAX_BYTES }),
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  // Who is asking and from where, before a byte of the upload is read.
  assertSameOrigin(request, context);
  const user = await requireUser(request, context, CENTRAL);
  const round = await requireRound(context, params.id);
  const refuse = (formError: string, status = 400) =>
    json<ActionResult>({ errors: [], errorCount: 0, filename: "", formError }, { status });
  let form: FormData;
  try {
    form = await readImportForm(request);
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return refuse("reviewImport.errors.tooLarge", 413);
    throw bodyReadError(e);
  }
  assertCsrf(request, context, form);
  const file = form.get("file");
  const pasted = form.get("csv");
  let text = "";
  let filename = "";
  if (file && typeof file !== "string" && file.size > 0) {
    text = await file.text();
    filename = file.name
      .split(/[\\/]/)
      .pop()!
      .replace(/\p{Cc}/gu, "")
      .slice(0, 200);
  } else if (typeof pasted === "string" && pasted.trim()) {
    text = pasted;
    filename = "pasted.csv";
  } else return refuse("reviewImport.errors.noFile");
  const r = await importReviewReturns(context.db, user, round.id, text);
  if (!r.ok) {
    if (r.formError) return refuse(r.formError, 409);
    return json<ActionResult>({ errors: r.errors, errorCount: r.errorCount, filename }, { status: 400 });
  }
  return redirect(`/central/reviews/${round.id}/import?loaded=${r.stored}&late=${r.late > 0 ? 1 : 0}`);
}

export default function ReviewImportPage() {
  const { t, i18n } = useTranslation();
  const { round, loaded } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const f = formats(i18n.language);
  const example = [
    ["department_code", "publishes_results", "services_pledged_share", "publishes_results_note"].join(","),
    "IMMD,yes,85,",
    'HKP,no,,"Results are published in the annual report, not online"',
  ];
  return (
    <div className="container">
      <p>
        <Link to={`/central/reviews/${round.id}`}>{t("reviewImport.back")}</Link>
      </p>
      <h1>{t("reviewImport.title")}</h1>
      {loaded ? (
        <p className="notice success" role="status">
          {t(loaded.late ? "reviewImport.loadedLate" : "reviewImport.loaded", {
            stored: f.count(loaded.stored),
          })}
        </p>
      ) : null}
      <p>
        {t("reviewImport.intro", {
          from: f.month(round.periodFrom),
          to: f.month(round.periodTo),
          deadline: f.date(round.deadline),
        })}
      </p>
      {round.open ? null : <p className="notice">{t("reviewImport.notOpen")}</p>}
      <h2>{t("reviewImport.formatTitle")}</h2>
      <p>{t("reviewImport.formatIntro")}</p>
      <table>
        <caption className="visually-hidden">{t("reviewImport.formatTitle")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reviewImport.questionColumn")}</th>
            <th scope="col">{t("reviewImport.questionAnswer")}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <code>department_code</code>
            </td>
            <td>{t("reviewImport.columns.department_code")}</td>
          </tr>
          {REVIEW_QUESTIONS.map((q) => (
            <tr key={q.key}>
              <td>
                <code>{q.key}</code>
              </td>
              <td>
                {t(`reviews.questions.${q.key}.label`)} {t(`reviewImport.columns.${q.kind}`)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{t("reviewImport.columns.note", { max: NOTE_MAX })}</p>
      <p>{t("reviewImport.example")}</p>
      <pre>{example.join("\n")}</pre>

      {actionData?.formError ? (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>{t("forms.problemTitle")}</h2>
          <p>{t(actionData.formError)}</p>
        </div>
      ) : null}
      {actionData && actionData.errorCount > 0 ? (
        <div className="error-summary" role="alert" tabIndex={-1} aria-labelledby="import-errors-title">
          <h2 id="import-errors-title">
            {t("reviewImport.refused", { n: f.count(actionData.errorCount), filename: actionData.filename })}
          </h2>
          {actionData.errorCount > actionData.errors.length ? (
            <p>{t("reviewImport.firstShown", { shown: MAX_ERRORS_SHOWN })}</p>
          ) : null}
          <ul>
            {actionData.errors.map((e) => (
              <li key={`${e.line}-${e.key}-${e.column ?? ""}`}>
                {e.column
                  ? t("reviewImport.lineColumn", { line: f.count(e.line), column: e.column })
                  : t("reviewImport.line", { line: f.count(e.line) })}{" "}
                {t(e.key, e.values)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {round.open ? (
        <Form method="post" encType="multipart/form-data">
          <CsrfInput />
          <div className="field">
            <label htmlFor="field-file">{t("reviewImport.file")}</label>
            <p className="hint" id="field-file-hint">
              {t("reviewImport.fileHint")}
            </p>
            <input
              id="field-file"
              type="file"
              name="file"
              accept=".csv,text/csv"
              aria-describedby="field-file-hint"
            />
          </div>
          <div className="field">
            <label htmlFor="field-csv">
              {t("reviewImport.paste")} <span className="optional">({t("forms.optional")})</span>
            </label>
            <p className="hint" id="field-csv-hint">
              {t("reviewImport.pasteHint")}
            </p>
            <textarea id="field-csv" name="csv" rows={8} aria-describedby="field-csv-hint" />
          </div>
          <button type="submit" className="button" disabled={busy}>
            {t("reviewImport.submit")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
