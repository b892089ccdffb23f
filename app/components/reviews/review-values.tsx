import { useTranslation } from "react-i18next";

/** A declared or evidenced answer as words: yes, no, a percentage, or a dash when there is none. */
export function useReviewValue() {
  const { t, i18n } = useTranslation();
  const pct = new Intl.NumberFormat(i18n.language.startsWith("zh") ? "zh-HK" : "en-HK", {
    maximumFractionDigits: 1,
  });
  return (v: boolean | number | null | undefined): string => {
    if (v === true) return t("reviews.values.yes");
    if (v === false) return t("reviews.values.no");
    if (typeof v === "number") return `${pct.format(v)}%`;
    return t("reviews.values.none");
  };
}

/** The visible mark where a declaration and its evidence disagree. */
export function DisagreeMark() {
  const { t } = useTranslation();
  return <strong className="badge closed review-disagree">{t("reviews.disagrees")}</strong>;
}
