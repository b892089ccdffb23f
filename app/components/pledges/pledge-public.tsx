import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import type { PublicPledge, PublicResult } from "~/models/pledges/public.server";
import { formats } from "~/utils/formats";
import { ResultSparkline } from "./pledge-sparkline";

/**
 * The public pledge pages' pieces: a pledge with its target, latest result, a twelve-month
 * sparkline drawn on the server (d3-scale computes it, no JavaScript runs in the browser) with a
 * text alternative and a table of the same months, and how the result is measured.
 * A result is said in words and marked with a symbol, never by colour alone (WCAG 2.2, 1.4.1).
 */

type Status = PublicResult["status"];

const MARK: Record<Status, { symbol: string; color: string; background: string }> = {
  met: { symbol: "✓", color: "#14532d", background: "#e7f5ec" },
  not_met: { symbol: "✗", color: "#7f1d1d", background: "#fdecec" },
  insufficient: { symbol: "–", color: "#374151", background: "#f1f3f5" },
};

/** The pledge pages' numbers and dates in the reader's language, from the one set (~/utils/formats). */
function pledgeFormats(locale: string) {
  const f = formats(locale);
  return {
    /** a percentage given in percent (99.3 → "99.3%") */
    percent: (v: number | null) => (v === null ? "—" : f.percent(v / 100)),
    /** a share 0–1 */
    share: f.percent,
    count: f.count,
    month: f.month,
    shortMonth: f.shortMonth,
    /** the Hong Kong date of an instant, month in full */
    date: f.longDayOf,
  };
}
const PLEDGE_FORMATS = { en: pledgeFormats("en"), zh: pledgeFormats("zh-HK") };

/** Number and date formats in the reader's language (built once per language). */
export function usePledgeFormats(locale: string) {
  return locale.startsWith("zh") ? PLEDGE_FORMATS.zh : PLEDGE_FORMATS.en;
}
export type PledgeFormats = ReturnType<typeof usePledgeFormats>;

/** "✓ Target met", "✗ Target not met", "– Not enough data": a symbol and the words, in a box. */
export function StatusMark({ status }: { status: Status }) {
  const { t } = useTranslation();
  const m = MARK[status];
  return (
    <span
      style={{
        display: "inline-block",
        padding: "0.05rem 0.5rem",
        border: `1px solid ${m.color}`,
        borderRadius: "0.25rem",
        color: m.color,
        background: m.background,
        fontWeight: 600,
        whiteSpace: "nowrap",
      }}
    >
      <span aria-hidden="true">{m.symbol}</span> {t(`pledges.status.${status}`)}
    </span>
  );
}

/** The twelve months, then the years, as a table (the sparkline's figures, and more). */
function ResultsTable({
  pledge,
  service,
  f,
  id,
}: {
  pledge: PublicPledge;
  service: string;
  f: PledgeFormats;
  /** the caption's id: the table's name, and what the chart points at for its description */
  id: string;
}) {
  const { t } = useTranslation();
  const current = pledge.years.at(-1)?.period;
  const row = (r: PublicResult, label: string) => (
    <tr key={r.period}>
      <th scope="row" className="nowrap">
        {label}
      </th>
      <td className="nowrap">{f.percent(r.achieved)}</td>
      <td className="nowrap">{f.count(r.sample)}</td>
      <td className="nowrap">{f.percent(r.target)}</td>
      <td>
        <StatusMark status={r.status} />
      </td>
    </tr>
  );
  // The caption stands outside the scrolling box, so a phone never cuts it off (issue 15); its id
  // is what the chart is described by.
  return (
    <>
      <p className="table-caption" id={id}>
        {t("pledges.pledge.tableCaption", { service })}
      </p>
      <TableRegion labelledBy={id}>
        <thead>
          <tr>
            <th scope="col">{t("pledges.pledge.period")}</th>
            <th scope="col">{t("pledges.pledge.achievedHeader")}</th>
            <th scope="col">{t("pledges.pledge.sampleHeader")}</th>
            <th scope="col">{t("pledges.pledge.targetHeader")}</th>
            <th scope="col">{t("pledges.pledge.resultHeader")}</th>
          </tr>
        </thead>
        <tbody>
          {[...pledge.months].reverse().map((r) => row(r, f.month(r.period)))}
          {[...pledge.years]
            .reverse()
            .map((r) =>
              row(
                r,
                r.period === current
                  ? t("pledges.pledge.yearToDate", { year: r.period })
                  : t("pledges.pledge.year", { year: r.period }),
              ),
            )}
        </tbody>
      </TableRegion>
    </>
  );
}

