import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { useId } from "react";

/**
 * Charts drawn on the server as SVG: d3-scale and d3-shape compute the geometry, React writes the
 * markup, and no JavaScript runs in the browser. Each chart is one image with a text summary of
 * its figures (role="img" with a <title>), followed by a table of the same figures (WCAG 2.2,
 * 1.1.1 non-text content; W3C WAI "Complex images").
 */

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 20, right: 48, bottom: 34, left: 44 };
const INK = "#4a525c";
const LINE = "#c9d1d9";
const BAR = "#0b5394";
const ACCENT = "#b45309";
const FONT = 12;
/** room above a trend chart for its legend */
const LEGEND = 14;

const svgStyle = { width: "100%", height: "auto", maxWidth: `${WIDTH}px`, display: "block" } as const;
const figureStyle = { margin: "0.75rem 0 1rem" } as const;

/** Integer ticks for a count axis (no "0.5 responses"). */
function countTicks(max: number, wanted = 4): number[] {
  const y = scaleLinear()
    .domain([0, Math.max(1, max)])
    .nice(wanted);
  return y.ticks(wanted).filter((t) => Number.isInteger(t));
}

/** Roughly how wide a label is drawn: Chinese characters are about twice a Latin letter. */
function textWidth(label: string): number {
  let w = 0;
  for (const ch of label) w += /[\u2e80-\uffff]/.test(ch) ? FONT : FONT * 0.6;
  return w;
}

