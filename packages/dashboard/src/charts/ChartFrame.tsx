import { useId, type CSSProperties, type ReactNode } from 'react';
import { FRAME, PLOT, yOf } from './scale';

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
  xLabels: readonly { x: number; label: string }[];
  table: ChartTable;
  /** The marks (bars, lines), drawn in the plot area given by PLOT. */
  children: ReactNode;
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
 * table of the same numbers. The SVG keeps its proportions and takes the container's width.
 */
export function ChartFrame(props: ChartFrameProps) {
  const id = useId();
  const top = props.yTicks.at(-1)?.value ?? 1;
  return (
    <figure className="chart" style={{ margin: 0, position: 'relative' }}>
      <figcaption className="chart-title" style={{ fontWeight: 600, marginBottom: 4 }}>
        {props.title}
      </figcaption>
      <svg
        role="img"
        aria-label={props.summary}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}
        preserveAspectRatio="xMidYMid meet"
        style={{ width: '100%', height: 'auto', display: 'block' }}
        fontFamily="inherit"
        fontSize={12}
      >
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.description}</desc>
        <YAxis ticks={props.yTicks} top={top} label={props.yAxisLabel} />
        {props.children}
        <line x1={PLOT.left} x2={PLOT.left + PLOT.width} y1={PLOT.bottom} y2={PLOT.bottom} stroke={TEXT} />
        {props.xLabels.map(({ x, label }) => (
          <text key={`${x}`} x={x} y={PLOT.bottom + 16} textAnchor="middle" fill={TEXT}>
            {label}
          </text>
        ))}
        <text x={PLOT.left + PLOT.width / 2} y={FRAME.height - 6} textAnchor="middle" fill={TEXT} fontWeight={600}>
          {props.xAxisLabel}
        </text>
      </svg>
      {props.legend && props.legend.length > 0 && <Legend entries={props.legend} />}
      <table style={VISUALLY_HIDDEN}>
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
    </figure>
  );
}

function YAxis({ ticks, top, label }: { ticks: readonly AxisTick[]; top: number; label: string }) {
  const middle = PLOT.top + PLOT.height / 2;
  return (
    <g aria-hidden="true">
      {ticks.map((tick) => (
        <g key={tick.value}>
          <line x1={PLOT.left} x2={PLOT.left + PLOT.width} y1={yOf(tick.value, top)} y2={yOf(tick.value, top)} stroke={GRID} />
          <text x={PLOT.left - 6} y={yOf(tick.value, top)} dy="0.32em" textAnchor="end" fill={TEXT}>
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
