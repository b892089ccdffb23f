import { scaleBand, scaleLinear } from "d3-scale";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { CHART_FONT, COLOURS, MonthAxis, TargetLine, TwoSizes } from "~/components/reports/chart-kit";
import type { PublicResult } from "~/models/pledges/public.server";

/** The formats it needs (the pledge pages' own, see pledge-public.tsx). */
interface SparklineFormats {
  percent: (v: number | null) => string;
  month: (m: string) => string;
}

/** The sparkline's vertical axis, in percent: always from 0, never cut. */
export const SPARKLINE_DOMAIN = [0, 100] as const;

// Drawn for a phone no wider than a pledge's card on a 375 px phone (~290 px), so its text is
// never drawn below 12 CSS px there (see chart-kit); for a wider screen wide enough to name every
// month. Neither is ever scaled up.
const NARROW = 280;
const WIDE = 560;
const H = 156;
const M = { top: 22, right: 6, bottom: 42, left: 44 };
const TICKS = [0, 50, 100];

/**
 * Twelve months as bars against the target (a dashed line drawn over them), as one image: its
 * summary is its name, and the table of the same months (`tableId`) describes it.
 */
export function ResultSparkline({
  results,
  service,
  f,
  locale,
  tableId,
}: {
  results: PublicResult[];
  service: string;
  f: SparklineFormats;
  locale: string;
  /** the table of the same figures */
  tableId: string;
}) {
  const { t } = useTranslation();
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const titleId = `spark-title-${id}`;
  const stripes = `spark-stripes-${id}`;
  // The axis runs from 0 to 100% on every pledge: a cut axis makes a one-point dip look like a
  // collapse, and two pledges side by side must be read on the same scale.
  const [low, high] = SPARKLINE_DOMAIN;
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
  return (
    <figure style={{ margin: "0.5rem 0" }}>
      <TwoSizes
        widths={[NARROW, WIDE]}
        draw={(W, size) => {
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
          const step = x.step();
          const bw = x.bandwidth();
          const centre = (i: number) => (x(i) ?? 0) + bw / 2;
          const last = results.at(-1);
          const targetY = last ? y(last.target) : M.top;
          return (
            <svg
              role="img"
              aria-labelledby={`${titleId}-${size}`}
              aria-describedby={tableId}
              viewBox={`0 0 ${W} ${H}`}
              className="chart"
              data-chart="pledge-results"
              data-axis-floor={low}
              style={{ width: "100%", maxWidth: `${W}px`, height: "auto", display: "block" }}
              fontSize={CHART_FONT}
            >
              <title id={`${titleId}-${size}`}>{summary}</title>
              <defs>
                <pattern id={`${stripes}-${size}`} patternUnits="userSpaceOnUse" width={5} height={5}>
                  <rect width={5} height={5} fill="#fff" />
                  <path d="M-1,1 l2,-2 M0,5 l5,-5 M4,6 l2,-2" stroke={COLOURS.miss} strokeWidth={1.6} />
                </pattern>
              </defs>
              <g className="chart-y-axis" fill={COLOURS.muted}>
                {TICKS.map((v) => (
                  <g key={v}>
                    <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} stroke={COLOURS.grid} />
                    <text
                      x={M.left - 5}
                      y={y(v)}
                      dy="0.32em"
                      textAnchor="end"
                      className="chart-tick"
                      data-value={v}
                    >
                      {f.percent(v)}
                    </text>
                  </g>
                ))}
              </g>
              <g className="chart-bars">
                {results.map((r, i) => {
                  const left = x(i) ?? 0;
                  return r.achieved === null || r.status === "insufficient" ? (
                    <circle
                      key={r.period}
                      cx={left + bw / 2}
                      cy={base - 6}
                      r={4.5}
                      fill="#fff"
                      stroke={COLOURS.ink}
                      strokeWidth={1.5}
                    />
                  ) : (
                    <rect
                      key={r.period}
                      className="chart-bar"
                      x={left}
                      y={y(r.achieved)}
                      width={bw}
                      height={Math.max(1, base - y(r.achieved))}
                      fill={r.status === "met" ? COLOURS.bar : `url(#${stripes}-${size})`}
                      stroke={r.status === "met" ? COLOURS.bar : COLOURS.miss}
                      strokeWidth={r.status === "met" ? 0 : 1.5}
                    />
                  );
                })}
              </g>
              <line x1={M.left} x2={W - M.right} y1={base} y2={base} stroke={COLOURS.muted} />
              <MonthAxis
                periods={results.map((r) => r.period)}
                locale={locale}
                centre={centre}
                step={step}
                y={base + 17}
              />
              <TargetLine
                segments={results.map((r, i) => ({
                  x1: (x(i) ?? 0) - (step - bw) / 2,
                  x2: (x(i) ?? 0) + bw + (step - bw) / 2,
                  y: y(r.target),
                }))}
                label={last ? t("charts.target", { value: f.percent(last.target) }) : ""}
                labelX={W - M.right}
                labelY={targetY - 6}
              />
            </svg>
          );
        }}
      />
      <figcaption style={{ fontSize: "0.875rem", color: COLOURS.muted }}>
        {t("pledges.pledge.trendLegend")}
      </figcaption>
    </figure>
  );
}