/** One pledge: statement, target, latest result, trend, table and how it is measured. */
export function PledgeArticle({
  pledge,
  locale,
  level,
}: {
  pledge: PublicPledge;
  locale: string;
  /** the heading level of the pledge's title (its department's page: 2; the government page: 3) */
  level: 2 | 3;
}) {
  const { t } = useTranslation();
  const f = usePledgeFormats(locale);
  const zh = locale.startsWith("zh");
  const pick = (b: { en: string; zh: string }) => (zh ? b.zh : b.en);
  const service = pick(pledge.service);
  const headingId = `pledge-${pledge.code}`;
  const Heading = level === 2 ? "h2" : "h3";
  const latest = pledge.latest;
  return (
    <article
      aria-labelledby={headingId}
      className="card"
      style={{ marginBottom: "1.25rem" }}
      data-pledge={pledge.code}
      data-latest-status={latest.status}
    >
      <Heading id={headingId} style={{ marginTop: 0 }}>
        {service}
      </Heading>
      <p style={{ fontSize: "1.125rem" }}>{pick(pledge.statement)}</p>
      <dl className="pledge-facts">
        <dt>{t("pledges.pledge.target")}</dt>
        <dd>{pick(pledge.target.text)}</dd>
        <dt>{t("pledges.pledge.for")}</dt>
        <dd>{t(`pledges.pledge.customer.${pledge.customer}`)}</dd>
        <dt>{t("pledges.pledge.kind")}</dt>
        <dd>{t(`pledges.pledge.category.${pledge.category}`)}</dd>
      </dl>
      <div className="latest-result" style={{ margin: "0.75rem 0" }}>
        <p style={{ margin: "0 0 0.25rem", fontWeight: 600 }}>
          {t("pledges.pledge.latest", { month: f.month(latest.period) })}{" "}
          <StatusMark status={latest.status} />
        </p>
        <p style={{ margin: 0 }}>
          {latest.sample === 0
            ? t("pledges.pledge.nothingCounted")
            : latest.status === "insufficient"
              ? t("pledges.pledge.tooFew", {
                  sample: f.count(latest.sample),
                  min: f.count(pledge.target.minSample),
                })
              : t("pledges.pledge.achieved", {
                  achieved: f.percent(latest.achieved),
                  sample: f.count(latest.sample),
                })}
        </p>
      </div>
      <p style={{ margin: "0.75rem 0 0", fontWeight: 600 }}>{t("pledges.pledge.trendTitle")}</p>
      <ResultSparkline
        results={pledge.months}
        service={service}
        f={f}
        locale={locale}
        tableId={`${headingId}-table`}
      />
      <details className="chart-table">
        <summary>{t("pledges.pledge.tableToggle")}</summary>
        <ResultsTable pledge={pledge} service={service} f={f} id={`${headingId}-table`} />
      </details>
      <p style={{ marginTop: "0.75rem" }}>
        <strong>{t("pledges.pledge.howMeasured")}</strong> {pick(pledge.measurement)}
      </p>
    </article>
  );
}

/** Links to the open data: everything, or one department's. */
export function OpenDataLinks({ department }: { department?: { code: string; name: string } }) {
  const { t } = useTranslation();
  const base = department ? `/pledges/${department.code}` : "/pledges";
  return (
    <section aria-labelledby="open-data-title" style={{ margin: "1.5rem 0" }}>
      <h2 id="open-data-title">{t("pledges.openData.title")}</h2>
      <p>{t("pledges.openData.body")}</p>
      <ul>
        <li>
          <a href={`${base}.json`} type="application/json">
            {department
              ? t("pledges.openData.departmentJson", { department: department.name })
              : t("pledges.openData.json")}
          </a>
        </li>
        <li>
          <a href={`${base}.csv`} type="text/csv">
            {department
              ? t("pledges.openData.departmentCsv", { department: department.name })
              : t("pledges.openData.csv")}
          </a>
        </li>
      </ul>
      {department ? (
        <p>
          <Link to="/pledges">{t("pledges.public.allDepartments")}</Link>
        </p>
      ) : null}
    </section>
  );
}
