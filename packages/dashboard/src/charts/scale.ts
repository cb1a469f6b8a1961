import { formatAmount } from '@ocp/sdk';

export type Interval = 'day' | 'hour';

/** The chart's drawing box (viewBox units): the SVG scales to its container's width. */
export const FRAME = { width: 640, height: 250, left: 76, right: 16, top: 16, bottom: 46 } as const;
export const PLOT = {
  left: FRAME.left,
  top: FRAME.top,
  width: FRAME.width - FRAME.left - FRAME.right,
  height: FRAME.height - FRAME.top - FRAME.bottom,
  bottom: FRAME.height - FRAME.bottom,
} as const;

/** At most this many tick labels under the x axis: more would overlap at a tablet's width. */
const X_LABELS_MAX = 8;
/** Each bar takes this share of its slot; the rest is the gap between bars. */
const BAR_SHARE = 0.7;

/**
 * Round tick values from 0 to a little above `max`: steps of 1, 2, 2.5 or 5 times a power of ten.
 * `integer` (counts, minor units) keeps every step a whole number.
 */
export function niceTicks(max: number, { count = 4, integer = true } = {}): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const steps = integer && magnitude < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const multiple = steps.find((s) => raw <= s * magnitude) ?? 10;
  const step = integer ? Math.max(1, Math.round(multiple * magnitude)) : multiple * magnitude;
  const ticks: number[] = [];
  for (let value = 0; ticks.length === 0 || ticks.at(-1)! < max; value += step) ticks.push(roundOff(value));
  return ticks;
}

/** Floating-point noise off a tick (0.30000000000000004 → 0.3). */
const roundOff = (value: number) => Math.round(value * 1e9) / 1e9;

/** Coordinates to 0.01 of a unit: finer is invisible and only makes the markup longer. */
const hundredths = (n: number) => Math.round(n * 100) / 100;

/** The y coordinate of `value` on an axis from 0 to `top`. */
export function yOf(value: number, top: number): number {
  return hundredths(PLOT.bottom - (top > 0 ? (value / top) * PLOT.height : 0));
}

/** Where the bar (or point) of bucket `index` out of `count` sits: its left edge, width and centre. */
export function slot(index: number, count: number): { x: number; width: number; centre: number } {
  const band = PLOT.width / Math.max(count, 1);
  const width = band * BAR_SHARE;
  const x = PLOT.left + index * band + (band - width) / 2;
  return { x: hundredths(x), width: hundredths(width), centre: hundredths(x + width / 2) };
}

/** Which buckets get a label under the axis: every nth, so that at most X_LABELS_MAX show. */
export function labelled(count: number): (index: number) => boolean {
  const every = Math.max(1, Math.ceil(count / X_LABELS_MAX));
  return (index) => index % every === 0;
}

/** A bucket as people read it, in UTC like the API's buckets: "3 Mar" for a day, "3 Mar 14:00" for an hour. */
export function formatBucket(iso: string, interval: Interval): string {
  const date = new Date(iso);
  const day = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  if (interval === 'day') return day;
  return `${day} ${date.toISOString().slice(11, 16)}`;
}

/** A ratio (0..1) as a percentage with one decimal: 0.6667 → "66.7 %". */
export function formatPercent(ratio: number): string {
  return `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`;
}

/** Minor units (a string of digits) added up exactly, whatever their size. */
export function sumMinor(amounts: readonly string[]): string {
  return amounts.reduce((total, amount) => total + BigInt(amount), 0n).toString();
}

/** An amount for an axis: the SDK's exact formatting without the currency, which the axis title names. */
export function formatAxisAmount(minor: number, currency: string): string {
  return formatAmount({ amount: Math.round(minor).toString(), currency }).replace(` ${currency}`, '');
}
