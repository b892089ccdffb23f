import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SelectField } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import type { FilterError } from "~/models/cases/list";
import type { FeedbackListRow } from "~/models/feedback/entries.server";
import { FEEDBACK_CHANNELS, FEEDBACK_KINDS } from "~/models/feedback/schema";
import { formats } from "~/utils/formats";

type Entry = FeedbackListRow & { service: string | null };

/** The "recent feedback" section of the feedback log: its filters (a GET form) and the table. */
export function RecentFeedback({
  entries,
  filter,
  locale,
  services = [],
  departments = [],
  dept = "",
  errors = [],
  next = null,
  first = null,
  chooseDepartment = false,
  exportQuery = null,
}: {
  entries: Entry[];
  filter: {
    kind: string;
    channel: string;
    important: boolean;
    service?: string;
    month?: string;
    from?: string;
    to?: string;
    q?: string;
  };
  locale: string;
  services?: { id: number; name: string }[];
  /** for the central reviewer: the departments to choose from */
  departments?: { code: string; name: string }[];
  dept?: string;
  errors?: FilterError[];
  next?: string | null;
  first?: string | null;
  chooseDepartment?: boolean;
  /** the filters as a query, for the downloads (null: nothing to download) */
  exportQuery?: string | null;
}) {
  const { t } = useTranslation();
  const f = formats(locale);
  return (
    <section aria-labelledby="recent-title">
      <h2 id="recent-title">{t("feedback.recent")}</h2>
      <div aria-live="assertive">
        {errors.length > 0 ? (
          <div className="error-summary" role="alert">
            <h3>{t("caseLists.errors.title")}</h3>
            <ul>
              {errors.map((e) => (
                <li key={`${e.param}-${e.value}`}>
                  {t(`caseLists.errors.${e.code}`, {
                    param: t(`caseLists.params.${e.param}`, { defaultValue: e.param }),
                    value: e.value,
                  })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <form method="get" action="/staff/feedback" className="filters" aria-labelledby="recent-title">
        {departments.length > 0 ? (
          <SelectField
            name="dept"
            label={t("caseLists.params.dept")}
            defaultValue={dept}
            options={[
              { value: "", label: t("caseLists.filters.chooseDepartment") },
              ...departments.map((d) => ({ value: d.code, label: d.name })),
            ]}
          />
        ) : dept ? (
          <input type="hidden" name="dept" value={dept} />
        ) : null}
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
        <SelectField
          name="fs"
          label={t("feedback.service")}
          defaultValue={filter.service ?? ""}
          options={[
            { value: "", label: t("feedback.all") },
            ...services.map((s) => ({ value: String(s.id), label: s.name })),
          ]}
        />
        {(
          [
            ["month", "month", filter.month],
            ["from", "date", filter.from],
            ["to", "date", filter.to],
          ] as const
        ).map(([name, type, value]) => (
          <div className="field" key={name}>
            <label htmlFor={`field-${name}`}>{t(`caseLists.params.${name}`)}</label>
            <input id={`field-${name}`} type={type} name={name} defaultValue={value ?? ""} />
          </div>
        ))}
        <div className="field">
          <label htmlFor="field-q">{t("caseLists.params.q")}</label>
          <input id="field-q" type="search" name="q" maxLength={200} defaultValue={filter.q ?? ""} />
        </div>
        <label className="choice" htmlFor="filter-important">
          <input
            id="filter-important"
            type="checkbox"
            name="fi"
            value="1"
            defaultChecked={filter.important}
          />
          <span>{t("feedback.importantOnly")}</span>
        </label>
        <button type="submit" className="button secondary">
          {t("feedback.filter")}
        </button>
      </form>
      {chooseDepartment ? <p>{t("caseLists.chooseDepartment")}</p> : null}
      {exportQuery != null ? (
        <p className="actions">
          <a href={`/staff/feedback/export.csv?${exportQuery}`}>{t("caseLists.export.csv")}</a>{" "}
          <a href={`/staff/feedback/export.xlsx?${exportQuery}`}>{t("caseLists.export.xlsx")}</a>
        </p>
      ) : null}
      {entries.length === 0 && !chooseDepartment && errors.length === 0 ? <p>{t("feedback.none")}</p> : null}
      {entries.length > 0 ? (
        <TableRegion caption={t("feedback.recent")} captionHidden>
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
                <td className="nowrap">{f.shortAt(e.logged_at)}</td>
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
        </TableRegion>
      ) : null}
      {next || first ? (
        <nav aria-label={t("caseLists.paging")} className="actions">
          {first != null ? (
            <Link to={`/staff/feedback?${first}`}>{t("caseLists.feedbackList.firstPage")}</Link>
          ) : null}{" "}
          {next ? (
            <Link to={`/staff/feedback?${next}`} rel="next">
              {t("caseLists.feedbackList.nextPage")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
