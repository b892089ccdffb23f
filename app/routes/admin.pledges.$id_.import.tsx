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
import { importReadings } from "~/models/pledges/readings.server";
import { getPledge } from "~/models/pledges/registry.server";
import {
  MAX_ERRORS_SHOWN,
  READING_COLUMNS,
  type RowError,
  TRANSACTION_COLUMNS,
} from "~/models/pledges/schema";
import { importTransactions } from "~/models/pledges/transactions-import.server";
import { currentVersion, dataKind } from "~/models/pledges/view.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { assertFormContentType, bodyReadError, inPieces, readForm } from "~/utils/body.server";
import { assertCsrf, assertSameOrigin } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "pledgesAdmin.import.pageTitle", { code: data?.pledge.code ?? "" });

const ADMINS = ["department_admin"] as const;

/**
 * The largest file accepted. The web server caps bodies at BODY_LIMIT_BYTES (1 MB) unless this
 * path has an override: it needs one of at least this size (server.ts bodyLimit overrides).
 */
export const IMPORT_MAX_BYTES = 20_000_000;

async function requirePledge(context: AppLoadContext, user: SessionUser, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const pledge = await getPledge(context.db, id, user.departmentId);
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id });
  const version = await currentVersion(context.db, pledge);
  return { pledge, version, kind: dataKind(version) };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const { pledge, version, kind } = await requirePledge(context, user, params.id);
  return {
    pledge: { id: pledge.id, code: pledge.code },
    kind,
    transactionType: version.transaction_type,
    plausible: { min: version.plausible_min, max: version.plausible_max, unit: version.measure_unit },
  };
}

type ActionResult = {
  errors: RowError[];
  errorCount: number;
  filename: string;
  formError?: string;
};

/** The form, from a multipart upload (a file or a paste) or an ordinary form post (a paste). */
async function readImportForm(request: Request): Promise<FormData> {
  assertFormContentType(request);
  const type = request.headers.get("content-type") ?? "";
  if (!/^\s*multipart\/form-data/i.test(type) || !request.body) return readForm(request);
  return unstable_parseMultipartFormData(
    inPieces(request),
    unstable_createMemoryUploadHandler({ maxPartSize: IMPORT_MAX_BYTES }),
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  // Who is asking and from where, before a byte of a possibly large upload is read.
  assertSameOrigin(request, context);
  const user = await requireUser(request, context, ADMINS);
  const { pledge, version, kind } = await requirePledge(context, user, params.id);
  if (!kind) throw badRequest();
  let form: FormData;
  try {
    form = await readImportForm(request);
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) {
      return json<ActionResult>(
        { errors: [], errorCount: 0, filename: "", formError: "pledgesAdmin.import.errors.tooLarge" },
        { status: 413 },
      );
    }
    throw bodyReadError(e);
  }
  assertCsrf(request, context, form);

  const file = form.get("file");
  const pasted = form.get("csv");
  let text = "";
  let filename = "";
  if (file && typeof file !== "string" && file.size > 0) {
    text = await file.text();
    filename = file.name;
  } else if (typeof pasted === "string" && pasted.trim()) {
    text = pasted;
    filename = "pasted.csv";
  } else {
    return json<ActionResult>(
      { errors: [], errorCount: 0, filename: "", formError: "pledgesAdmin.import.errors.noFile" },
      { status: 400 },
    );
  }

  const result =
    kind === "transactions"
      ? await importTransactions(context.db, user, pledge.department_id, filename, text)
      : await importReadings(context.db, user, pledge, version, filename, text);
  if (!result.ok) {
    return json<ActionResult>(
      { errors: result.errors, errorCount: result.errorCount, filename },
      { status: 400 },
    );
  }
  return redirect(`/admin/pledges/${pledge.id}?saved=import&rows=${result.rows}`);
}

