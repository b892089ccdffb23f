import { type ErrorResponse, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

const KNOWN_STATUSES = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500] as const;

/** What a route may say instead of the generic text for one status: "No case CMP-… here". */
export type StatusHandler = (info: { error: ErrorResponse; code: string | undefined }) => ReactNode;

/** The `code` a thrown Response carries in its JSON body (`{ code: "…" }`), if any. */
function errorCode(data: unknown): string | undefined {
  if (data && typeof data === "object" && "code" in data) return String((data as { code: unknown }).code);
  if (typeof data === "string" && data.startsWith("{")) {
    try {
      return JSON.parse(data).code;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The page shown when a loader or action throws (epic-stack's GeneralErrorBoundary): a title for
 * the status in the reader's language, then the route's own words for that status when it gives
 * them (`statusHandlers`), else the text for the error's `code`, else the status's general text.
 * Every route where a record can be missing exports one naming what was not found.
 */
export function GeneralErrorBoundary({
  statusHandlers,
}: {
  statusHandlers?: Partial<Record<number, StatusHandler>>;
}) {
  const error = useRouteError();
  const { t } = useTranslation();
  let status = 500;
  let code: string | undefined;
  let handled: ReactNode = null;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    code = errorCode(error.data);
    const handler = statusHandlers?.[status];
    if (handler) handled = handler({ error, code });
  } else {
    console.error(error);
  }
  const known = (KNOWN_STATUSES as readonly number[]).includes(status) ? status : 500;
  const detailKey = code ? `errors.codes.${code}` : null;
  return (
    <div className="container narrow">
      <h1>{t(`errors.${known}.title`)}</h1>
      {handled ?? (
        <p>{detailKey && t(detailKey, { defaultValue: "" }) ? t(detailKey) : t(`errors.${known}.body`)}</p>
      )}
      {known === 401 ? (
        <p>
          <a href="/staff/sign-in">{t("auth.signIn")}</a>
        </p>
      ) : null}
      <p>
        <a href="/">{t("errors.backHome")}</a>
      </p>
    </div>
  );
}
