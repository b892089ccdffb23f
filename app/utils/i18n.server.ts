import { RemixI18Next } from "remix-i18next/server";
import { i18nConfig, localeFromAcceptLanguage, matchLocale, resources } from "~/i18n";
import { LOCALE_COOKIE, readCookie } from "./cookies.server";

/**
 * The reader's language: the switch's cookie (a plain value, so the server's own error pages can
 * read it too), then Accept-Language, then English.
 */
export function detectLocale(request: Request): string {
  const header = request.headers.get("cookie");
  return (
    matchLocale(readCookie(header, LOCALE_COOKIE)) ??
    localeFromAcceptLanguage(request.headers.get("accept-language")) ??
    i18nConfig.fallbackLng
  );
}

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...i18nConfig.supportedLngs],
    fallbackLanguage: i18nConfig.fallbackLng,
    order: ["custom"],
    findLocale: async (request) => detectLocale(request),
  },
  i18next: { ...i18nConfig, resources },
});

export async function getLocale(request: Request): Promise<string> {
  return detectLocale(request);
}

export async function getT(request: Request) {
  return i18nServer.getFixedT(request, "common");
}
