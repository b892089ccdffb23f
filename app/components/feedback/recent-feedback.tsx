import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SelectField } from "~/components/forms";
import type { FeedbackListRow } from "~/models/feedback/entries.server";
import { FEEDBACK_CHANNELS, FEEDBACK_KINDS } from "~/models/feedback/schema";
import { formats } from "~/utils/formats";

type Entry = FeedbackListRow & { service: string | null };

/** The "recent feedback" section of the feedback log: its filters (a GET form) and the table. */
export function RecentFeedback({
  entries,
  filter,
  locale,
}: {
  entries: Entry[];
  filter: { kind: string; channel: string; important: boolean };
  locale: string;
}) {
  const { t } = useTranslation();
  const f = formats(locale);
  return (
    <section aria-labelledby="recent-title">
      <h2 id="recent-title">{t("feedback.recent")}</h2>
      <form method="get" className="filters">
        <SelectField
          name="fk"
          label={t("feedback.kind")}
          defaultValue={filter.kind}
          options={[
            { value: "", label: t("feedback.all") },
            ...FEEDBACK_KINDS.map((k) => ({ value: k, label: t(`feedback.kinds.${k}`) })),
          ]}
        />
        <SelectField
          name="fc"
          label={t("feedback.channel")}
          defaultValue={filter.channel}
          options={[
            { value: "", label: t("feedback.all") },
            ...FEEDBACK_CHANNELS.map((c) => ({ value: c, label: t(`feedback.channels.${c}`) })),
          ]}
        />
        <div className="choice">
          <input
            id="filter-important"
            type="checkbox"
            name="fi"
            value="1"
            defaultChecked={filter.important}
          />
          <label htmlFor="filter-important">{t("feedback.importantOnly")}</label>
        </div>
        <button type="submit" className="button secondary">
          {t("feedback.filter")}
        </button>
      </form>
      {entries.length === 0 ? <p>{t("feedback.none")}</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("feedback.recent")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("feedback.when")}</th>
                <th scope="col">{t("feedback.kind")}</th>
                <th scope="col">{t("feedback.channel")}</th>
                <th scope="col">{t("feedback.service")}</th>
                <th scope="col">{t("feedback.summary")}</th>
                <th scope="col">{t("feedback.loggedBy")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{f.shortAt(e.logged_at)}</td>
                  <td>
                    {t(`feedback.kinds.${e.kind}`)}
                    {e.important ? (
                      <>
                        {" "}
                        <span className="badge closed">{t("feedback.importantBadge")}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{t(`feedback.channels.${e.channel}`)}</td>
                  <td>{e.service ?? "—"}</td>
                  <td>
                    {e.summary}
                    {e.case_reference ? (
                      <>
                        <br />
                        <Link to={`/staff/cases/${e.case_id}`}>{e.case_reference}</Link>
                      </>
                    ) : null}
                  </td>
                  <td>{e.logged_by_name ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
