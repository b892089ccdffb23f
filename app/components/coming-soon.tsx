import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** A citizen task the product does not offer yet, said plainly. */
export function ComingSoon({ titleKey, bodyKey }: { titleKey: string; bodyKey: string }) {
  const { t } = useTranslation();
  return (
    <div className="container narrow">
      <h1>{t(titleKey)}</h1>
      <p>{t(bodyKey)}</p>
      <p className="notice">{t("comingSoon.notYet")}</p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </div>
  );
}
