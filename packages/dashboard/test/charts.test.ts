import { describe, expect, test } from '@jest/globals';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Schemas } from '@ocp/sdk';
import { AgentRefusalsChart, PaymentSuccessRateChart, VolumeChart } from '../src/charts';
import { formatBucket, niceTicks, sumMinor } from '../src/charts/scale';

const DAYS = ['2025-03-01', '2025-03-02', '2025-03-03'].map((d) => `${d}T00:00:00.000Z`);

/** The rendered markup, with helpers to read what a person or a screen reader gets from it. */
function render(element: ReactElement) {
  const html = renderToStaticMarkup(element);
  const all = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!);
  return {
    html,
    label: all(/<svg role="img" aria-label="([^"]*)"/g)[0],
    /** The hidden table's body cells, row by row. */
    rows: all(/<tr>(<th scope="row">.*?)<\/tr>/g).map((row) => [...row.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1])),
    heights: (className: string) => all(new RegExp(`class="${className}"[^>]* height="([0-9.]+)"`, 'g')).map(Number),
    count: (pattern: RegExp) => (html.match(pattern) ?? []).length,
  };
}

describe('the volume chart', () => {
  test('when it draws a volume per day, then each day is a bar as tall as its amount and the numbers are exact', () => {
    const points = DAYS.map((bucket, i) => ({ bucket, value: ['1300', '250', '999'][i]! }));
    const chart = render(createElement(VolumeChart, { points, currency: 'USD', interval: 'day' }));
    expect(chart.label).toBe('Volume by day in USD: 25.49 USD moved from 1 Mar to 3 Mar; the highest day was 1 Mar with 13.00 USD.');
    expect(chart.rows).toEqual([
      ['1 Mar', '13.00 USD'],
      ['2 Mar', '2.50 USD'],
      ['3 Mar', '9.99 USD'],
    ]);
    const [first, second, third] = chart.heights('chart-bar');
    expect(first! / second!).toBeCloseTo(1300 / 250, 1);
    expect(third! / second!).toBeCloseTo(999 / 250, 1);
    expect(chart.html).toMatch(
      /<title id="[^"]+">Volume by day \(USD\)<\/title><desc id="[^"]+">The sum of all transfers in USD per day, UTC.<\/desc>/,
    );
  });

  test('when amounts pass 2^53 minor units, then the total and the table stay exact to the unit', () => {
    const points = [
      { bucket: DAYS[0]!, value: '9007199254740993' },
      { bucket: DAYS[1]!, value: '1' },
    ];
    const chart = render(createElement(VolumeChart, { points, currency: 'USD', interval: 'day' }));
    expect(chart.rows[0]).toEqual(['1 Mar', '90071992547409.93 USD']);
    expect(chart.label).toContain('90071992547409.94 USD moved');
  });

  test('when nothing moved, then the bars are flat and the summary says so', () => {
    const points = DAYS.map((bucket) => ({ bucket, value: '0' }));
    const chart = render(createElement(VolumeChart, { points, currency: 'JPY', interval: 'day' }));
    expect(chart.label).toBe('Volume by day in JPY: No JPY volume from 1 Mar to 3 Mar.');
    expect(chart.heights('chart-bar')).toEqual([0, 0, 0]);
  });
});

describe('the payment success rate chart', () => {
  test('when a day had no card payment with an outcome, then the line breaks there instead of dropping to zero', () => {
    const points = [0.6667, null, 1, 0.5].map((value, i) => ({ bucket: `2025-03-0${i + 1}T00:00:00.000Z`, value }));
    const chart = render(createElement(PaymentSuccessRateChart, { points, interval: 'day' }));
    expect(chart.count(/class="chart-line"/g)).toBe(2);
    expect(chart.count(/class="chart-point"/g)).toBe(3);
    expect(chart.rows).toEqual([
      ['1 Mar', '66.7 %'],
      ['2 Mar', 'no outcome'],
      ['3 Mar', '100.0 %'],
      ['4 Mar', '50.0 %'],
    ]);
    expect(chart.label).toBe(
      'Payment success rate from 1 Mar to 4 Mar: lowest 50.0 % on 4 Mar, highest 100.0 % on 3 Mar; 3 of 4 days had card payments with an outcome.',
    );
  });
});

describe('the agent refusals chart', () => {
  const report: Schemas['AnalyticsAgentRefusals'] = {
    from: DAYS[0]!,
    to: '2025-03-04T00:00:00.000Z',
    interval: 'day',
    rules: ['daily_budget', 'mandate_exhausted', 'max_per_transaction'],
    points: [
      { bucket: DAYS[0]!, total: 2, byRule: { daily_budget: 1, max_per_transaction: 1 } },
      { bucket: DAYS[1]!, total: 3, byRule: { daily_budget: 2, mandate_exhausted: 1 } },
      { bucket: DAYS[2]!, total: 0, byRule: {} },
    ],
  };

  test('when refusals are stacked by rule, then each rule of a day is one segment and the table has a column per rule', () => {
    const chart = render(createElement(AgentRefusalsChart, { report }));
    expect(chart.count(/class="chart-segment"/g)).toBe(4);
    const [budget1, perTx1, budget2, mandate2] = chart.heights('chart-segment');
    expect(budget2! / budget1!).toBeCloseTo(2, 1);
    expect(perTx1).toBeCloseTo(budget1!, 1);
    expect(mandate2).toBeCloseTo(budget1!, 1);
    expect(chart.html).toMatch(
      /<th scope="col">Day \(UTC\)<\/th><th scope="col">daily budget<\/th><th scope="col">mandate exhausted<\/th>/,
    );
    expect(chart.rows).toEqual([
      ['1 Mar', '1', '0', '1', '2'],
      ['2 Mar', '2', '1', '0', '3'],
      ['3 Mar', '0', '0', '0', '0'],
    ]);
    expect(chart.label).toBe(
      'Agent refusals: 5 from 1 Mar to 3 Mar: daily budget 3, mandate exhausted 1, max per transaction 1; the most on 2 Mar (3).',
    );
  });
});

describe('chart scales', () => {
  test.each([
    [1300, [0, 500, 1000, 1500]],
    [3, [0, 1, 2, 3]],
    [4, [0, 1, 2, 3, 4]],
    [0, [0, 1]],
    [999_999, [0, 250_000, 500_000, 750_000, 1_000_000]],
  ])('when the highest value is %d, then the ticks are %j', (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });

  test('when buckets are hours, then the label has the UTC hour', () => {
    expect(formatBucket('2025-03-01T13:00:00.000Z', 'hour')).toBe('1 Mar 13:00');
    expect(formatBucket('2025-03-01T00:00:00.000Z', 'day')).toBe('1 Mar');
  });

  test('when minor units are added up, then no float rounds them', () => {
    expect(sumMinor(['9007199254740993', '1', '0'])).toBe('9007199254740994');
  });
});
