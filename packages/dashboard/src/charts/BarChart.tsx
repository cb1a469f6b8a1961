import { ChartFrame, type ChartFrameProps } from './ChartFrame';
import { heightBetween, slot, yOf } from './scale';

export interface BarDatum {
  /** The bucket's label under the axis and in the table ("3 Mar"). */
  label: string;
  /** For the bar's height only: a display value can be exact where this is not. */
  value: number;
  /** The value as people read it ("13.00 USD"). */
  display: string;
}

export type BarChartProps = Omit<ChartFrameProps, 'children' | 'categories' | 'table'> & {
  data: readonly BarDatum[];
  valueColumn: string;
  colour?: string;
};

/** One bar per bucket (volume by day). */
export function BarChart({ data, valueColumn, colour = '#0072B2', ...frame }: BarChartProps) {
  const top = frame.yTicks.at(-1)?.value ?? 1;
  return (
    <ChartFrame
      {...frame}
      categories={data.map((d) => d.label)}
      table={{ columns: [frame.xAxisLabel, valueColumn], rows: data.map((d) => [d.label, d.display]) }}
    >
      {(plot) =>
        data.map((d, i) => {
          const { x, width } = slot(i, data.length, plot);
          const y = yOf(d.value, top, plot);
          return (
            <rect key={d.label} className="chart-bar" x={x} y={y} width={width} height={heightBetween(y, plot.bottom)} fill={colour}>
              <title>{`${d.label}: ${d.display}`}</title>
            </rect>
          );
        })
      }
    </ChartFrame>
  );
}
