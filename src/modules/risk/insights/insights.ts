// Spending insights of one wallet, computed from its ledger entries (pure: tests feed it a history).
// Category: the transfer's metadata `category` when it is a string, else "uncategorised" (OCP's
// merchants have no category of their own).

/** One ledger entry of the wallet: negative amount = money out. */
export interface HistoryEntry {
  amount: bigint;
  counterparty: string;
  category: string;
  at: Date;
}

export type Cadence = 'weekly' | 'monthly';

export interface RecurringFlow {
  counterparty: string;
  direction: 'out' | 'in';
  cadence: Cadence;
  /** The usual amount (the median), minor units, always positive. */
  amount: bigint;
  occurrences: number;
  lastAt: Date;
  nextAt: Date;
}

export interface MonthSpending {
  month: string;
  total: bigint;
  byCategory: { category: string; amount: bigint }[];
  byCounterparty: { counterparty: string; amount: bigint }[];
}

export interface Projection {
  /** Balance at the end of each day, today first (PROJECTION_DAYS + 1 points). */
  days: { date: string; balance: bigint }[];
  lowest: { date: string; balance: bigint };
}

const DAY_MS = 86_400_000;
export const PROJECTION_DAYS = 30;
const COUNTERPARTIES_PER_MONTH_MAX = 10;
/** A cadence needs this many payments, each gap within its band and each amount within 10% of the median. */
const OCCURRENCES_MIN = 3;
const CADENCES: readonly { cadence: Cadence; days: number; minDays: number; maxDays: number }[] = [
  { cadence: 'weekly', days: 7, minDays: 6, maxDays: 8 },
  { cadence: 'monthly', days: 30, minDays: 27, maxDays: 33 },
];
const AMOUNT_TOLERANCE_PERCENT = 10n;

/** Money out per calendar month (UTC), by category and by counterparty (top 10), oldest month first. */
export function spendingByMonth(entries: readonly HistoryEntry[]): MonthSpending[] {
  const months = new Map<string, { total: bigint; categories: Map<string, bigint>; counterparties: Map<string, bigint> }>();
  for (const e of entries) {
    if (e.amount >= 0n) continue;
    const key = e.at.toISOString().slice(0, 7);
    const m = months.get(key) ?? { total: 0n, categories: new Map(), counterparties: new Map() };
    const spent = -e.amount;
    m.total += spent;
    m.categories.set(e.category, (m.categories.get(e.category) ?? 0n) + spent);
    m.counterparties.set(e.counterparty, (m.counterparties.get(e.counterparty) ?? 0n) + spent);
    months.set(key, m);
  }
  const largestFirst = <K extends string>(map: Map<string, bigint>, key: K) =>
    [...map]
      .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
      .map(([k, amount]) => ({ [key]: k, amount }) as Record<K, string> & { amount: bigint });
  return [...months]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, m]) => ({
      month,
      total: m.total,
      byCategory: largestFirst(m.categories, 'category'),
      byCounterparty: largestFirst(m.counterparties, 'counterparty').slice(0, COUNTERPARTIES_PER_MONTH_MAX),
    }));
}

/** Flows with one counterparty, one direction, a similar amount and a weekly or monthly rhythm. */
export function recurringFlows(entries: readonly HistoryEntry[]): RecurringFlow[] {
  const groups = new Map<string, HistoryEntry[]>();
  for (const e of entries) {
    const key = `${e.amount < 0n ? 'out' : 'in'}:${e.counterparty}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const flows: RecurringFlow[] = [];
  for (const [key, group] of groups) {
    if (group.length < OCCURRENCES_MIN) continue;
    const sorted = [...group].sort((a, b) => a.at.getTime() - b.at.getTime());
    const amounts = sorted.map((e) => (e.amount < 0n ? -e.amount : e.amount)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = amounts[Math.floor(amounts.length / 2)]!;
    if (amounts.some((a) => (a > median ? a - median : median - a) * 100n > median * AMOUNT_TOLERANCE_PERCENT)) continue;
    const gaps = sorted.slice(1).map((e, i) => (e.at.getTime() - sorted[i]!.at.getTime()) / DAY_MS);
    const match = CADENCES.find((c) => gaps.every((g) => g >= c.minDays && g <= c.maxDays));
    if (!match) continue;
    const last = sorted[sorted.length - 1]!;
    // Math.floor, not `| 0`: a monthly gap (~2.6e9 ms) is past int32 and `| 0` wrapped it negative.
    const meanGapMs = Math.floor((last.at.getTime() - sorted[0]!.at.getTime()) / gaps.length);
    flows.push({
      counterparty: last.counterparty,
      direction: key.startsWith('out') ? 'out' : 'in',
      cadence: match.cadence,
      amount: median,
      occurrences: sorted.length,
      lastAt: last.at,
      nextAt: new Date(last.at.getTime() + meanGapMs),
    });
  }
  return flows;
}

/** The balance over the next PROJECTION_DAYS days if only the recurring flows (those not stopped) happen. */
export function project(balance: bigint, flows: readonly RecurringFlow[], now: Date): Projection {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const change = new Array<bigint>(PROJECTION_DAYS + 1).fill(0n);
  for (const f of flows) {
    const periodMs = f.nextAt.getTime() - f.lastAt.getTime() || DAY_MS;
    // Missed a whole period more than its due date (two payments in a row): it has stopped, and a
    // cancelled subscription must not pull the forecast down (nor start a top-up charge).
    if (f.nextAt.getTime() + periodMs < start) continue;
    // A payment already overdue is expected today.
    for (let at = Math.max(f.nextAt.getTime(), start); at < start + (PROJECTION_DAYS + 1) * DAY_MS; at += periodMs) {
      const day = Math.floor((at - start) / DAY_MS);
      change[day]! += f.direction === 'out' ? -f.amount : f.amount;
    }
  }
  let running = balance;
  const days = change.map((delta, i) => {
    running += delta;
    return { date: new Date(start + i * DAY_MS).toISOString().slice(0, 10), balance: running };
  });
  const lowest = days.reduce((low, d) => (d.balance < low.balance ? d : low), days[0]!);
  return { days, lowest };
}

/** The first projected day within `withinDays` whose balance is below `threshold`, or null. */
export function firstDayBelow(p: Projection, threshold: bigint, withinDays: number): { date: string; balance: bigint } | null {
  return p.days.slice(0, withinDays + 1).find((d) => d.balance < threshold) ?? null;
}
