import { Link } from "@remix-run/react";
import { scaleBand, scaleLinear } from "d3-scale";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { PublicPledge, PublicResult } from "~/models/pledges/public.server";
import { formats } from "~/utils/formats";

/**
 * The public pledge pages' pieces: a pledge with its target, latest result, a twelve-month
 * sparkline drawn on the server (d3-scale computes it, no JavaScript runs in the browser) with a
 * text alternative and a table of the same months, and how the result is measured.
 * A result is said in words and marked with a symbol, never by colour alone (WCAG 2.2, 1.4.1).
 */

const INK = "#4a525c";
const BAR = "#0b5394";
const MISS = "#9a3412";

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

/** The sparkline's vertical axis, in percent: always from 0, never cut. */
export const SPARKLINE_DOMAIN = [0, 100] as const;

const W = 276;
const H = 84;
const M = { top: 8, right: 4, bottom: 20, left: 38 };

/** Twelve months as small bars against the target (a dashed line), as one image with a summary. */
export function ResultSparkline({
  results,
  service,
  f,
}: {
  results: PublicResult[];
  service: string;
  f: PledgeFormats;
}) {
  const { t } = useTranslation();
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const titleId = `spark-title-${id}`;
  const stripes = `spark-stripes-${id}`;
  // The axis runs from 0 to 100%: a cut axis makes a one-point dip look like a collapse.
  const [low, high] = SPARKLINE_DOMAIN;
  const x = scaleBand<number>()
    .domain(results.map((_, i) => i))
    .range([M.left, W - M.right])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const y = scaleLinear()
    .domain([low, high])
    .range([H - M.bottom, M.top])
    .clamp(true);
  const base = H - M.bottom;
  const summary = t("pledges.pledge.trendSummary", {
    service,
    months: results
      .map((r) =>
        t("pledges.pledge.trendMonth", {
          month: f.month(r.period),
          achieved: f.percent(r.achieved),
          status: t(`pledges.status.${r.status}`),
        }),
      )
      .join("; "),
  });
  const first = results[0];
  const last = results.at(-1);
  return (
    <figure style={{ margin: "0.5rem 0" }}>
      <svg
        role="img"
        aria-labelledby={titleId}
        viewBox={`0 0 ${W} ${H}`}
        style={{ width: "100%", maxWidth: `${W * 1.4}px`, height: "auto", display: "block" }}
        fontSize={10}
      >
        <title id={titleId}>{summary}</title>
        <defs>
          <pattern id={stripes} patternUnits="userSpaceOnUse" width={4} height={4}>
            <path d="M-1,1 l2,-2 M0,4 l4,-4 M3,5 l2,-2" stroke={MISS} strokeWidth={1.2} />
          </pattern>
        </defs>
        <text x={M.left - 4} y={y(100)} dy="0.32em" textAnchor="end" fill={INK}>
          {f.percent(100)}
        </text>
        <text x={M.left - 4} y={base} dy="0.1em" textAnchor="end" fill={INK}>
          {f.percent(low)}
        </text>
        <line x1={M.left} x2={W - M.right} y1={base} y2={base} stroke={INK} />
        {results.map((r, i) => {
          const left = x(i) ?? 0;
          const bw = x.bandwidth();
          const step = x.step();
          const targetY = y(r.target);
          return (
            <g key={r.period}>
              {r.achieved === null || r.status === "insufficient" ? (
                <circle cx={left + bw / 2} cy={base - 5} r={3.5} fill="#fff" stroke={INK} strokeWidth={1.5} />
              ) : (
                <rect
                  x={left}
                  y={y(r.achieved)}
                  width={bw}
                  height={Math.max(1, base - y(r.achieved))}
                  fill={r.status === "met" ? BAR : `url(#${stripes})`}
                  stroke={r.status === "met" ? BAR : MISS}
                  strokeWidth={r.status === "met" ? 0 : 1.2}
                />
              )}
              <line
                x1={left - (step - bw) / 2}
                x2={left + bw + (step - bw) / 2}
                y1={targetY}
                y2={targetY}
                stroke={INK}
                strokeWidth={1.2}
                strokeDasharray="3 2"
              />
            </g>
          );
        })}
        {first ? (
          <text x={x(0) ?? 0} y={H - 5} textAnchor="start" fill={INK}>
            {f.shortMonth(first.period)}
          </text>
        ) : null}
        {last ? (
          <text x={W - M.right} y={H - 5} textAnchor="end" fill={INK}>
            {f.shortMonth(last.period)}
          </text>
        ) : null}
      </svg>
      <figcaption style={{ fontSize: "0.875rem", color: INK }}>{t("pledges.pledge.trendLegend")}</figcaption>
    </figure>
  );
}

/** The twelve months, then the years, as a table (the sparkline's figures, and more). */
function ResultsTable({ pledge, service, f }: { pledge: PublicPledge; service: string; f: PledgeFormats }) {
  const { t } = useTranslation();
  const current = pledge.years.at(-1)?.period;
  const row = (r: PublicResult, label: string) => (
    <tr key={r.period}>
      <th scope="row">{label}</th>
      <td>{f.percent(r.achieved)}</td>
      <td>{f.count(r.sample)}</td>
      <td>{f.percent(r.target)}</td>
      <td>
        <StatusMark status={r.status} />
      </td>
    </tr>
  );
  return (
    <div className="table-wrap">
      <table>
        <caption>{t("pledges.pledge.tableCaption", { service })}</caption>
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
      </table>
    </div>
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
      <dl style={{ display: "grid", gridTemplateColumns: "max-content 1fr", gap: "0.25rem 1rem" }}>
        <dt style={{ fontWeight: 600 }}>{t("pledges.pledge.target")}</dt>
        <dd style={{ margin: 0 }}>{pick(pledge.target.text)}</dd>
        <dt style={{ fontWeight: 600 }}>{t("pledges.pledge.for")}</dt>
        <dd style={{ margin: 0 }}>{t(`pledges.pledge.customer.${pledge.customer}`)}</dd>
        <dt style={{ fontWeight: 600 }}>{t("pledges.pledge.kind")}</dt>
        <dd style={{ margin: 0 }}>{t(`pledges.pledge.category.${pledge.category}`)}</dd>
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
      <ResultSparkline results={pledge.months} service={service} f={f} />
      <details>
        <summary>{t("pledges.pledge.tableToggle")}</summary>
        <ResultsTable pledge={pledge} service={service} f={f} />
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
