import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { newId } from '../../../src/infra/crypto/ids';
import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { AMOUNT_MAX_MINOR, BALANCE_SOFT_MAX_MINOR, BIGINT_MAX } from '../../../src/shared/money/money';
import { balanceOf, createWallet, type TestUser } from '../../support/ledger';
import { createCardToken, fundWithCard } from '../../support/payments';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * A property of the whole money path, through HTTP: any sequence of transfers, refunds, adjustments
 * and card fundings, with amounts up to the maximum, answers exactly what a simple model of the
 * balances predicts (201, or 422 for a refusal: never a 5xx), leaves every balance where the model
 * says, and leaves books the ledger verifier (npm run verify-ledger) finds balanced.
 *
 * Two of the wallets start near the limits (one just under the funding limit 2^62, one just under
 * 2^63 - 1), seeded by a real posting from a system account of their own, so the range refusals are
 * reached in a few steps. Seeded (OCP_PROPERTY_SEED overrides) and bounded: RUNS sequences of at
 * most STEPS operations.
 */
const SEED = Number(process.env.OCP_PROPERTY_SEED ?? 20261205);
const RUNS = 30;
const STEPS = 30;
const WALLETS = 4; // 0, 1 ordinary; 2 near the funding limit; 3 near the BIGINT limit

type Op =
  | { kind: 'transfer'; from: number; to: number; amount: bigint }
  | { kind: 'adjust'; wallet: number; amount: bigint }
  | { kind: 'fund'; wallet: number; amount: bigint }
  | { kind: 'refund'; of: number; amount: bigint | 'rest' };

const amount = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: AMOUNT_MAX_MINOR }) },
  { weight: 1, arbitrary: fc.constantFrom(1n, AMOUNT_MAX_MINOR, AMOUNT_MAX_MINOR - 1n) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 10_000n }) },
);
const wallet = fc.integer({ min: 0, max: WALLETS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), from: wallet, to: wallet, amount }).filter((o) => o.from !== o.to),
  fc.record({ kind: fc.constant('adjust' as const), wallet, amount: fc.tuple(amount, fc.boolean()).map(([a, debit]) => (debit ? -a : a)) }),
  fc.record({ kind: fc.constant('fund' as const), wallet, amount }),
  fc.record({ kind: fc.constant('refund' as const), of: fc.nat(STEPS), amount: fc.oneof(amount, fc.constant('rest' as const)) }),
);

