import { randomUUID } from 'node:crypto';
import { loginAdmin, registerUser, type TestApp } from './test-app';

export type TestUser = Awaited<ReturnType<typeof registerUser>>;

export async function createWallet(t: TestApp, user: TestUser, currency = 'USD', extra: Record<string, unknown> = {}) {
  const res = await t.http().post('/api/v1/wallets').set(user.auth).send({ currency, ...extra });
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

export function transfer(
  t: TestApp,
  user: TestUser,
  body: Record<string, unknown>,
  idempotencyKey: string | null = randomUUID(),
) {
  const req = t.http().post('/api/v1/wallet/transfer').set(user.auth);
  if (idempotencyKey !== null) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

export async function balanceOf(t: TestApp, walletId: string): Promise<bigint> {
  const { rows } = await t.container.db.query<{ balance: bigint }>('SELECT balance FROM wallets WHERE id = $1', [walletId]);
  return rows[0]!.balance;
}

/** The ledger's own invariants, read straight from the database. */
export async function ledgerInvariants(t: TestApp) {
  const db = t.container.db;
  const total = await db.query<{ sum: string | null }>('SELECT sum(balance)::text AS sum FROM wallets');
  const unbalanced = await db.query(
    'SELECT transfer_id FROM transactions GROUP BY transfer_id HAVING sum(amount) <> 0 OR count(*) <> 2',
  );
  const negative = await db.query("SELECT id FROM wallets WHERE kind = 'user' AND balance < 0");
  const drift = await db.query(
    `SELECT w.id FROM wallets w LEFT JOIN transactions e ON e.wallet_id = w.id
      GROUP BY w.id, w.balance HAVING w.balance <> COALESCE(sum(e.amount), 0)`,
  );
  return {
    totalBalance: BigInt(total.rows[0]?.sum ?? '0'),
    unbalancedTransfers: unbalanced.rowCount,
    negativeUserWallets: negative.rowCount,
    walletsWhoseBalanceDisagreesWithEntries: drift.rowCount,
  };
}
