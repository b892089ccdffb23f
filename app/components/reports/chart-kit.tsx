import type { ReactNode } from "react";

/*
 * What every chart shares, so charts of one kind look and read alike (issue 15): the type size,
 * the colours, label thinning, the month axis, the target line, and the two drawings of a wide
 * chart. A chart is an SVG scaled to its box by its viewBox, so its text shrinks with it: each
 * drawing is made no wider than the box it gets on a 375 px phone (about 305 px in a card, 340 px
 * on a page), and the text is 13 units, so it is never drawn smaller than 12 CSS px there.
 */

/** axis and label text, in SVG units (≥ 12 CSS px at a 375 px viewport, see above) */
export const CHART_FONT = 13;
/** a chart drawn for a phone: fits the ~340 px a page's column has at 375 px */
export const NARROW_WIDTH = 330;
/** a chart drawn for a wider screen (shown from 700 px, where the column is ≥ 666 px) */
export const WIDE_WIDTH = 640;

export const COLOURS = {
  ink: "#1b1f24",
  muted: "#4a525c",
  grid: "#c9d1d9",
  /** a bar: 4.3:1 against white, 3.9:1 against the target line (WCAG 1.4.11 needs 3:1) */
  bar: "#3b7dc4",
  miss: "#9a3412",
  /** the target: near-black over a white halo, so it stands out over a bar and over the page */
  target: "#000000",
  halo: "#ffffff",
  accent: "#b45309",
} as const;

/** Roughly how wide a label is drawn: a Chinese character is a full em, a Latin letter 0.62. */
export function textWidth(label: string, font = CHART_FONT): number {
  let w = 0;
  for (const ch of label) w += /[\u2e80-\uffff]/.test(ch) ? font : font * 0.62;
  return w;
}

/** Label every k-th column, k the least that keeps the widest label clear of the next. */
export function everyNth(labels: string[], step: number, font = CHART_FONT): number {
  const widest = Math.max(0, ...labels.map((l) => textWidth(l, font)));
  return Math.max(1, Math.ceil((widest + 8) / step));
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-03" → the month's short name ("Mar", "3月") and its year ("2026", "2026年"). */
export function monthParts(period: string, locale: string): { month: string; year: string } {
  const [y, m] = period.split("-");
  const n = Number(m);
  return locale.startsWith("zh")
    ? { month: `${n}月`, year: `${y}年` }
    : { month: EN_MONTHS[n - 1] ?? period, year: y ?? "" };
}

/**
 * The months under the columns: every month when they fit, else every 2nd or 3rd, never
 * overlapping; the year under the first month shown and wherever it changes.
 */
export function MonthAxis({
  periods,
  locale,
  centre,
  step,
  y,
}: {
  periods: string[];
  locale: string;
  centre: (i: number) => number;
  /** the distance between two columns */
  step: number;
  /** the baseline of the month row */
  y: number;
}) {
  const parts = periods.map((p) => monthParts(p, locale));
  const every = everyNth(
    parts.map((p) => p.month),
    step,
  );
  // The year goes under the first month shown of each year; where two years would run into each
  // other (December, then February of the next), the earlier is left out: the later one dates both.
  const shown = parts.map((_, i) => i).filter((i) => i % every === 0);
  const firsts = shown.filter((i, k) => k === 0 || parts[i]!.year !== parts[shown[k - 1]!]!.year);
  const years = new Set(
    firsts.filter((i, k) => {
      const next = firsts[k + 1];
      if (next === undefined) return true;
      const room = centre(next) - centre(i);
      return room >= (textWidth(parts[i]!.year) + textWidth(parts[next]!.year)) / 2 + 8;
    }),
  );
  return (
    <g className="chart-x-axis" fill={COLOURS.muted}>
      {shown.map((i) => (
        <text key={periods[i]} x={centre(i)} y={y} textAnchor="middle" className="chart-tick">
          {parts[i]!.month}
          {years.has(i) ? (
            <tspan x={centre(i)} dy="1.2em">
              {parts[i]!.year}
            </tspan>
          ) : null}
        </text>
      ))}
    </g>
  );
}

/**
 * The target, drawn last so it lies over the bars: a dashed near-black line on a white halo,
 * stepping where the target changed, labelled at its right end.
 */
export function TargetLine({
  segments,
  label,
  labelX,
  labelY,
}: {
  /** one horizontal stretch per column: from x1 to x2 at height y */
  segments: { x1: number; x2: number; y: number }[];
  label: string;
  labelX: number;
  labelY: number;
}) {
  if (segments.length === 0) return null;
  const d = segments
    .map(
      (s, i) =>
        `${i === 0 ? "M" : "L"}${s.x1.toFixed(1)},${s.y.toFixed(1)}L${s.x2.toFixed(1)},${s.y.toFixed(1)}`,
    )
    .join("");
  return (
    <g className="chart-target" data-target-line="">
      <path d={d} fill="none" stroke={COLOURS.halo} strokeWidth={5} />
      <path d={d} fill="none" stroke={COLOURS.target} strokeWidth={2.5} strokeDasharray="7 3" />
      <text
        x={labelX}
        y={labelY}
        textAnchor="end"
        fill={COLOURS.target}
        stroke={COLOURS.halo}
        strokeWidth={3}
        paintOrder="stroke"
        fontWeight={600}
        className="chart-target-label"
      >
        {label}
      </text>
    </g>
  );
}

/**
 * A chart drawn twice, for a phone and for a wider screen; CSS shows one (the other is
 * display: none, so out of the accessibility tree too). Printing shows the wide one.
 */
export function TwoSizes({
  draw,
  widths = [NARROW_WIDTH, WIDE_WIDTH],
}: {
  draw: (width: number, key: "narrow" | "wide") => ReactNode;
  /** the phone's width and the wider screen's, in SVG units */
  widths?: [number, number];
}) {
  return (
    <>
      <div className="chart-narrow">{draw(widths[0], "narrow")}</div>
      <div className="chart-wide">{draw(widths[1], "wide")}</div>
    </>
  );
}
