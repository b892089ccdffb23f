import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { type ReactNode, useId } from "react";
import { TableRegion } from "~/components/table-region";
import { CHART_FONT, COLOURS, everyNth, MonthAxis, TwoSizes, textWidth } from "./chart-kit";

/**
 * Charts drawn on the server as SVG: d3-scale and d3-shape compute the geometry, React writes the
 * markup, and no JavaScript runs in the browser. Each chart is one image (role="img") named by a
 * text summary of its figures and described by the table of the same figures that follows it
 * (WCAG 2.2, 1.1.1 non-text content; W3C WAI "Complex images"). It is drawn twice, for a phone and
 * for a wider screen, so its text is never drawn below 12 CSS px (chart-kit.tsx).
 */

const HEIGHT = 230;
const MARGIN = { top: 22, right: 12, bottom: 44, left: 48 };
/** room above a trend chart for its legend */
const LEGEND = 20;

const figureStyle = { margin: "0.75rem 0 1rem" } as const;

/** An SVG drawn at `width` units and shown at most that many CSS px wide: never scaled up. */
function svgProps(width: number) {
  return {
    viewBox: `0 0 ${width} ${HEIGHT}`,
    style: { width: "100%", height: "auto", maxWidth: `${width}px`, display: "block" },
    fontSize: CHART_FONT,
    className: "chart",
  } as const;
}

/** Integer ticks for a count axis (no "0.5 responses"). */
function countTicks(max: number, wanted = 4): number[] {
  const y = scaleLinear()
    .domain([0, Math.max(1, max)])
    .nice(wanted);
  return y.ticks(wanted).filter((t) => Number.isInteger(t));
}

/** A label shortened to fit under its column (the table below has it in full). */
function clip(label: string, width: number): string {
  if (textWidth(label) <= width) return label;
  let out = "";
  for (const ch of label) {
    if (textWidth(`${out}${ch}…`) > width) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * The chart's figures as a table, right after it: its caption outside the scrolling box (the
 * markup every table on a phone has, issue 15), and the id the chart is described by.
 */
function FiguresTable({
  id,
  caption,
  head,
  rows,
}: {
  id: string;
  caption: string;
  head: string[];
  rows: { key: string; cells: ReactNode[] }[];
}) {
  return (
    <>
      <p className="table-caption" id={id}>
        {caption}
      </p>
      <TableRegion labelledBy={id}>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, j) =>
                j === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <th key={j} scope="row">
                    {c}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <td key={j} className="nowrap">
                    {c}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </TableRegion>
    </>
  );
}

