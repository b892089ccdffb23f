import { useTranslation } from "react-i18next";
import { APPEAL_FILTERS, CASE_CHANNELS, CASE_SORTS, CASE_STATUSES } from "~/models/cases/list";

/**
 * The case list's filters: a plain GET form (works without JavaScript) whose fields are the URL's
 * parameters (app/models/cases/list.server.ts, CASE_LIST_PARAMS), folded under the queue's tabs
 * and open when the URL holds some.
 */
export function CaseFilters({
  open,
  values,
  statusValues,
  departments,
  services,
  officers,
}: {
  open: boolean;
  values: Record<string, string>;
  statusValues: string[];
  /** the central reviewer's choice of department; empty for everyone else */
  departments: { code: string; name: string }[];
  services: { id: number; name: string }[];
  officers: { id: number; name: string }[];
}) {
  const { t } = useTranslation();
  return (
    <details className="filters-panel" open={open}>
      <summary>
        <h2 id="case-filters-title">{t("caseLists.filters.title")}</h2>
      </summary>
      <form method="get" action="/staff/cases" className="filters" aria-labelledby="case-filters-title">
        {departments.length > 0 ? (
          <div className="field">
            <label htmlFor="filter-dept">{t("caseLists.params.dept")}</label>
            <select id="filter-dept" name="dept" defaultValue={values.dept}>
              <option value="">{t("caseLists.filters.chooseDepartment")}</option>
              {departments.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
        ) : values.dept ? (
          <input type="hidden" name="dept" value={values.dept} />
        ) : null}
        <fieldset className="field">
          <legend>{t("caseLists.params.status")}</legend>
          <div className="choices inline">
            {CASE_STATUSES.map((s) => (
              <label className="choice" htmlFor={`filter-status-${s}`} key={s}>
                <input
                  id={`filter-status-${s}`}
                  type="checkbox"
                  name="status"
                  value={s}
                  defaultChecked={statusValues.includes(s)}
                />
                <span>{t(`cases.status.${s}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="filter-service">{t("caseLists.params.service")}</label>
            <select id="filter-service" name="service" defaultValue={values.service}>
              <option value="">{t("caseLists.filters.any")}</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-channel">{t("caseLists.params.channel")}</label>
            <select id="filter-channel" name="channel" defaultValue={values.channel}>
              <option value="">{t("caseLists.filters.any")}</option>
              {CASE_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`cases.channels.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-officer">{t("caseLists.params.officer")}</label>
            <select id="filter-officer" name="officer" defaultValue={values.officer}>
              <option value="">{t("caseLists.filters.any")}</option>
              <option value="none">{t("cases.fields.unassigned")}</option>
              {officers.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-appeal">{t("caseLists.params.appeal")}</label>
            <select id="filter-appeal" name="appeal" defaultValue={values.appeal}>
              <option value="">{t("caseLists.filters.any")}</option>
              {APPEAL_FILTERS.map((a) => (
                <option key={a} value={a}>
                  {t(`caseLists.appeal.${a}`)}
                </option>
              ))}
            </select>
          </div>
          {(
            [
              ["received_from", "date"],
              ["received_to", "date"],
              ["due_from", "date"],
              ["due_to", "date"],
              ["received_month", "month"],
              ["closed_month", "month"],
              ["appeal_month", "month"],
            ] as const
          ).map(([name, type]) => (
            <div className="field" key={name}>
              <label htmlFor={`filter-${name}`}>{t(`caseLists.params.${name}`)}</label>
              <p className="hint" id={`filter-${name}-hint`}>
                {t(type === "date" ? "caseLists.filters.dateHint" : "caseLists.filters.monthHint")}
              </p>
              <input
                id={`filter-${name}`}
                type={type}
                name={name}
                defaultValue={values[name]}
                aria-describedby={`filter-${name}-hint`}
              />
            </div>
          ))}
          <div className="field">
            <label htmlFor="filter-within_pledge">{t("caseLists.params.within_pledge")}</label>
            <select id="filter-within_pledge" name="within_pledge" defaultValue={values.within_pledge}>
              <option value="">{t("caseLists.filters.any")}</option>
              <option value="1">{t("caseLists.filters.withinPledgeMet")}</option>
              <option value="0">{t("caseLists.filters.withinPledgeNotMet")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-sort">{t("caseLists.params.sort")}</label>
            <select id="filter-sort" name="sort" defaultValue={values.sort}>
              {CASE_SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`caseLists.sort.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label className="choice" htmlFor="filter-overdue">
          <input
            id="filter-overdue"
            type="checkbox"
            name="overdue"
            value="1"
            defaultChecked={values.overdue === "1"}
          />
          <span>{t("caseLists.params.overdue")}</span>
        </label>
        <div className="field">
          <label htmlFor="filter-q">{t("caseLists.params.q")}</label>
          <p className="hint" id="filter-q-hint">
            {t("caseLists.filters.qHint")}
          </p>
          <input
            id="filter-q"
            type="search"
            name="q"
            defaultValue={values.q}
            maxLength={200}
            aria-describedby="filter-q-hint"
          />
        </div>
        <button type="submit" className="button secondary">
          {t("caseLists.filters.apply")}
        </button>
      </form>
    </details>
  );
}
