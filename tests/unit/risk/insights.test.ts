import { project, recurringFlows, spendingByMonth, type HistoryEntry } from '../../../src/modules/risk';
import { firstDayBelow, type RecurringFlow } from '../../../src/modules/risk/insights/insights';

const DAY = 86_400_000;
const now = new Date('2026-12-06T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const out = (counterparty: string, amount: bigint, at: Date, category = 'uncategorised'): HistoryEntry => ({
  amount: -amount,
  counterparty,
  category,
  at,
});

describe('insights', () => {
  it('when payments to one counterparty are similar and weekly or monthly, then they are recurring; irregular ones are not', () => {
    const entries = [
      ...[28, 21, 14, 7].map((d, i) => out('gym', 1_000n + BigInt(i * 20), ago(d))),
      ...[90, 60, 30].map((d) => out('landlord', 80_000n, ago(d))),
      ...[40, 33, 2].map((d) => out('irregular', 500n, ago(d))),
      ...[21, 14, 7].map((d, i) => out('varying', i === 1 ? 5_000n : 500n, ago(d))),
    ];
    const flows = recurringFlows(entries);
    expect(flows.map((f) => [f.counterparty, f.cadence, f.amount]).sort()).toEqual([
      ['gym', 'weekly', 1_040n],
      ['landlord', 'monthly', 80_000n],
    ]);
    const gym = flows.find((f) => f.counterparty === 'gym')!;
    expect(gym.nextAt.toISOString().slice(0, 10)).toBe(now.toISOString().slice(0, 10));
  });

  it('when the recurring flows run for 30 days, then the projection takes each occurrence off the balance', () => {
    const flows = recurringFlows([...[21, 14, 7].map((d) => out('gym', 1_000n, ago(d))), ...[60, 30].map((d) => out('x', 1n, ago(d)))]);
    const p = project(10_000n, flows, now);
    expect(p.days).toHaveLength(31);
    // Today, then every 7 days: days 0, 7, 14, 21, 28 → five payments.
    expect(p.days[0]!.balance).toBe(9_000n);
    expect(p.days[30]!.balance).toBe(5_000n);
    expect(p.lowest.balance).toBe(5_000n);
  });

  it('when money goes out, then spending is summed by month, category and counterparty, largest first', () => {
    const months = spendingByMonth([
      out('a', 100n, new Date('2026-11-03T00:00:00Z'), 'food'),
      out('b', 300n, new Date('2026-11-20T00:00:00Z'), 'rent'),
      out('a', 50n, new Date('2026-12-01T00:00:00Z'), 'food'),
      { amount: 999n, counterparty: 'c', category: 'salary', at: new Date('2026-12-01T00:00:00Z') },
    ]);
    expect(months.map((m) => [m.month, m.total])).toEqual([
      ['2026-11', 400n],
      ['2026-12', 50n],
    ]);
    expect(months[0]!.byCategory).toEqual([
      { category: 'rent', amount: 300n },
      { category: 'food', amount: 100n },
    ]);
    expect(months[0]!.byCounterparty[0]).toEqual({ counterparty: 'b', amount: 300n });
  });

  it('when money comes in monthly, then it is an incoming flow and the projection adds it', () => {
    const salary = [92, 62, 32].map((d, i): HistoryEntry => ({
      amount: 300_000n + BigInt(i),
      counterparty: 'employer',
      category: 'salary',
      at: ago(d),
    }));
    const flows = recurringFlows(salary);
    expect(flows[0]!.nextAt.getTime() - flows[0]!.lastAt.getTime()).toBe(30 * DAY);
    expect(flows).toEqual([expect.objectContaining({ counterparty: 'employer', direction: 'in', cadence: 'monthly', amount: 300_001n })]);
    const p = project(1_000n, flows, now);
    // Overdue by two days: expected today.
    expect(p.days[0]!.balance).toBe(301_001n);
    expect(p.lowest.balance).toBe(1_000n + 300_001n);
    // And again a period later: day 30.
    expect(p.days[29]!.balance).toBe(1_000n + 300_001n);
    expect(p.days[30]!.balance).toBe(1_000n + 2n * 300_001n);
  });

  it('when a weekly payment stopped months ago, then it is not projected (no early top-up for a cancelled subscription); one a few days late still is', () => {
    const stopped = recurringFlows([114, 107, 100].map((d) => out('gym', 1_000n, ago(d))));
    expect(stopped).toHaveLength(1); // still listed: it was recurring
    const p = project(1_500n, stopped, now);
    expect(p.days.every((d) => d.balance === 1_500n)).toBe(true);
    expect(firstDayBelow(p, 1_000n, 7)).toBeNull();

    const late = recurringFlows([24, 17, 10].map((d) => out('gym', 1_000n, ago(d))));
    expect(project(1_500n, late, now).days[0]!.balance).toBe(500n);
  });

  it('when a flow has no gap between its last and next dates, then it is projected once a day instead of never advancing', () => {
    const flow: RecurringFlow = {
      counterparty: 'x',
      direction: 'out',
      cadence: 'weekly',
      amount: 10n,
      occurrences: 3,
      lastAt: now,
      nextAt: now,
    };
    const p = project(1_000n, [flow], now);
    expect(p.days.map((d) => d.balance).slice(0, 3)).toEqual([990n, 980n, 970n]);
    expect(p.days[30]!.balance).toBe(1_000n - 31n * 10n);
  });

  it('when the projection dips below the threshold, then the first such day within the window is named; none within it is null', () => {
    const flows = recurringFlows([21, 14, 7].map((d) => out('gym', 1_000n, ago(d))));
    const p = project(2_500n, flows, now);
    // 1,500 today, 500 on day 7, -500 on day 14.
    expect(firstDayBelow(p, 1_000n, 30)).toEqual({ date: p.days[7]!.date, balance: 500n });
    expect(firstDayBelow(p, 1_000n, 6)).toBeNull();
  });

  it('when categories tie or a later one is larger, then they are still ordered largest first', () => {
    const [month] = spendingByMonth([
      out('a', 100n, new Date('2026-11-03T00:00:00Z'), 'food'),
      out('b', 300n, new Date('2026-11-04T00:00:00Z'), 'rent'),
      out('c', 300n, new Date('2026-11-05T00:00:00Z'), 'travel'),
      out('d', 50n, new Date('2026-11-06T00:00:00Z'), 'fees'),
      out('e', 700n, new Date('2026-11-07T00:00:00Z'), 'tax'),
    ]);
    expect(month!.byCategory.map((c) => c.amount)).toEqual([700n, 300n, 300n, 100n, 50n]);
    expect(month!.byCategory[0]!.category).toBe('tax');
  });
});
