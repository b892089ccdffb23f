import { useTranslation } from "react-i18next";
import { targetSummary, type VersionView } from "~/components/pledges/pledge-form";

export interface VersionRow extends VersionView {
  id: number;
  version_no: number;
  statement_en: string;
  statement_zh: string;
  change_reason: string;
  effective_from: string;
  effective_to: string | null;
}

/** Every version of a pledge, newest first: its statement, target, reason and when it applied. */
export function VersionsTable({ versions }: { versions: VersionRow[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">{t("pledgesAdmin.versions.title")}</h2>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("pledgesAdmin.versions.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("pledgesAdmin.versions.no")}</th>
              <th scope="col">{t("pledgesAdmin.list.statement")}</th>
              <th scope="col">{t("pledgesAdmin.list.target")}</th>
              <th scope="col">{t("pledgesAdmin.versions.reason")}</th>
              <th scope="col">{t("pledgesAdmin.versions.effective")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <th scope="row">{v.version_no}</th>
                <td>{zh ? v.statement_zh : v.statement_en}</td>
                <td>{targetSummary(t, v, zh)}</td>
                <td>{t(`pledgesAdmin.reasons.${v.change_reason}`)}</td>
                <td>
                  {v.effective_to
                    ? t("pledgesAdmin.versions.fromTo", { from: v.effective_from, to: v.effective_to })
                    : t("pledgesAdmin.versions.from", { from: v.effective_from })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
