import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { KeepValueTogether } from "~/components/nowrap";
import type { CasePageView } from "~/models/cases/view.server";
import { formats } from "~/utils/formats";

/** The case page's heading: reference, status, assignee, what was just saved or refused, a pending referral. */
export function CaseHeader({
  view,
  saved,
  formError,
}: {
  view: Pick<CasePageView, "case" | "referral">;
  saved: string | null;
  formError: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const c = view.case;
  return (
    <>
      <p>
        <Link to="/staff/cases">{t("cases.queue.title")}</Link>
      </p>
      <h1>
        <KeepValueTogether text={t("cases.case.title", { reference: c.reference })} value={c.reference} />
      </h1>
      <p>
        <span className={`badge ${c.status}`}>{t(`cases.status.${c.status}`)}</span>{" "}
        {c.assignedName ? t("cases.case.assignedTo", { name: c.assignedName }) : t("cases.fields.unassigned")}
      </p>
      {saved ? (
        <p className="notice success" role="status">
          {t(`cases.saved.${saved}`, { defaultValue: t("admin.saved") })}
        </p>
      ) : null}
      {formError ? (
        <p className="notice" role="alert">
          {t(formError)}
        </p>
      ) : null}
      {view.referral ? (
        <p className="notice">
          {t("cases.referrals.pending", {
            department: view.referral.to,
            date: f.at(view.referral.at),
          })}
        </p>
      ) : null}
    </>
  );
}