export default function ImportPage() {
  const { t, i18n } = useTranslation();
  const { pledge, kind, transactionType, plausible } = useLoaderData<typeof loader>();
  // From the pledges schema, which the browser bundle holds (a .server module's would be empty).
  const columns: readonly string[] = kind === "transactions" ? TRANSACTION_COLUMNS : READING_COLUMNS;
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const num = formats(i18n.language);
  const example =
    kind === "transactions"
      ? [
          columns.join(","),
          `${transactionType ?? "ID-CARD"},A123456,2026-09-22 09:30,2026-10-07 16:00`,
          `${transactionType ?? "ID-CARD"},A123457,2026-09-22T10:05:00+08:00,`,
        ]
      : [columns.join(","), "2026-10-01,15.4,", '2026-10-02,14.8,"Station 3, after repairs"'];
  return (
    <div className="container narrow">
      <p>
        <Link to={`/admin/pledges/${pledge.id}`}>
          {t("pledgesAdmin.pledge.title", { code: pledge.code })}
        </Link>
      </p>
      <h1>{t("pledgesAdmin.import.pageTitle", { code: pledge.code })}</h1>
      {!kind ? (
        <p>{t("pledgesAdmin.import.notHere")}</p>
      ) : (
        <>
          <p>{t(`pledgesAdmin.import.intro.${kind}`)}</p>
          <h2>{t("pledgesAdmin.import.formatTitle")}</h2>
          <p>{t("pledgesAdmin.import.formatIntro")}</p>
          <dl>
            {columns.map((c) => (
              <div key={c}>
                <dt>
                  <code>{c}</code>
                </dt>
                <dd>
                  {t(`pledgesAdmin.import.columns.${c}`, {
                    min: plausible.min ?? "—",
                    max: plausible.max ?? "—",
                    unit: plausible.unit ?? "",
                  })}
                </dd>
              </div>
            ))}
          </dl>
          <p>{t("pledgesAdmin.import.example")}</p>
          <pre>{example.join("\n")}</pre>

          {actionData?.formError ? (
            <div className="error-summary" role="alert" tabIndex={-1}>
              <h2>{t("forms.problemTitle")}</h2>
              <p>{t(actionData.formError, { mb: IMPORT_MAX_BYTES / 1_000_000 })}</p>
            </div>
          ) : null}
          {actionData && actionData.errorCount > 0 ? (
            <div className="error-summary" role="alert" tabIndex={-1} aria-labelledby="import-errors-title">
              <h2 id="import-errors-title">
                {t("pledgesAdmin.import.refused", {
                  n: num.count(actionData.errorCount),
                  filename: actionData.filename,
                })}
              </h2>
              {actionData.errorCount > actionData.errors.length ? (
                <p>{t("pledgesAdmin.import.firstShown", { shown: MAX_ERRORS_SHOWN })}</p>
              ) : null}
              <ul>
                {actionData.errors.map((e) => (
                  <li key={`${e.line}-${e.key}-${e.column ?? ""}`}>
                    {e.column
                      ? t("pledgesAdmin.import.lineColumn", { line: num.count(e.line), column: e.column })
                      : t("pledgesAdmin.import.line", { line: num.count(e.line) })}{" "}
                    {t(e.key, {
                      ...e.values,
                      first: e.values?.first ? num.count(Number(e.values.first)) : "",
                    })}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          <Form method="post" encType="multipart/form-data">
            <CsrfInput />
            <div className="field">
              <label htmlFor="field-file">{t("pledgesAdmin.import.file")}</label>
              <p className="hint" id="field-file-hint">
                {t("pledgesAdmin.import.fileHint", { mb: IMPORT_MAX_BYTES / 1_000_000 })}
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
                {t("pledgesAdmin.import.paste")} <span className="optional">({t("forms.optional")})</span>
              </label>
              <p className="hint" id="field-csv-hint">
                {t("pledgesAdmin.import.pasteHint")}
              </p>
              <textarea id="field-csv" name="csv" rows={8} aria-describedby="field-csv-hint" />
            </div>
            <button type="submit" className="button" disabled={busy}>
              {t("pledgesAdmin.import.submit")}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.pledge")}</p> }} />;
}
