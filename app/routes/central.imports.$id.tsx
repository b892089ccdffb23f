import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableRegion } from "~/components/table-region";
import {
  getRegistryImport,
  readLiveProgress,
  viewRegistryImport,
} from "~/models/imports/registry-imports.server";
import { requireUser } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

/** One registry import: its status, rows read and stored, time left, and a refused load's errors. */
const CENTRAL_ADMINS = ["system_admin"] as const;

/** While it runs, the page reloads itself every 2 s: progress without JavaScript. */
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  ...pageTitle(matches, "registryImport.page.importNo", { id: String(data?.view.id ?? "") }),
  ...(data?.view.running ? [{ httpEquiv: "refresh", content: "2" }] : []),
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL_ADMINS);
  const id = Number(params.id);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const row = await getRegistryImport(context.db, id);
  if (!row) throw notFound();
  const locale = await getLocale(request);
  return { view: viewRegistryImport(row, locale, readLiveProgress(context.env.DATA_DIR, id)) };
}

function timeLeft(t: (k: string, v?: Record<string, unknown>) => string, seconds: number | null): string {
  if (seconds === null) return t("registryImport.page.timeUnknown");
  if (seconds < 60) return t("registryImport.page.seconds", { count: seconds });
  return t("registryImport.page.minutes", { count: Math.ceil(seconds / 60) });
}

export default function CentralImport() {
  const { t, i18n } = useTranslation();
  const { view } = useLoaderData<typeof loader>();
  const f = formats(i18n.language);
  return (
    <div className="container">
      <p>
        <Link to="/central/imports">{t("registryImport.page.title")}</Link>
      </p>
      <h1>{t("registryImport.page.importNo", { id: view.id })}</h1>
      <dl className="summary">
        <div>
          <dt>{t("registryImport.page.columns.status")}</dt>
          <dd data-status={view.status}>{t(`registryImport.page.status.${view.status}`)}</dd>
        </div>
        <div>
          <dt>{t("registryImport.page.columns.files")}</dt>
          <dd>{view.files.join(", ")}</dd>
        </div>
        <div>
          <dt>{t("registryImport.page.rowsRead")}</dt>
          <dd>{f.count(view.rowsRead)}</dd>
        </div>
        <div>
          <dt>{t("registryImport.page.columns.rowsStored")}</dt>
          <dd>{f.count(view.rowsStored)}</dd>
        </div>
        {view.running ? (
          <>
            <div>
              <dt>{t("registryImport.page.progress")}</dt>
              <dd>
                <progress max={100} value={view.percent}>
                  {view.percent}%
                </progress>{" "}
                {view.percent}%
              </dd>
            </div>
            <div>
              <dt>{t("registryImport.page.timeLeft")}</dt>
              <dd>{timeLeft(t, view.secondsLeft)}</dd>
            </div>
          </>
        ) : null}
        {view.finishedAt ? (
          <div>
            <dt>{t("registryImport.page.finished")}</dt>
            <dd>{f.at(view.finishedAt)}</dd>
          </div>
        ) : null}
      </dl>
      {view.running ? <p>{t("registryImport.page.refreshNote")}</p> : null}
      {view.status === "refused" ? <p>{t("registryImport.page.refusedNote")}</p> : null}
      {view.errors.length ? (
        <TableRegion caption={t("registryImport.page.errorsCaption")}>
          <thead>
            <tr>
              <th scope="col">{t("registryImport.page.columns.file")}</th>
              <th scope="col">{t("registryImport.page.columns.line")}</th>
              <th scope="col">{t("registryImport.page.columns.column")}</th>
              <th scope="col">{t("registryImport.page.columns.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {view.errors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the errors are a fixed list, in file order
              <tr key={i}>
                <td>{e.file}</td>
                <td>{e.line ?? ""}</td>
                <td>{e.column ?? ""}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("registryImport.page.notFound")}</p> }} />;
}
