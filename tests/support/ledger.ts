import { randomUUID } from 'node:crypto';
import { SqlLedgerVerifier } from '../../src/modules/ledger/adapters/sql-ledger-verifier';
import type { LedgerCheckName } from '../../src/modules/ledger/ledger-verifier';
import { loginAdmin, type registerUser, type TestApp } from './test-app';

export type TestUser = Awaited<ReturnType<typeof registerUser>>;

export async function createWallet(t: TestApp, user: TestUser, currency = 'USD', extra: Record<string, unknown> = {}) {
  const res = await t
    .http()
    .post('/api/v1/wallets')
    .set(user.auth)
    .send({ currency, ...extra });
  if (res.status !== 201) throw new Error(`create wallet failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; balance: string; currency: string; userId: string };
}

let adminAuth: { Authorization: string } | undefined;
let adminApp: TestApp | undefined;

/** Puts money into a wallet the way operators do: an admin adjustment. */
export async function fund(t: TestApp, walletId: string, amount: bigint | number | string) {
  if (adminApp !== t || !adminAuth) {
    adminAuth = (await loginAdmin(t)).auth;
    adminApp = t;
  }
  const res = await t
    .http()
    .post(`/api/v1/admin/wallets/${walletId}/adjustments`)
    .set(adminAuth)
    .set('Idempotency-Key', randomUUID())
    .send({ amount: String(amount), reason: 'test funding' });
  if (res.status !== 201) throw new Error(`funding failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function transfer(t: TestApp, user: TestUser, body: Record<string, unknown>, idempotencyKey: string | null = randomUUID()) {
  const req = t.http().post('/api/v1/wallet/transfer').set(user.auth);
  if (idempotencyKey !== null) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

export async function balanceOf(t: TestApp, walletId: string): Promise<bigint> {
  const { rows } = await t.container.db.query<{ balance: bigint }>('SELECT balance FROM wallets WHERE id = $1', [walletId]);
  return rows[0]!.balance;
}

/**
 * The ledger's own invariants, read straight from the database by the same verifier as
 * `npm run verify-ledger`: counts of offending rows (0 when the invariant holds). The shape stays
 * as other tests compare it whole; refunds_within_original is checked by verify-ledger's own test.
 */
export async function ledgerInvariants(t: TestApp) {
  const report = await new SqlLedgerVerifier(t.container.db).verify();
  const violations = (name: LedgerCheckName) => report.checks.find((c) => c.name === name)!.violations;
  return {
    totalBalance: Object.values(report.totalsByCurrency).reduce((sum, total) => sum + total, 0n),
    unbalancedTransfers: violations('transfers_balanced'),
    negativeUserWallets: violations('no_negative_user_balance'),
    walletsWhoseBalanceDisagreesWithEntries: violations('balances_match_entries'),
  };
}
