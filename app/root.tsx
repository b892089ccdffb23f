import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { SiteFooter, SiteHeader } from "./components/site-chrome";
import { canManageStaff } from "./models/staff.server";
import stylesHref from "./styles/app.css";
import { getUser } from "./utils/auth.server";
import { getLocale } from "./utils/i18n.server";
import { useNonce } from "./utils/nonce";
import { useRootData } from "./utils/root-data";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Pledge" }];

export const handle = { i18n: "common" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, user] = await Promise.all([getLocale(request), getUser(request, context)]);
  return {
    locale,
    csrfToken: context.csrfToken,
    user: user
      ? {
          displayName: user.displayName,
          role: user.role,
          departmentCode: user.departmentCode,
          departmentName: locale.startsWith("zh") ? user.departmentNameZh : user.departmentNameEn,
          canManageStaff: canManageStaff(user),
        }
      : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRootData();
  const { i18n, t } = useTranslation();
  const nonce = useNonce();
  const locale = data?.locale ?? i18n.language ?? "en";
  return (
    <html lang={locale} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("layout.skipToContent")}
        </a>
        <SiteHeader user={data?.user ?? null} csrfToken={data?.csrfToken ?? ""} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  return <Outlet />;
}

const KNOWN_STATUSES = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500] as const;

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  let status = 500;
  let code: string | undefined;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const data = error.data as unknown;
    if (data && typeof data === "object" && "code" in data) code = String((data as { code: unknown }).code);
    else if (typeof data === "string" && data.startsWith("{")) {
      try {
        code = JSON.parse(data).code;
      } catch {
        code = undefined;
      }
    }
  } else {
    console.error(error);
  }
  const known = (KNOWN_STATUSES as readonly number[]).includes(status) ? status : 500;
  const detailKey = code ? `errors.codes.${code}` : null;
  return (
    <div className="container narrow">
      <h1>{t(`errors.${known}.title`)}</h1>
      <p>{detailKey && t(detailKey, { defaultValue: "" }) ? t(detailKey) : t(`errors.${known}.body`)}</p>
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
