import { randomUUID } from 'node:crypto';
import { createWallet, fund, transfer } from './ledger';
import { registerUser, type TestApp } from './test-app';

/**
 * Some of everything the ledger records: users, wallets in two currencies, funding, transfers and
 * a partial refund. Returns the user wallets' ids and the original transfer that was refunded.
 */
export async function createLedgerActivity(t: TestApp) {
  const alice = await registerUser(t);
  const bob = await registerUser(t);
  const aliceUsd = await createWallet(t, alice, 'USD');
  const bobUsd = await createWallet(t, bob, 'USD');
  const aliceJpy = await createWallet(t, alice, 'JPY');
  const bobJpy = await createWallet(t, bob, 'JPY');
  await fund(t, aliceUsd.id, 10_000);
  await fund(t, aliceJpy.id, 5_000);
  const paid = await transfer(t, alice, { fromWalletId: aliceUsd.id, toWalletId: bobUsd.id, amount: '2500' });
  if (paid.status !== 201) throw new Error(`transfer failed: ${paid.status} ${JSON.stringify(paid.body)}`);
  for (const amount of ['10', '20', '30']) {
    await transfer(t, alice, { fromWalletId: aliceJpy.id, toWalletId: bobJpy.id, amount });
  }
  const refund = await t
    .http()
    .post(`/api/v1/transactions/${paid.body.credit.id}/refund`)
    .set(bob.auth)
    .set('Idempotency-Key', randomUUID())
    .send({ amount: '700', reason: 'partial refund' });
  if (refund.status !== 201) throw new Error(`refund failed: ${refund.status} ${JSON.stringify(refund.body)}`);
  return {
    walletIds: [aliceUsd.id, bobUsd.id, aliceJpy.id, bobJpy.id],
    refundedTransferId: paid.body.transfer.id as string,
    expectedBalances: { [aliceUsd.id]: 8_200n, [bobUsd.id]: 1_800n, [aliceJpy.id]: 4_940n, [bobJpy.id]: 60n },
  };
}
