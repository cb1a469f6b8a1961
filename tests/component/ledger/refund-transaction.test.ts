import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { createOperator } from '../../support/admin';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/transactions/:id/refund', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function paid(amount = '1000') {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 5_000);
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount });
    return { alice, bob, from, to, posted: res.body };
  }

  const refund = (t: TestApp, auth: Record<string, string>, txnId: string, body: object, key = randomUUID()) =>
    t.http().post(`/api/v1/transactions/${txnId}/refund`).set(auth).set('Idempotency-Key', key).send(body);

  it('when the receiver refunds part, then a linked refund moves it back and the original stays completed', async () => {
    const { bob, from, to, posted } = await paid();
    const res = await refund(t, bob.auth, posted.credit.id, { amount: '300', reason: 'damaged item' });
    expect(res.status).toBe(201);
    expect(res.body.transfer).toMatchObject({ type: 'refund', refundOf: posted.transfer.id, amount: '300' });
    expect(res.body.debit.walletId).toBe(to.id);
    expect(res.body.credit.walletId).toBe(from.id);
    expect(await balanceOf(t, from.id)).toBe(4_300n);
    const original = await t.http().get(`/api/v1/transactions/${posted.debit.id}`).set(bob.auth);
    expect(original.status).toBe(404); // the sender's record is not bob's to see
    const credit = await t.http().get(`/api/v1/transactions/${posted.credit.id}`).set(bob.auth);
    expect(credit.body.status).toBe('completed');
  });

  it('when the rest is refunded, then the original becomes reversed and nothing more can be refunded', async () => {
    const { bob, posted } = await paid();
    expect((await refund(t, bob.auth, posted.credit.id, { amount: '400', reason: 'a' })).status).toBe(201);
    expect((await refund(t, bob.auth, posted.credit.id, { reason: 'the rest' })).body.transfer.amount).toBe('600');
    const credit = await t.http().get(`/api/v1/transactions/${posted.credit.id}`).set(bob.auth);
    expect(credit.body.status).toBe('reversed');
    const more = await refund(t, bob.auth, posted.credit.id, { amount: '1', reason: 'again' });
    expect(more.status).toBe(422);
    expect(more.body.error.code).toBe('refund_exceeds_remaining');
  });

  it('when the sender tries to refund their own payment, then 403 refund_receiver_only says why, and no money moves', async () => {
    const { alice, from, posted } = await paid();
    const res = await refund(t, alice.auth, posted.debit.id, { reason: 'I want it back' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('refund_receiver_only');
    expect(res.body.error.message).toMatch(/Only the receiver/);
    expect(await balanceOf(t, from.id)).toBe(4_000n);
    // The receiver's record is not the sender's to see: that one stays a 404.
    expect((await refund(t, alice.auth, posted.credit.id, { reason: 'I want it back' })).status).toBe(404);
  });

  it('when 20 partial refunds of 100 race on a 1000 payment, then exactly 10 succeed', async () => {
    const { bob, from, to, posted } = await paid();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refund(t, bob.auth, posted.credit.id, { amount: '100', reason: 'race' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 422)).toBe(true);
    expect(await balanceOf(t, to.id)).toBe(0n);
    expect(await balanceOf(t, from.id)).toBe(5_000n);
    const { rows } = await t.container.db.query<{ sum: string }>('SELECT sum(amount)::text AS sum FROM transfers WHERE refund_of = $1', [
      posted.transfer.id,
    ]);
    expect(rows[0]!.sum).toBe('1000');
  });

  it('when a refund is itself refunded, or the refund is larger than the payment, then 422', async () => {
    const { alice, bob, posted } = await paid();
    const r = await refund(t, bob.auth, posted.credit.id, { amount: '100', reason: 'x' });
    const back = await refund(t, alice.auth, r.body.credit.id, { reason: 'undo' });
    expect(back.status).toBe(422);
    expect(back.body.error.code).toBe('not_refundable');
    const tooMuch = await refund(t, bob.auth, posted.credit.id, { amount: '5000', reason: 'x' });
    expect(tooMuch.status).toBe(422);
  });

  it('when an operator refunds a customer payment on this route, then either side is 404 and nothing moves (refund requests, under four-eyes, are the way)', async () => {
    const { from, to, posted } = await paid('250');
    const operator = await createOperator(t, 'admin');
    for (const side of [posted.debit.id, posted.credit.id]) {
      const res = await refund(t, operator.auth, side, { reason: 'operator alone' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('transaction_not_found');
      expect((await t.http().get(`/api/v1/transactions/${side}`).set(operator.auth)).status).toBe(404);
    }
    expect(await balanceOf(t, from.id)).toBe(4_750n);
    expect(await balanceOf(t, to.id)).toBe(250n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0, negativeUserWallets: 0 });
  });
});
