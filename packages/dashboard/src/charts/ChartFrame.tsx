import { useId, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { DEFAULT_WIDTH, labelled, plotFor, slot, yOf, type Plot } from './scale';

/** The numbers behind a chart, as a table: what a screen reader reads instead of the picture. */
export interface ChartTable {
  columns: readonly string[];
  rows: readonly (readonly string[])[];
}

export interface AxisTick {
  value: number;
  label: string;
}

export interface ChartFrameProps {
  title: string;
  /** One or two sentences on what the chart shows (the SVG's <desc>). */
  description: string;
  /** The data in a sentence, for the picture's accessible name: totals, highs, lows. */
  summary: string;
  yAxisLabel: string;
  xAxisLabel: string;
  /** From 0 up; the last is the top of the axis. */
  yTicks: readonly AxisTick[];
  /** The buckets' labels, left to right: one slot each, labelled under the axis as room allows. */
  categories: readonly string[];
  table: ChartTable;
  /** The marks (bars, lines), drawn in the plot area. */
  children: (plot: Plot) => ReactNode;
  /** Under the picture: what each colour means, when there is more than one. */
  legend?: readonly { label: string; colour: string }[];
}

const TEXT = '#374151';
const GRID = '#e5e7eb';

// Hidden from sight, not from screen readers (display: none would hide it from both).
const VISUALLY_HIDDEN: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * A chart's frame: a figure whose SVG is one image to assistive technology (role="img", named by the
 * data summary, with <title> and <desc>), axes with labels and gridlines, and a visually hidden
 * table of the same numbers. The SVG takes its container's width: its viewBox follows the measured
 * width, so the bars stretch and the text keeps its size from a tablet to a wide screen.
 */
export function ChartFrame(props: ChartFrameProps) {
  const id = useId();
  const [figure, width] = useWidth<HTMLElement>();
  const plot = plotFor(width);
  const top = props.yTicks.at(-1)?.value ?? 1;
  const showLabel = labelled(props.categories.length, plot);
  return (
    <figure ref={figure} className="chart" style={{ margin: 0, position: 'relative' }}>
      <figcaption className="chart-title" style={{ fontWeight: 600, marginBottom: 4 }}>
        {props.title}
      </figcaption>
      <svg
        role="img"
        aria-label={props.summary}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${plot.frameWidth} ${plot.frameHeight}`}
        preserveAspectRatio="xMidYMid meet"
        style={{ width: '100%', height: 'auto', display: 'block' }}
        fontFamily="inherit"
        fontSize={12}
      >
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.description}</desc>
        <YAxis ticks={props.yTicks} top={top} label={props.yAxisLabel} plot={plot} />
        {props.children(plot)}
        <line x1={plot.left} x2={plot.left + plot.width} y1={plot.bottom} y2={plot.bottom} stroke={TEXT} />
        {props.categories.map(
          (label, i) =>
            showLabel(i) && (
              <text key={label} x={slot(i, props.categories.length, plot).centre} y={plot.bottom + 16} textAnchor="middle" fill={TEXT}>
                {label}
              </text>
            ),
        )}
        <text x={plot.left + plot.width / 2} y={plot.frameHeight - 6} textAnchor="middle" fill={TEXT} fontWeight={600}>
          {props.xAxisLabel}
        </text>
      </svg>
      {props.legend && props.legend.length > 0 && <Legend entries={props.legend} />}
      {/* The box hides the table: a table itself ignores height and overflow, and would stretch the page. */}
      <div style={VISUALLY_HIDDEN}>
        <table>
          <caption>{props.title}</caption>
          <thead>
            <tr>
              {props.table.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.table.rows.map((row) => (
              <tr key={row[0]}>
                {row.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i}>{cell}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function YAxis({ ticks, top, label, plot }: { ticks: readonly AxisTick[]; top: number; label: string; plot: Plot }) {
  const middle = plot.top + plot.height / 2;
  return (
    <g aria-hidden="true">
      {ticks.map((tick) => (
        <g key={tick.value}>
          <line x1={plot.left} x2={plot.left + plot.width} y1={yOf(tick.value, top, plot)} y2={yOf(tick.value, top, plot)} stroke={GRID} />
          <text x={plot.left - 6} y={yOf(tick.value, top, plot)} dy="0.32em" textAnchor="end" fill={TEXT}>
            {tick.label}
          </text>
        </g>
      ))}
      <text x={14} y={middle} transform={`rotate(-90 14 ${middle})`} textAnchor="middle" fill={TEXT} fontWeight={600}>
        {label}
      </text>
    </g>
  );
}

function Legend({ entries }: { entries: readonly { label: string; colour: string }[] }) {
  return (
    <ul
      className="chart-legend"
      style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', listStyle: 'none', padding: 0, margin: '4px 0 0' }}
    >
      {entries.map((entry) => (
        <li key={entry.label} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
          <span aria-hidden="true" style={{ width: 12, height: 12, background: entry.colour, display: 'inline-block', borderRadius: 2 }} />
          {entry.label}
        </li>
      ))}
    </ul>
  );
}

/** The element's width in CSS pixels, kept current as the layout changes (a window resized, a sidebar folded). */
function useWidth<T extends Element>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.round(element.getBoundingClientRect().width) || DEFAULT_WIDTH);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}
