import { RemixI18Next } from "remix-i18next/server";
import { i18nConfig, localeFromAcceptLanguage, resources } from "~/i18n";
import { localeCookie } from "./cookies.server";

/** Language: the switch's cookie first, then Accept-Language, then English. */
export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...i18nConfig.supportedLngs],
    fallbackLanguage: i18nConfig.fallbackLng,
    cookie: localeCookie,
    order: ["cookie", "custom"],
    findLocale: async (request) => localeFromAcceptLanguage(request.headers.get("accept-language")),
  },
  i18next: { ...i18nConfig, resources },
});

export async function getLocale(request: Request): Promise<string> {
  return i18nServer.getLocale(request);
}

export async function getT(request: Request) {
  return i18nServer.getFixedT(request, "common");
}
