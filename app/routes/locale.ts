import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { matchLocale } from "~/i18n";
import { localeCookieHeader } from "~/utils/cookies.server";
import { safeRedirect } from "~/utils/http.server";

/** The language switch: a GET form on every page, so it works without JavaScript. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const to = safeRedirect(url.searchParams.get("redirectTo"), "/");
  const locale = matchLocale(url.searchParams.get("lng"));
  if (!locale) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": localeCookieHeader(locale) } });
}
