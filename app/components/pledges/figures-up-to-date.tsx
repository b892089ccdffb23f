import { useTranslation } from "react-i18next";
import { formats } from "~/utils/formats";

/**
 * "Figures brought up to date at …" (issue 12): pages read stored results, so they say when the
 * oldest of the figures shown was computed, in Hong Kong time; "not yet computed" when none is.
 */
export function FiguresUpToDate({ at, locale }: { at: string | null; locale: string }) {
  const { t } = useTranslation();
  return (
    <p data-testid="figures-up-to-date">
      {at ? t("storedResults.upToDate", { time: formats(locale).at(at) }) : t("storedResults.notYet")}
    </p>
  );
}
