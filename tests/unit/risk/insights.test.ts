import { project, recurringFlows, spendingByMonth, type HistoryEntry } from '../../../src/modules/risk';

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
});