/** The horizontal grid and its labels on the left (counts). */
function CountAxis({
  ticks,
  y,
  left,
  right,
  format,
}: {
  ticks: number[];
  y: (v: number) => number;
  left: number;
  right: number;
  format: (v: number) => string;
}) {
  return (
    <g className="chart-y-axis" fill={COLOURS.muted}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={left} x2={right} y1={y(t)} y2={y(t)} stroke={COLOURS.grid} />
          <text x={left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="chart-tick" data-value={t}>
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

export interface BarDatum {
  label: string;
  /** a shorter label under the column (the table keeps the full one) */
  short?: string;
  value: number;
}

interface BarChartProps {
  /** what the chart shows; it starts the summary read out for the image */
  title: string;
  data: BarDatum[];
  labelHeader: string;
  valueHeader: string;
  /** adds a column of each value's share of the total */
  shareHeader?: string;
  /** what shares are of: the sum of the values unless given (ticked options: the respondents) */
  shareBase?: number;
  formatValue?: (v: number) => string;
  formatShare?: (share: number) => string;
}

/** A column per value of a distribution (ratings 1–5, scores 0–10, options). */
export function BarChart(props: BarChartProps) {
  const { title, data, labelHeader, valueHeader, shareHeader, shareBase, formatValue = String } = props;
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const total = shareBase ?? data.reduce((s, d) => s + d.value, 0);
  const summary = `${title}. ${data.map((d) => `${d.label}: ${formatValue(d.value)}`).join("; ")}`;
  return (
    <figure style={figureStyle}>
      <TwoSizes
        draw={(width, size) => (
          <BarSvg
            {...props}
            width={width}
            titleId={`${id}-${size}`}
            tableId={`${id}-table`}
            summary={summary}
          />
        )}
      />
      <FiguresTable
        id={`${id}-table`}
        caption={title}
        head={[labelHeader, valueHeader, ...(shareHeader ? [shareHeader] : [])]}
        rows={data.map((d) => ({
          key: d.label,
          cells: [
            d.label,
            formatValue(d.value),
            ...(shareHeader ? [total > 0 ? (props.formatShare ?? String)(d.value / total) : "—"] : []),
          ],
        }))}
      />
    </figure>
  );
}

function BarSvg({
  data,
  formatValue = String,
  width,
  titleId,
  tableId,
  summary,
}: BarChartProps & { width: number; titleId: string; tableId: string; summary: string }) {
  const max = Math.max(0, ...data.map((d) => d.value));
  const x = scaleBand<string>()
    .domain(data.map((_, i) => `${i}`))
    .range([MARGIN.left, width - MARGIN.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const ticks = countTicks(max);
  const y = scaleLinear()
    .domain([0, ticks.at(-1) ?? 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const labels = data.map((d) => d.short ?? d.label);
  // Short labels (numbers) are thinned out; long ones (options) are shortened instead.
  const step = labels.every((l) => l.length <= 4) ? everyNth(labels, x.step()) : 1;
  // A value over its column only where every value fits its column (the table has them all).
  const valuesFit = data.every((d) => textWidth(formatValue(d.value)) <= x.step() - 2);
  const base = HEIGHT - MARGIN.bottom;
  return (
    <svg
      role="img"
      aria-labelledby={titleId}
      aria-describedby={tableId}
      {...svgProps(width)}
      data-chart="bars"
    >
      <title id={titleId}>{summary}</title>
      <CountAxis ticks={ticks} y={y} left={MARGIN.left} right={width - MARGIN.right} format={formatValue} />
      <g className="chart-bars">
        {data.map((d, i) => {
          const left = x(`${i}`) ?? 0;
          const top = y(d.value);
          return (
            <g key={d.label}>
              <rect
                className="chart-bar"
                x={left}
                y={top}
                width={x.bandwidth()}
                height={Math.max(0, base - top)}
                fill={COLOURS.bar}
              />
              {d.value > 0 && valuesFit ? (
                <text x={left + x.bandwidth() / 2} y={top - 5} textAnchor="middle" fill={COLOURS.ink}>
                  {formatValue(d.value)}
                </text>
              ) : null}
            </g>
          );
        })}
      </g>
      <g className="chart-x-axis" fill={COLOURS.muted}>
        {data.map((d, i) =>
          i % step === 0 ? (
            <text
              key={d.label}
              x={(x(`${i}`) ?? 0) + x.bandwidth() / 2}
              y={base + 18}
              textAnchor="middle"
              className="chart-tick"
            >
              {clip(d.short ?? d.label, x.step() - 4)}
            </text>
          ) : null,
        )}
      </g>
      <line x1={MARGIN.left} x2={width - MARGIN.right} y1={base} y2={base} stroke={COLOURS.muted} />
    </svg>
  );
}

export interface TrendDatum {
  label: string;
  /** the month ("2026-03"): with `locale`, the axis says months and years (chart-kit) */
  period?: string;
  /** responses that month: the columns, on the left axis */
  count: number;
  /** a share 0–1 that month (null: no figure): the line, on the right axis */
  share: number | null;
}

interface TrendChartProps {
  title: string;
  data: TrendDatum[];
  labelHeader: string;
  countHeader: string;
  shareHeader: string;
  formatCount?: (v: number) => string;
  formatShare: (share: number) => string;
  /** the reader's language, for the month axis */
  locale?: string;
}

/** Responses a month as columns, with a share (top-two-box) as a line on a 0–100% axis. */
export function TrendChart(props: TrendChartProps) {
  const { title, data, labelHeader, countHeader, shareHeader, formatCount = String, formatShare } = props;
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, "");
  const summary = `${title}. ${data
    .map((d) => `${d.label}: ${formatCount(d.count)}, ${d.share === null ? "—" : formatShare(d.share)}`)
    .join("; ")}`;
  return (
    <figure style={figureStyle}>
      <TwoSizes
        draw={(width, size) => (
          <TrendSvg
            {...props}
            width={width}
            titleId={`${id}-${size}`}
            tableId={`${id}-table`}
            summary={summary}
          />
        )}
      />
      <FiguresTable
        id={`${id}-table`}
        caption={title}
        head={[labelHeader, countHeader, shareHeader]}
        rows={data.map((d) => ({
          key: d.label,
          cells: [
            <span key="l" className="nowrap">
              {d.label}
            </span>,
            formatCount(d.count),
            d.share === null ? "—" : formatShare(d.share),
          ],
        }))}
      />
    </figure>
  );
}

function TrendSvg({
  data,
  countHeader,
  shareHeader,
  formatCount = String,
  formatShare,
  locale,
  width,
  titleId,
  tableId,
  summary,
}: TrendChartProps & { width: number; titleId: string; tableId: string; summary: string }) {
  const right = 46;
  // The legend's two keys side by side, or one under the other where they do not fit.
  const countKeyEnd = MARGIN.left + 19 + textWidth(countHeader) + 16;
  const sideBySide = Math.max(width / 2, countKeyEnd) + 24 + textWidth(shareHeader) <= width;
  const legendX = sideBySide ? Math.max(width / 2, countKeyEnd) : MARGIN.left;
  const legendY = sideBySide ? 11 : 11 + LEGEND;
  const top = MARGIN.top + LEGEND * (sideBySide ? 1 : 2);
  const base = HEIGHT - MARGIN.bottom;
  const x = scaleBand<string>()
    .domain(data.map((_, i) => `${i}`))
    .range([MARGIN.left, width - right])
    .paddingInner(0.3)
    .paddingOuter(0.15);
  const ticks = countTicks(Math.max(0, ...data.map((d) => d.count)));
  const y = scaleLinear()
    .domain([0, ticks.at(-1) ?? 1])
    .range([base, top]);
  // The share's axis starts at 0% on every chart, so two charts are read on the same scale.
  const yShare = scaleLinear().domain([0, 1]).range([base, top]);
  const centre = (i: number) => (x(`${i}`) ?? 0) + x.bandwidth() / 2;
  const points = data.map((d, i) => ({ i, share: d.share }));
  const path =
    line<{ i: number; share: number | null }>()
      .defined((p) => p.share !== null)
      .x((p) => centre(p.i))
      .y((p) => yShare(p.share ?? 0))(points) ?? undefined;
  const periods = data.map((d) => d.period);
  const byMonth = locale !== undefined && periods.every((p): p is string => p !== undefined);
  const step = everyNth(
    data.map((d) => d.label),
    x.step(),
  );
  return (
    <svg
      role="img"
      aria-labelledby={titleId}
      aria-describedby={tableId}
      {...svgProps(width)}
      data-chart="trend"
    >
      <title id={titleId}>{summary}</title>
      <g className="chart-legend">
        <rect x={MARGIN.left} y={4} width={13} height={13} fill={COLOURS.bar} />
        <text x={MARGIN.left + 19} y={11} dy="0.32em" fill={COLOURS.ink}>
          {countHeader}
        </text>
        <line
          x1={legendX}
          x2={legendX + 18}
          y1={legendY}
          y2={legendY}
          stroke={COLOURS.accent}
          strokeWidth={2.5}
        />
        <circle cx={legendX + 9} cy={legendY} r={4} fill={COLOURS.accent} />
        <text x={legendX + 24} y={legendY} dy="0.32em" fill={COLOURS.ink}>
          {shareHeader}
        </text>
      </g>
      <CountAxis ticks={ticks} y={y} left={MARGIN.left} right={width - right} format={formatCount} />
      <g className="chart-y-axis chart-share-axis" fill={COLOURS.accent} data-axis-floor={0}>
        {[0, 0.5, 1].map((t) => (
          <text
            key={t}
            x={width - right + 6}
            y={yShare(t)}
            dy="0.32em"
            textAnchor="start"
            className="chart-tick"
            data-value={t * 100}
          >
            {formatShare(t)}
          </text>
        ))}
      </g>
      <g className="chart-bars">
        {data.map((d, i) => {
          const barTop = y(d.count);
          return (
            <rect
              key={d.label}
              className="chart-bar"
              x={x(`${i}`) ?? 0}
              y={barTop}
              width={x.bandwidth()}
              height={Math.max(0, base - barTop)}
              fill={COLOURS.bar}
            />
          );
        })}
      </g>
      {byMonth ? (
        <MonthAxis
          periods={periods as string[]}
          locale={locale}
          centre={centre}
          step={x.step()}
          y={base + 18}
        />
      ) : (
        <g className="chart-x-axis" fill={COLOURS.muted}>
          {data.map((d, i) =>
            i % step === 0 ? (
              <text key={d.label} x={centre(i)} y={base + 18} textAnchor="middle" className="chart-tick">
                {d.label}
              </text>
            ) : null,
          )}
        </g>
      )}
      <line x1={MARGIN.left} x2={width - right} y1={base} y2={base} stroke={COLOURS.muted} />
      {/* The share's line last, over the columns. */}
      <g className="chart-line">
        {path ? <path d={path} fill="none" stroke={COLOURS.halo} strokeWidth={5} /> : null}
        {path ? <path d={path} fill="none" stroke={COLOURS.accent} strokeWidth={2.5} /> : null}
        {points.map((p) =>
          p.share === null ? null : (
            <circle
              key={p.i}
              cx={centre(p.i)}
              cy={yShare(p.share)}
              r={4}
              fill={COLOURS.accent}
              stroke={COLOURS.halo}
              strokeWidth={1.5}
            />
          ),
        )}
      </g>
    </svg>
  );
}
