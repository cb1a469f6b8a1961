import { toFeatures, type RawAggregates } from './risk.features';

// The labelled synthetic data set the model is trained on (docs/risk.md#fraud-patterns). Each row
// is a movement's raw aggregates, as SqlRiskRepository would read them, turned into features by the
// same `toFeatures` as at scoring time. A fixed seed gives the same rows on every machine.

export type Pattern = 'normal' | 'normal_busy' | 'normal_new_user' | 'account_takeover' | 'card_testing' | 'mule' | 'agent_runaway';

export interface Row {
  pattern: Pattern;
  label: 0 | 1;
  features: number[];
}

/** mulberry32: a tiny seeded generator, enough for a reproducible data set (not for secrets). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400;

/** Share of each pattern in the data set (fraud ≈ 12%, about what a card-testing wave looks like). */
const MIX: readonly [Pattern, number][] = [
  ['normal', 0.6],
  ['normal_busy', 0.1],
  ['normal_new_user', 0.18],
  ['account_takeover', 0.03],
  ['card_testing', 0.03],
  ['mule', 0.03],
  ['agent_runaway', 0.03],
];

export function generateDataset(seed: number, size: number): Row[] {
  const rand = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const chance = (p: number) => rand() < p;
  // A log-normal amount around `median` minor units.
  const amountAround = (median: number, spread: number) => {
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(1, Math.round(median * Math.exp(spread * normal)));
  };
  const big = (n: number) => BigInt(Math.max(0, Math.round(n)));
  // Money in (a card funding): nothing drained, no counterparty, never an agent's. The rest stays.
  const fundedBy = (r: RawAggregates): RawAggregates => ({
    ...r,
    inbound: true,
    hasCounterparty: false,
    toCounterpartyCount: 0,
    agent: false,
  });
  // A person's request from an address they have not settled on (never for agents: they have none).
  const fromNewAddress = (r: RawAggregates, p: number): RawAggregates => ({ ...r, newIp: !r.agent && chance(p) });

  /** An established customer's usual situation, which the patterns then bend. */
  const usual = (): RawAggregates => {
    const mean = amountAround(5_000, 1);
    const pastCount = int(3, 200);
    const amount = amountAround(mean, 0.6);
    const hourCount = chance(0.8) ? 0 : int(1, 3);
    return {
      amount: big(amount),
      balance: big(amount * between(1.5, 40)),
      pastCount,
      pastTotal: big(mean * pastCount),
      hourCount,
      hourTotal: big(hourCount * mean),
      dayCount: hourCount + int(0, 5),
      toCounterpartyCount: chance(0.7) ? int(1, 20) : 0,
      hasCounterparty: chance(0.95),
      receivedDayFromUsers: chance(0.2) ? big(amountAround(mean, 1)) : 0n,
      failedDay: chance(0.95) ? 0 : 1,
      ageSeconds: between(20, 2_000) * DAY,
      agent: chance(0.1),
    };
  };

  const make: Record<Pattern, () => RawAggregates> = {
    // Some pay from a new address (travel, a new phone, a new provider); some fund by card.
    normal: () => {
      const u = fromNewAddress(usual(), 0.06);
      return chance(0.15) ? fundedBy(u) : u;
    },
    // Shops, payroll, an agent paying for API calls: many transfers an hour, of the usual size.
    normal_busy: () => {
      const u = fromNewAddress(usual(), 0.03);
      const hourCount = int(5, 120);
      return {
        ...u,
        hourCount,
        dayCount: hourCount + int(0, 200),
        hourTotal: big((hourCount * Number(u.pastTotal)) / u.pastCount),
        pastCount: Math.max(u.pastCount, hourCount),
      };
    },
    // Signed up today, funded by card, pays someone new, maybe all of it, maybe several times. No
    // address of theirs is settled yet (a day old), so new_ip is 0: unknown, not new.
    normal_new_user: () => {
      const amount = amountAround(3_000, 1.2);
      const pastCount = chance(0.6) ? 0 : int(1, 50);
      const hourCount = Math.min(pastCount, int(0, 50));
      const r: RawAggregates = {
        amount: big(amount),
        balance: big(amount * between(1, 5)),
        pastCount,
        pastTotal: big(pastCount * amount),
        hourCount,
        hourTotal: big(hourCount * amount),
        dayCount: hourCount,
        toCounterpartyCount: chance(0.4) ? 0 : int(0, 3),
        hasCounterparty: true,
        receivedDayFromUsers: chance(0.1) ? big(amountAround(amount, 1)) : 0n,
        failedDay: chance(0.9) ? 0 : 1,
        ageSeconds: between(0, 3) * DAY,
        agent: chance(0.15),
      };
      return chance(0.3) ? fundedBy(r) : r;
    },
    // Someone else got in, usually from an address the owner never used: the whole balance, at
    // once, to a stranger. Not always a new address (malware on the owner's device, a shared network).
    account_takeover: () => {
      const u = usual();
      const balance = Number(u.balance) * between(1, 3);
      const amount = balance * between(0.85, 1);
      const r = { ...u, amount: big(amount), balance: big(balance), toCounterpartyCount: 0, hasCounterparty: true, agent: false };
      return fromNewAddress(r, 0.8);
    },
    // A stolen card list checked against the funding flow: many declines, then a funding that
    // works, or small movements. The account may be the tester's own (new address: sometimes).
    card_testing: () => {
      const u = usual();
      const hourCount = int(2, 40);
      const r = {
        ...u,
        amount: big(between(50, 500)),
        failedDay: int(4, 60),
        hourCount,
        dayCount: hourCount + int(0, 20),
        ageSeconds: between(0, 30) * DAY,
      };
      const fromWhere = fromNewAddress(r, r.ageSeconds > DAY ? 0.3 : 0);
      return chance(0.5) ? fundedBy(fromWhere) : fromWhere;
    },
    // A fresh account that receives from others and sends it straight on.
    mule: () => {
      const amount = amountAround(50_000, 0.8);
      const pastCount = int(0, 4);
      const ageSeconds = between(0, 5) * DAY;
      return {
        amount: big(amount),
        balance: big(amount * between(1, 1.2)),
        pastCount,
        pastTotal: big(pastCount * amount * between(0.5, 1)),
        hourCount: Math.min(pastCount, int(0, 2)),
        hourTotal: big(amount * between(0, 1)),
        dayCount: pastCount,
        toCounterpartyCount: 0,
        hasCounterparty: true,
        receivedDayFromUsers: big(amount * between(0.9, 1.5)),
        failedDay: 0,
        ageSeconds,
        agent: false,
        newIp: ageSeconds > DAY && chance(0.2),
      };
    },
    // An agent in a loop: far more and far bigger than its owner's history, within the hour.
    agent_runaway: () => {
      const u = usual();
      const mean = Number(u.pastTotal) / u.pastCount;
      const hourCount = int(30, 400);
      return {
        ...u,
        agent: true,
        hourCount,
        dayCount: hourCount + int(0, 50),
        hourTotal: big(hourCount * mean * between(1, 6)),
        amount: big(mean * between(0.5, 5)),
      };
    },
  };

  const rows: Row[] = [];
  for (let i = 0; i < size; i++) {
    const pick = rand();
    let acc = 0;
    let pattern: Pattern = 'normal';
    for (const [p, share] of MIX) {
      acc += share;
      if (pick < acc) {
        pattern = p;
        break;
      }
    }
    rows.push({ pattern, label: pattern.startsWith('normal') ? 0 : 1, features: toFeatures(make[pattern]()) });
  }
  return rows;
}

/** The data set `npm run risk:train` uses: change either and the model's metrics change with it. */
export const RISK_DATASET_SEED = 20_261_206;
export const RISK_DATASET_ROWS = 20_000;
