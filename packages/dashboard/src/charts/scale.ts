import { formatAmount } from '@ocp/sdk';

export type Interval = 'day' | 'hour';

/** A chart's height in CSS pixels; its width is its container's (measured), so text keeps its size. */
export const FRAME_HEIGHT = 240;
/** Before the container is measured (and where nothing measures, as in a server render). */
export const DEFAULT_WIDTH = 640;
const MIN_WIDTH = 280;
const MARGIN = { left: 68, right: 12, top: 12, bottom: 44 } as const;
/** The room one label under the x axis needs, so that neighbours never overlap. */
const X_LABEL_PX = 64;
/** Each bar takes this share of its slot; the rest is the gap between bars. */
const BAR_SHARE = 0.7;

/** The plot area inside a frame `frameWidth` wide: where bars and lines are drawn. */
export interface Plot {
  frameWidth: number;
  frameHeight: number;
  left: number;
  top: number;
  width: number;
  height: number;
  bottom: number;
}

export function plotFor(measuredWidth: number): Plot {
  const frameWidth = Math.max(MIN_WIDTH, Math.round(measuredWidth));
  return {
    frameWidth,
    frameHeight: FRAME_HEIGHT,
    left: MARGIN.left,
    top: MARGIN.top,
    width: frameWidth - MARGIN.left - MARGIN.right,
    height: FRAME_HEIGHT - MARGIN.top - MARGIN.bottom,
    bottom: FRAME_HEIGHT - MARGIN.bottom,
  };
}

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
export function yOf(value: number, top: number, plot: Plot): number {
  return hundredths(plot.bottom - (top > 0 ? (value / top) * plot.height : 0));
}

/** The height between two y coordinates, to the same 0.01. */
export function heightBetween(upper: number, lower: number): number {
  return hundredths(lower - upper);
}

/** Where the bar (or point) of bucket `index` out of `count` sits: its left edge, width and centre. */
export function slot(index: number, count: number, plot: Plot): { x: number; width: number; centre: number } {
  const band = plot.width / Math.max(count, 1);
  const width = band * BAR_SHARE;
  const x = plot.left + index * band + (band - width) / 2;
  return { x: hundredths(x), width: hundredths(width), centre: hundredths(x + width / 2) };
}

/** Which buckets get a label under the axis: every nth, as many as the plot's width has room for. */
export function labelled(count: number, plot: Plot): (index: number) => boolean {
  const room = Math.max(1, Math.floor(plot.width / X_LABEL_PX));
  const every = Math.max(1, Math.ceil(count / room));
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