describe('ledger properties through HTTP', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let owner: TestUser;
  let tokenId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = (await loginAdmin(t)).auth;
    owner = await registerUser(t);
    tokenId = (await createCardToken(t, owner.auth)).id;
  });
  afterAll(() => t.close());

  /** A real posting from a system account of its own, so the books stay balanced. */
  async function seed(walletId: string, balance: bigint) {
    const source = newId('sys_seed');
    await t.container.db.query("INSERT INTO wallets (id, kind, currency, label) VALUES ($1, 'system', 'USD', 'system:property-seed')", [
      source,
    ]);
    await t.container.db.query(
      `SELECT refusal FROM ocp_post_transfers(ARRAY[$1], ARRAY['adjustment'], ARRAY[$2], ARRAY[$3], ARRAY[$4::bigint], ARRAY['USD'],
         ARRAY[$5], ARRAY[$6], ARRAY['property seed'], ARRAY['test'], ARRAY[NULL::text], ARRAY['{}'::jsonb])`,
      [newId('trf'), source, walletId, balance, newId('txn'), newId('txn')],
    );
  }

  const post = (path: string, auth: Record<string, string>, body: object) =>
    t.http().post(path).set(auth).set('Idempotency-Key', randomUUID()).send(body);

  it('when random operations run, then each answer and every balance follow the model, and the books balance', async () => {
    const refusals = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: STEPS }), async (ops) => {
        const ids = [];
        for (let i = 0; i < WALLETS; i += 1) ids.push((await createWallet(t, owner)).id);
        const model = [0n, 0n, BALANCE_SOFT_MAX_MINOR - 2n * AMOUNT_MAX_MINOR, BIGINT_MAX - 2n * AMOUNT_MAX_MINOR];
        await seed(ids[2]!, model[2]!);
        await seed(ids[3]!, model[3]!);
        // Postings that can be refunded: the wallet that received them, the user wallet they came from (or none), what is left.
        const refundable: { creditId: string; to: number; from: number | null; remaining: bigint }[] = [];

        for (const o of ops) {
          let expected: boolean;
          let res;
          if (o.kind === 'transfer') {
            expected = model[o.from]! >= o.amount && model[o.to]! + o.amount <= BIGINT_MAX;
            res = await post('/api/v1/wallet/transfer', owner.auth, {
              fromWalletId: ids[o.from],
              toWalletId: ids[o.to],
              amount: o.amount.toString(),
            });
            if (res.status === 201) {
              model[o.from]! -= o.amount;
              model[o.to]! += o.amount;
              refundable.push({ creditId: res.body.credit.id, to: o.to, from: o.from, remaining: o.amount });
            }
          } else if (o.kind === 'adjust') {
            expected = o.amount < 0n ? model[o.wallet]! >= -o.amount : model[o.wallet]! + o.amount <= BIGINT_MAX;
            res = await post(`/api/v1/admin/wallets/${ids[o.wallet]}/adjustments`, admin, {
              amount: o.amount.toString(),
              reason: 'property',
            });
            if (res.status === 201) model[o.wallet]! += o.amount;
          } else if (o.kind === 'fund') {
            expected = model[o.wallet]! + o.amount <= BALANCE_SOFT_MAX_MINOR;
            res = await fundWithCard(t, owner.auth, ids[o.wallet]!, { tokenId, amount: o.amount.toString() });
            if (res.status === 201) {
              model[o.wallet]! += o.amount;
              refundable.push({ creditId: res.body.credit.id, to: o.wallet, from: null, remaining: o.amount });
            }
          } else {
            const original = refundable[o.of % Math.max(refundable.length, 1)];
            if (!original) continue;
            const value = o.amount === 'rest' ? original.remaining : o.amount;
            expected =
              value > 0n &&
              value <= original.remaining &&
              model[original.to]! >= value &&
              (original.from === null || model[original.from]! + value <= BIGINT_MAX);
            res = await post(`/api/v1/transactions/${original.creditId}/refund`, owner.auth, {
              ...(o.amount === 'rest' ? {} : { amount: value.toString() }),
              reason: 'property',
            });
            if (res.status === 201) {
              original.remaining -= value;
              model[original.to]! -= value;
              if (original.from !== null) model[original.from]! += value;
            }
          }
          if (res.status === 422) refusals.add(res.body.error.code);
          // A refusal is a 422 (insufficient_funds, amount_out_of_range, refund_exceeds_remaining); never a 5xx.
          if (res.status !== (expected ? 201 : 422)) {
            throw new Error(
              `${JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))} answered ${res.status} ${JSON.stringify(res.body)}; model ${model.join(', ')}`,
            );
          }
        }

        for (let i = 0; i < WALLETS; i += 1) expect(await balanceOf(t, ids[i]!)).toBe(model[i]);
        const report = await new SqlLedgerVerifier(t.container.db).verify();
        expect(report.checks.filter((check) => check.violations > 0)).toEqual([]);
        expect(Object.values(report.totalsByCurrency).every((total) => total === 0n)).toBe(true);
        const { rows } = await t.container.db.query<{ lowest: bigint; highest: bigint }>(
          'SELECT min(balance) AS lowest, max(balance) AS highest FROM wallets',
        );
        expect(BigInt(rows[0]!.lowest) >= -BIGINT_MAX && BigInt(rows[0]!.highest) <= BIGINT_MAX).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The sequences did reach the edges the property is about.
    expect([...refusals].sort()).toEqual(expect.arrayContaining(['amount_out_of_range', 'insufficient_funds']));
  }, 120_000);
});
