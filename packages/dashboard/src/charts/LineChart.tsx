import { ChartFrame, type ChartFrameProps } from './ChartFrame';
import { slot, yOf, type Plot } from './scale';

export interface LineDatum {
  label: string;
  /** null: nothing to measure in the bucket (a rate with no attempts): a gap in the line, not a zero. */
  value: number | null;
  display: string;
}

export type LineChartProps = Omit<ChartFrameProps, 'children' | 'categories' | 'table'> & {
  data: readonly LineDatum[];
  valueColumn: string;
  colour?: string;
};

/** A rate over buckets: a line with the area under it shaded, broken where a bucket has no value. */
export function LineChart({ data, valueColumn, colour = '#009E73', ...frame }: LineChartProps) {
  const top = frame.yTicks.at(-1)?.value ?? 1;
  return (
    <ChartFrame
      {...frame}
      categories={data.map((d) => d.label)}
      table={{ columns: [frame.xAxisLabel, valueColumn], rows: data.map((d) => [d.label, d.display]) }}
    >
      {(plot) => <Line data={data} top={top} plot={plot} colour={colour} />}
    </ChartFrame>
  );
}

function Line({ data, top, plot, colour }: { data: readonly LineDatum[]; top: number; plot: Plot; colour: string }) {
  const points = data.map((d, i) =>
    d.value === null ? null : { x: slot(i, data.length, plot).centre, y: yOf(d.value, top, plot), datum: d },
  );
  return (
    <>
      {runs(points).map((run) => {
        const line = run.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
        const area = `${line} L${run.at(-1)!.x},${plot.bottom} L${run[0]!.x},${plot.bottom} Z`;
        return (
          <g key={run[0]!.datum.label}>
            <path className="chart-area" d={area} fill={colour} fillOpacity={0.15} />
            <path className="chart-line" d={line} fill="none" stroke={colour} strokeWidth={2} strokeLinejoin="round" />
          </g>
        );
      })}
      {points.map(
        (p) =>
          p && (
            <circle key={p.datum.label} className="chart-point" cx={p.x} cy={p.y} r={3.5} fill={colour}>
              <title>{`${p.datum.label}: ${p.datum.display}`}</title>
            </circle>
          ),
      )}
    </>
  );
}

/** The unbroken stretches of points between gaps (nulls). */
function runs<T>(points: readonly (T | null)[]): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  for (const point of points) {
    if (point) current.push(point);
    else if (current.length > 0) {
      result.push(current);
      current = [];
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}
