import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { SiteFooter, SiteHeader } from "./components/site-chrome";
import { canManageStaff } from "./models/staff/accounts.server";
import { getUser } from "./models/staff/auth.server";
import stylesHref from "./styles/app.css";
import { getLocale } from "./utils/i18n.server";
import { useNonce } from "./utils/nonce";
import { type RootData, useRootData } from "./utils/root-data";

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
  } satisfies RootData;
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
