import { randomUUID } from 'node:crypto';
import { createOperator } from '../../support/admin';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { createCardToken, fundWithCard, sandbox, serviceAuth } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** A ledger refund of a card-funded transfer gives the money back to the card (sandbox processor). */
describe('POST /api/v1/transactions/:id/refund of a card-funded transfer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function funded(amount = '5000') {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth);
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount });
    expect(res.status).toBe(201);
    const { rows } = await t.container.db.query<{ processor_charge_id: string }>(
      'SELECT processor_charge_id FROM card_charges WHERE id = $1',
      [res.body.charge.id],
    );
    return {
      alice,
      wallet,
      chargeId: res.body.charge.id as string,
      processorChargeId: rows[0]!.processor_charge_id,
      credit: res.body.credit as { id: string },
    };
  }

  const refund = (auth: Record<string, string>, txnId: string, body: object, key = randomUUID()) =>
    t.http().post(`/api/v1/transactions/${txnId}/refund`).set(auth).set('Idempotency-Key', key).send(body);

  const cardRefunds = async (chargeId: string) =>
    (
      await t.container.db.query<{
        id: string;
        refund_transfer_id: string;
        amount: string;
        status: string;
        attempts: number;
        processor_refund_id: string | null;
      }>(
        'SELECT id, refund_transfer_id, amount::text AS amount, status, attempts, processor_refund_id FROM card_refunds WHERE charge_id = $1 ORDER BY created_at, id',
        [chargeId],
      )
    ).rows;

  const settled = () => t.container.funding.cardRefunds.idle();

  it('when the owner refunds all of a card funding, then the card is refunded that amount once and the reply says a card refund is pending', async () => {
    const { alice, wallet, chargeId, processorChargeId, credit } = await funded('5000');
    const before = sandbox(t).refundsMade;
    const res = await refund(alice.auth, credit.id, { reason: 'changed my mind' });
    expect(res.status).toBe(201);
    expect(res.body.transfer).toMatchObject({ type: 'refund', amount: '5000' });
    expect(res.body.externalRefund).toEqual({ id: expect.stringMatching(/^crf_/), status: 'pending' });
    await settled();
    expect(await cardRefunds(chargeId)).toEqual([
      {
        id: res.body.externalRefund.id,
        refund_transfer_id: res.body.transfer.id,
        amount: '5000',
        status: 'succeeded',
        attempts: 1,
        processor_refund_id: expect.stringMatching(/^sbre_/),
      },
    ]);
    expect(sandbox(t).refundsMade - before).toBe(1);
    expect(sandbox(t).refundedOf(processorChargeId)).toBe(5000n);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when 8 partial refunds of 700 race on a 5000 funding, then the card gets back exactly what the ledger refunded, once per refund', async () => {
    const { alice, wallet, chargeId, processorChargeId, credit } = await funded('5000');
    const before = sandbox(t).refundsMade;
    const results = await Promise.all(Array.from({ length: 8 }, () => refund(alice.auth, credit.id, { amount: '700', reason: 'part' })));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(7);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.error.code).toBe('refund_exceeds_remaining');
    await settled();
    const rows = await cardRefunds(chargeId);
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.status === 'succeeded' && r.amount === '700')).toBe(true);
    expect(new Set(rows.map((r) => r.refund_transfer_id))).toEqual(new Set(ok.map((r) => r.body.transfer.id)));
    expect(sandbox(t).refundsMade - before).toBe(7);
    expect(sandbox(t).refundedOf(processorChargeId)).toBe(4900n);
    expect(await balanceOf(t, wallet.id)).toBe(100n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when a refund request is retried with the same Idempotency-Key, also at once, then one ledger refund and one card refund', async () => {
    const { alice, chargeId, processorChargeId, credit } = await funded('3000');
    const before = sandbox(t).refundsMade;
    const key = randomUUID();
    const first = await Promise.all(
      Array.from({ length: 5 }, () => refund(alice.auth, credit.id, { amount: '1200', reason: 'retry me' }, key)),
    );
    for (const r of first) expect([201, 409]).toContain(r.status);
    const again = await refund(alice.auth, credit.id, { amount: '1200', reason: 'retry me' }, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await settled();
    const rows = await cardRefunds(chargeId);
    expect(rows).toEqual([expect.objectContaining({ id: again.body.externalRefund.id, amount: '1200', status: 'succeeded' })]);
    expect(sandbox(t).refundsMade - before).toBe(1);
    expect(sandbox(t).refundedOf(processorChargeId)).toBe(1200n);
  });

  it('when a service client refunds, or finance approves a refund request, then the card is refunded too', async () => {
    const { alice, chargeId, processorChargeId, credit } = await funded('2000');
    const svc = await serviceAuth(t, ['transaction:refund']);
    expect((await refund(svc.auth, credit.id, { amount: '500', reason: 'service' })).status).toBe(201);
    const asked = await t
      .http()
      .post(`/api/v1/transactions/${credit.id}/refund-requests`)
      .set(alice.auth)
      .send({ amount: '800', reason: 'asked' });
    expect(asked.status).toBe(201);
    const finance = await createOperator(t, 'finance');
    const approved = await t
      .http()
      .post(`/api/v1/admin/refunds/${asked.body.id}/approve`)
      .set(finance.auth)
      .set('Idempotency-Key', randomUUID())
      .send();
    expect(approved.status).toBe(200);
    expect(approved.body.refund.externalRefund).toMatchObject({ status: 'pending' });
    await settled();
    expect((await cardRefunds(chargeId)).map((r) => [r.amount, r.status])).toEqual([
      ['500', 'succeeded'],
      ['800', 'succeeded'],
    ]);
    expect(sandbox(t).refundedOf(processorChargeId)).toBe(1300n);
  });

  it('when the worker runs after the refunds succeeded, then it finds nothing to do', async () => {
    const { alice, credit } = await funded('900');
    expect((await refund(alice.auth, credit.id, { reason: 'all' })).status).toBe(201);
    await settled();
    const before = sandbox(t).refundsMade;
    expect(await t.container.funding.cardRefunds.runOnce()).toEqual({ claimed: 0, succeeded: 0, retried: 0, failed: 0 });
    expect(sandbox(t).refundsMade).toBe(before);
  });

  it('when a plain wallet-to-wallet transfer is refunded, then no card refund is recorded and the reply has none', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1000);
    const paid = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '400' });
    const {
      rows: [count],
    } = await t.container.db.query<{ n: string }>('SELECT count(*)::text AS n FROM card_refunds');
    const res = await refund(bob.auth, paid.body.credit.id, { reason: 'no card here' });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('externalRefund');
    const {
      rows: [after],
    } = await t.container.db.query<{ n: string }>('SELECT count(*)::text AS n FROM card_refunds');
    expect(after!.n).toBe(count!.n);
  });
});
