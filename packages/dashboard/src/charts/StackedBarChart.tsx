import { ChartFrame, type ChartFrameProps } from './ChartFrame';
import { heightBetween, slot, yOf, type Plot } from './scale';

export interface StackDatum {
  label: string;
  /** Each series' value in the bucket; a missing series is 0. */
  values: Readonly<Record<string, number>>;
  total: number;
}

export type StackedBarChartProps = Omit<ChartFrameProps, 'children' | 'categories' | 'table' | 'legend'> & {
  data: readonly StackDatum[];
  /** Bottom to top; also the legend's and the table's order. */
  series: readonly string[];
  /** A series' name as people read it ("daily budget"). */
  seriesLabel?: (series: string) => string;
};

/** Okabe–Ito: told apart by people with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
export const seriesColour = (index: number): string => SERIES_COLOURS[index % SERIES_COLOURS.length]!;

/** One bar per bucket, split by series (agent refusals by rule); white seams keep neighbouring colours apart. */
export function StackedBarChart({ data, series, seriesLabel = (s) => s, ...frame }: StackedBarChartProps) {
  const top = frame.yTicks.at(-1)?.value ?? 1;
  return (
    <ChartFrame
      {...frame}
      categories={data.map((d) => d.label)}
      legend={series.map((s, i) => ({ label: seriesLabel(s), colour: seriesColour(i) }))}
      table={{
        columns: [frame.xAxisLabel, ...series.map(seriesLabel), 'Total'],
        rows: data.map((d) => [d.label, ...series.map((s) => String(d.values[s] ?? 0)), String(d.total)]),
      }}
    >
      {(plot) =>
        data.map((d, i) => <Stack key={d.label} datum={d} index={i} count={data.length} {...{ series, seriesLabel, top, plot }} />)
      }
    </ChartFrame>
  );
}

function Stack(props: {
  datum: StackDatum;
  index: number;
  count: number;
  series: readonly string[];
  seriesLabel: (series: string) => string;
  top: number;
  plot: Plot;
}) {
  const { datum, series, top, plot } = props;
  const { x, width } = slot(props.index, props.count, plot);
  let below = 0;
  return (
    <g>
      {series.map((s, k) => {
        const value = datum.values[s] ?? 0;
        if (value === 0) return null;
        const y = yOf(below + value, top, plot);
        const height = heightBetween(y, yOf(below, top, plot));
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
            <title>{`${datum.label}, ${props.seriesLabel(s)}: ${value}`}</title>
          </rect>
        );
      })}
    </g>
  );
}