/** Every k-th label, so labels under narrow columns never run into each other. */
function everyNth(labels: string[], step: number): number {
  const widest = Math.max(0, ...labels.map(textWidth));
  return Math.max(1, Math.ceil((widest + 6) / step));
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

export interface BarDatum {
  label: string;
  /** a shorter label under the column (the table keeps the full one) */
  short?: string;
  value: number;
}

/** A column per value of a distribution (ratings 1–5, scores 0–10, options). */
export function BarChart({
  title,
  data,
  labelHeader,
  valueHeader,
  shareHeader,
  shareBase,
  formatValue = String,
  formatShare,
}: {
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
}) {
  const titleId = useId();
  const total = shareBase ?? data.reduce((s, d) => s + d.value, 0);
  const max = Math.max(0, ...data.map((d) => d.value));
  const x = scaleBand<string>()
    .domain(data.map((_, i) => `${i}`))
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const ticks = countTicks(max);
  const y = scaleLinear()
    .domain([0, ticks.at(-1) ?? 1])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const summary = `${title}. ${data.map((d) => `${d.label}: ${formatValue(d.value)}`).join("; ")}`;
  const labels = data.map((d) => d.short ?? d.label);
  // Short labels (numbers) are thinned out; long ones (options) are shortened instead.
  const step = labels.every((l) => l.length <= 4) ? everyNth(labels, x.step()) : 1;
  return (
    <figure style={figureStyle}>
      <svg
        role="img"
        aria-labelledby={titleId}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        style={svgStyle}
        fontSize={FONT}
      >
        <title id={titleId}>{summary}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke={LINE} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fill={INK}>
              {formatValue(t)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const left = x(`${i}`) ?? 0;
          const top = y(d.value);
          return (
            <g key={d.label}>
              <rect
                x={left}
                y={top}
                width={x.bandwidth()}
                height={Math.max(0, HEIGHT - MARGIN.bottom - top)}
                fill={BAR}
              />
              {d.value > 0 ? (
                <text x={left + x.bandwidth() / 2} y={top - 4} textAnchor="middle" fill={INK}>
                  {formatValue(d.value)}
                </text>
              ) : null}
              {i % step === 0 ? (
                <text
                  x={left + x.bandwidth() / 2}
                  y={HEIGHT - MARGIN.bottom + 16}
                  textAnchor="middle"
                  fill={INK}
                >
                  {clip(d.short ?? d.label, x.step() - 4)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={HEIGHT - MARGIN.bottom}
          y2={HEIGHT - MARGIN.bottom}
          stroke={INK}
        />
      </svg>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{valueHeader}</th>
              {shareHeader ? <th scope="col">{shareHeader}</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.label}>
                <th scope="row">{d.label}</th>
                <td>{formatValue(d.value)}</td>
                {shareHeader ? <td>{total > 0 ? (formatShare ?? String)(d.value / total) : "—"}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export interface TrendDatum {
  label: string;
  /** responses that month: the columns, on the left axis */
  count: number;
  /** a share 0–1 that month (null: no figure): the line, on the right axis */
  share: number | null;
}

/** Responses a month as columns, with a share (top-two-box) as a line on a 0–100% axis. */
export function TrendChart({
  title,
  data,
  labelHeader,
  countHeader,
  shareHeader,
  formatCount = String,
  formatShare,
}: {
  title: string;
  data: TrendDatum[];
  labelHeader: string;
  countHeader: string;
  shareHeader: string;
  formatCount?: (v: number) => string;
  formatShare: (share: number) => string;
}) {
  const titleId = useId();
  const top = MARGIN.top + LEGEND;
  const x = scaleBand<string>()
    .domain(data.map((_, i) => `${i}`))
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .paddingInner(0.3)
    .paddingOuter(0.15);
  const ticks = countTicks(Math.max(0, ...data.map((d) => d.count)));
  const y = scaleLinear()
    .domain([0, ticks.at(-1) ?? 1])
    .range([HEIGHT - MARGIN.bottom, top]);
  const yShare = scaleLinear()
    .domain([0, 1])
    .range([HEIGHT - MARGIN.bottom, top]);
  const centre = (i: number) => (x(`${i}`) ?? 0) + x.bandwidth() / 2;
  const points = data.map((d, i) => ({ i, share: d.share }));
  const path =
    line<{ i: number; share: number | null }>()
      .defined((p) => p.share !== null)
      .x((p) => centre(p.i))
      .y((p) => yShare(p.share ?? 0))(points) ?? undefined;
  const step = everyNth(
    data.map((d) => d.label),
    x.step(),
  );
  const summary = `${title}. ${data
    .map((d) => `${d.label}: ${formatCount(d.count)}, ${d.share === null ? "—" : formatShare(d.share)}`)
    .join("; ")}`;
  return (
    <figure style={figureStyle}>
      <svg
        role="img"
        aria-labelledby={titleId}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        style={svgStyle}
        fontSize={FONT}
      >
        <title id={titleId}>{summary}</title>
        <g>
          <rect x={MARGIN.left} y={4} width={12} height={12} fill={BAR} opacity={0.85} />
          <text x={MARGIN.left + 18} y={10} dy="0.32em" fill={INK}>
            {countHeader}
          </text>
          <line x1={WIDTH / 2} x2={WIDTH / 2 + 16} y1={10} y2={10} stroke={ACCENT} strokeWidth={2.5} />
          <circle cx={WIDTH / 2 + 8} cy={10} r={3.5} fill={ACCENT} />
          <text x={WIDTH / 2 + 22} y={10} dy="0.32em" fill={INK}>
            {shareHeader}
          </text>
        </g>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke={LINE} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fill={INK}>
              {formatCount(t)}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((t) => (
          <text
            key={t}
            x={WIDTH - MARGIN.right + 6}
            y={yShare(t)}
            dy="0.32em"
            textAnchor="start"
            fill={ACCENT}
          >
            {formatShare(t)}
          </text>
        ))}
        {data.map((d, i) => {
          const barTop = y(d.count);
          return (
            <g key={d.label}>
              <rect
                x={x(`${i}`) ?? 0}
                y={barTop}
                width={x.bandwidth()}
                height={Math.max(0, HEIGHT - MARGIN.bottom - barTop)}
                fill={BAR}
                opacity={0.85}
              />
              {i % step === 0 ? (
                <text x={centre(i)} y={HEIGHT - MARGIN.bottom + 16} textAnchor="middle" fill={INK}>
                  {d.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={HEIGHT - MARGIN.bottom}
          y2={HEIGHT - MARGIN.bottom}
          stroke={INK}
        />
        {path ? <path d={path} fill="none" stroke={ACCENT} strokeWidth={2.5} /> : null}
        {points.map((p) =>
          p.share === null ? null : (
            <circle key={p.i} cx={centre(p.i)} cy={yShare(p.share)} r={3.5} fill={ACCENT} />
          ),
        )}
      </svg>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{countHeader}</th>
              <th scope="col">{shareHeader}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.label}>
                <th scope="row">{d.label}</th>
                <td>{formatCount(d.count)}</td>
                <td>{d.share === null ? "—" : formatShare(d.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
