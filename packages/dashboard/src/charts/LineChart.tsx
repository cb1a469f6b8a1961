import { ChartFrame, type ChartFrameProps } from './ChartFrame';
import { slot, yOf } from './scale';

export interface LineDatum {
  label: string;
  /** null: nothing to measure in the bucket (a rate with no attempts): a gap in the line, not a zero. */
  value: number | null;
  display: string;
}

export type LineChartProps = Omit<ChartFrameProps, 'children' | 'xLabels' | 'table'> & {
  data: readonly LineDatum[];
  valueColumn: string;
  showLabel: (index: number) => boolean;
  colour?: string;
};

/** A rate over buckets: a line with the area under it shaded, broken where a bucket has no value. */
export function LineChart({ data, valueColumn, showLabel, colour = '#009E73', ...frame }: LineChartProps) {
  const top = frame.yTicks.at(-1)?.value ?? 1;
  const points = data.map((d, i) => (d.value === null ? null : { x: slot(i, data.length).centre, y: yOf(d.value, top), datum: d }));
  return (
    <ChartFrame
      {...frame}
      xLabels={data.flatMap((d, i) => (showLabel(i) ? [{ x: slot(i, data.length).centre, label: d.label }] : []))}
      table={{ columns: [frame.xAxisLabel, valueColumn], rows: data.map((d) => [d.label, d.display]) }}
    >
      {runs(points).map((run) => {
        const line = run.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
        const area = `${line} L${run.at(-1)!.x},${yOf(0, top)} L${run[0]!.x},${yOf(0, top)} Z`;
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
    </ChartFrame>
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
