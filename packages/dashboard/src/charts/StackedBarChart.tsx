import { ChartFrame, type ChartFrameProps } from './ChartFrame';
import { slot, yOf } from './scale';

export interface StackDatum {
  label: string;
  /** Each series' value in the bucket; a missing series is 0. */
  values: Readonly<Record<string, number>>;
  total: number;
}

export type StackedBarChartProps = Omit<ChartFrameProps, 'children' | 'xLabels' | 'table' | 'legend'> & {
  data: readonly StackDatum[];
  /** Bottom to top; also the legend's and the table's order. */
  series: readonly string[];
  /** A series' name as people read it ("daily budget"). */
  seriesLabel?: (series: string) => string;
  showLabel: (index: number) => boolean;
};

/** Okabe–Ito: told apart by people with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
export const seriesColour = (index: number): string => SERIES_COLOURS[index % SERIES_COLOURS.length]!;

/** One bar per bucket, split by series (agent refusals by rule); white seams keep neighbouring colours apart. */
export function StackedBarChart({ data, series, seriesLabel = (s) => s, showLabel, ...frame }: StackedBarChartProps) {
  const top = frame.yTicks.at(-1)?.value ?? 1;
  return (
    <ChartFrame
      {...frame}
      xLabels={data.flatMap((d, i) => (showLabel(i) ? [{ x: slot(i, data.length).centre, label: d.label }] : []))}
      legend={series.map((s, i) => ({ label: seriesLabel(s), colour: seriesColour(i) }))}
      table={{
        columns: [frame.xAxisLabel, ...series.map(seriesLabel), 'Total'],
        rows: data.map((d) => [d.label, ...series.map((s) => String(d.values[s] ?? 0)), String(d.total)]),
      }}
    >
      {data.map((d, i) => {
        const { x, width } = slot(i, data.length);
        let below = 0;
        return (
          <g key={d.label}>
            {series.map((s, k) => {
              const value = d.values[s] ?? 0;
              if (value === 0) return null;
              const y = yOf(below + value, top);
              const height = yOf(below, top) - y;
              below += value;
              return (
                <rect
                  key={s}
                  className="chart-segment"
                  x={x}
                  y={y}
                  width={width}
                  height={height}
                  fill={seriesColour(k)}
                  stroke="#fff"
                  strokeWidth={1}
                >
                  <title>{`${d.label}, ${seriesLabel(s)}: ${value}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}
