import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from './payments';
import type { TestApp } from './test-app';

/** Routing number 110000000 passes the ABA checksum; the account's last four pick the sandbox's outcome. */
export const BANK_ACCOUNTS = {
  paid: '000123456789',
  failing: '000111111116',
  returned: '000111111113',
} as const;

/** Test cards whose last four pick the sandbox's payout outcome (declined: ends 0002, fails). */
export const PAYOUT_CARDS = {
  paid: TEST_CARDS.approved,
  failing: TEST_CARDS.declined,
  returned: TEST_CARDS.payoutReturned,
} as const;

export function createPayout(
  t: TestApp,
  auth: Record<string, string>,
  body: Record<string, unknown>,
  idempotencyKey: string | null = randomUUID(),
) {
  const req = t.http().post('/api/v1/payouts').set(auth);
  if (idempotencyKey !== null) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

export async function registerBankAccount(t: TestApp, auth: Record<string, string>, accountNumber: string = BANK_ACCOUNTS.paid) {
  const res = await t.http().post('/api/v1/payout-destinations').set(auth).send({
    type: 'bank_account',
    accountHolderName: 'Ada Lovelace',
    country: 'US',
    currency: 'USD',
    routingNumber: '110000000',
    accountNumber,
  });
  if (res.status !== 201) throw new Error(`register bank account failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; last4: string };
}

/** A payout as the API shows it (processorPayoutId is null until it is paid). */
export interface PayoutBody {
  id: string;
  status: string;
  failureCode: string | null;
  processorPayoutId: string;
  debitTransferId: string;
}

/** The payout after its immediate attempt has finished. */
export async function settledPayout(t: TestApp, auth: Record<string, string>, id: string) {
  await t.container.payouts.processing.idle();
  return (await t.http().get(`/api/v1/payouts/${id}`).set(auth)).body as PayoutBody;
}

/** What a system account holds in all its shards (payouts_in_transit, payouts_settled). */
export async function systemBalance(t: TestApp, code: string, currency = 'USD'): Promise<bigint> {
  const { rows } = await t.container.db.query<{ total: string | null }>(
    'SELECT sum(balance)::text AS total FROM wallets WHERE kind = $1 AND id LIKE $2',
    ['system', `sys_${code}_${currency}_%`],
  );
  return BigInt(rows[0]?.total ?? '0');
}

/** The types of a payout's transfers, in alphabetical order (payout, payout_failed, payout_returned, payout_settlement). */
export async function payoutTransfers(t: TestApp, payoutId: string): Promise<string[]> {
  const { rows } = await t.container.db.query<{ type: string }>(
    "SELECT type FROM transfers WHERE metadata->>'payoutId' = $1 ORDER BY type",
    [payoutId],
  );
  return rows.map((r) => r.type);
}
