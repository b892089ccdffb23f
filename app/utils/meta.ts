import i18next, { type TFunction } from "i18next";
import { i18nConfig, resources } from "~/i18n";

const fixed = new Map<string, TFunction>();

/** A translator usable outside React (meta functions run without hooks). */
export function tFor(locale: string): TFunction {
  let t = fixed.get(locale);
  if (!t) {
    const instance = i18next.createInstance();
    instance.init({ ...i18nConfig, lng: locale, resources, initImmediate: false });
    t = instance.getFixedT(locale, "common");
    fixed.set(locale, t);
  }
  return t;
}

/** `<title>` for a page: "Page · Pledge", in the page's language (taken from the root loader). */
export function pageTitle(
  matches: readonly { id: string; data?: unknown }[],
  key: string,
  vars: Record<string, string> = {},
) {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = tFor(root?.locale ?? "en");
  return [{ title: `${t(key, vars)} · ${t("app.name")}` }];
}
