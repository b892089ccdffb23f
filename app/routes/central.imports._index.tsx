import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import { recordAudit } from "~/models/audit/audit.server";
import { UPLOAD_FIELD } from "~/models/imports/format";
import {
  createRegistryImport,
  enqueueRegistryImport,
  listRegistryImports,
  markQueueDown,
  viewRegistryImport,
} from "~/models/imports/registry-imports.server";
import { adoptUpload, discardUpload, receiveImportUpload } from "~/models/imports/upload.server";
import { requireUser } from "~/models/staff/auth.server";
import { assertFormContentType } from "~/utils/body.server";
import { assertCsrf, assertSameOrigin } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

/** The central bureau's registry imports: upload a government's folder, and the imports so far. */
const CENTRAL_ADMINS = ["system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "registryImport.page.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL_ADMINS);
  const locale = await getLocale(request);
  const rows = await listRegistryImports(context.db);
  return { imports: rows.map((r) => viewRegistryImport(r, locale)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // Who is asking and from where, before a byte of a possibly large upload is read.
  assertSameOrigin(request, context);
  const user = await requireUser(request, context, CENTRAL_ADMINS);
  assertFormContentType(request);
  const upload = await receiveImportUpload(request, context.env.DATA_DIR);
  if (!upload.ok) {
    if (upload.form) assertCsrf(request, context, upload.form);
    return json(
      { error: `registryImport.page.errors.${upload.error}` },
      upload.error === "tooLarge" ? 413 : 400,
    );
  }
  try {
    assertCsrf(request, context, upload.form);
  } catch (e) {
    discardUpload(upload.incoming);
    throw e;
  }
  const id = await createRegistryImport(context.db, {
    files: upload.files.map((f) => f.name),
    totalBytes: upload.files.reduce((n, f) => n + f.bytes, 0),
    createdBy: user.id,
  });
  adoptUpload(context.env.DATA_DIR, upload.incoming, id);
  await recordAudit(context.db, {
    action: "registry.upload",
    actorUserId: user.id,
    entityType: "registry_import",
    entityId: id,
    detail: { files: upload.files.map((f) => f.name).join(",") },
  });
  try {
    await enqueueRegistryImport(context.redis, context.env.REDIS_PREFIX, id);
  } catch {
    await markQueueDown(context.db, id);
  }
  return redirect(`/central/imports/${id}`);
}

export default function CentralImports() {
  const { t, i18n } = useTranslation();
  const { imports } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const f = formats(i18n.language);
  return (
    <div className="container">
      <h1>{t("registryImport.page.title")}</h1>
      <p>{t("registryImport.page.intro")}</p>
      <p>{t("registryImport.page.formatNote")}</p>
      <h2>{t("registryImport.page.formTitle")}</h2>
      <ErrorSummary errors={{}} labels={{}} formError={actionData?.error ?? null} />
      {/* A plain form: the browser streams the files; Remix's <Form> would not help an upload. */}
      <form method="post" encType="multipart/form-data">
        <CsrfInput />
        <div className="field">
          <label htmlFor="import-files">{t("registryImport.page.filesLabel")}</label>
          <p className="hint" id="import-files-hint">
            {t("registryImport.page.filesHint")}
          </p>
          <input
            id="import-files"
            type="file"
            name={UPLOAD_FIELD}
            multiple
            accept=".zip,.csv"
            required
            aria-describedby="import-files-hint"
          />
        </div>
        <button type="submit" className="button">
          {t("registryImport.page.submit")}
        </button>
      </form>
      <h2>{t("registryImport.page.listTitle")}</h2>
      {imports.length === 0 ? (
        <p>{t("registryImport.page.none")}</p>
      ) : (
        <TableRegion caption={t("registryImport.page.listCaption")}>
          <thead>
            <tr>
              <th scope="col">{t("registryImport.page.columns.import")}</th>
              <th scope="col">{t("registryImport.page.columns.created")}</th>
              <th scope="col">{t("registryImport.page.columns.files")}</th>
              <th scope="col">{t("registryImport.page.columns.status")}</th>
              <th scope="col">{t("registryImport.page.columns.rowsStored")}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/central/imports/${r.id}`}>
                    {t("registryImport.page.importNo", { id: r.id })}
                  </Link>
                </td>
                <td className="nowrap">{f.at(r.createdAt)}</td>
                <td>{r.files.join(", ")}</td>
                <td>{t(`registryImport.page.status.${r.status}`)}</td>
                <td>{f.count(r.rowsStored)}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}
    </div>
  );
}
