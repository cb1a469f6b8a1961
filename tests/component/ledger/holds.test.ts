import { randomUUID } from 'node:crypto';
import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { captureHold, createHold, fundsOf, payerAndPayee, voidHold } from '../../support/holds';
import { createWallet, fund, transfer } from '../../support/ledger';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('holds: reserve, capture, void', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function verifierOk() {
    const report = await new SqlLedgerVerifier(t.container.db).verify();
    return report.checks.filter((c) => c.violations > 0).map((c) => c.name);
  }

  it('when a payer holds money for a payee, then available drops, balance does not, and both parties see the hold', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const res = await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '2500', description: 'hotel' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending',
      amount: '2500',
      capturedAmount: '0',
      currency: 'USD',
      fromWalletId: from.id,
      toWalletId: to.id,
      description: 'hotel',
      captureTransferId: null,
      settledAt: null,
    });
    expect(res.body.id).toMatch(/^hld_/);
    // Seven days by default.
    const ttlMs = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ttlMs).toBeLessThanOrEqual(7 * 86_400_000);

    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 7_500n, held: 2_500n });
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 0n, available: 0n, held: 0n });
    const listed = await t.http().get('/api/v1/wallets').set(payer.auth);
    expect(listed.body.data[0]).toMatchObject({ id: from.id, balance: '10000', available: '7500', held: '2500' });

    for (const party of [payer, payee]) {
      const read = await t.http().get(`/api/v1/holds/${res.body.id}`).set(party.auth);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    }
    const stranger = await registerUser(t);
    const hidden = await t.http().get(`/api/v1/holds/${res.body.id}`).set(stranger.auth);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('hold_not_found');
    expect(await verifierOk()).toEqual([]);
  });

  it('when money is held, then transfers, adjustments and other holds cannot spend it (422 insufficient_funds)', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const other = await createWallet(t, payer);
    expect((await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '8000' })).status).toBe(201);

    const tooMuch = await transfer(t, payer, { fromWalletId: from.id, toWalletId: other.id, amount: '2001' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('insufficient_funds');
    const secondHold = await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '2001' });
    expect(secondHold.status).toBe(422);
    expect(secondHold.body.error).toMatchObject({ code: 'insufficient_funds', details: { available: '2000' } });
    const admin = await loginAdmin(t);
    const debit = await t
      .http()
      .post(`/api/v1/admin/wallets/${from.id}/adjustments`)
      .set(admin.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '-2001', reason: 'test: held money is not available' });
    expect(debit.status).toBe(422);
    expect(debit.body.error.code).toBe('insufficient_funds');

    // What is not held can still move, down to exactly the held amount.
    expect((await transfer(t, payer, { fromWalletId: from.id, toWalletId: other.id, amount: '2000' })).status).toBe(201);
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 8_000n, available: 0n, held: 8_000n });
    expect((await transfer(t, payer, { fromWalletId: from.id, toWalletId: other.id, amount: '1' })).status).toBe(422);
    expect(await verifierOk()).toEqual([]);
  });

  it('when the received money is refunded while the payer holds the rest, then the refund cannot take held money either', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t, 1_000);
    const paid = await transfer(t, payer, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' });
    // The payee holds all it received for a third party, then tries to refund the payment.
    const third = await createWallet(t, payer);
    expect((await createHold(t, payee.auth, { fromWalletId: to.id, toWalletId: third.id, amount: '600' })).status).toBe(201);
    const refund = await t
      .http()
      .post(`/api/v1/transactions/${paid.body.credit.id}/refund`)
      .set(payee.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ reason: 'all of it' });
    expect(refund.status).toBe(422);
    expect(refund.body.error.code).toBe('insufficient_funds');
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 1_000n, available: 400n, held: 600n });
  });

  it('when the payee captures it all, then a hold_capture transfer moves the money and nothing stays held', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '2500', description: 'order 7' }))
      .body;
    const res = await captureHold(t, payee.auth, hold.id);
    expect(res.status).toBe(200);
    expect(res.body.hold).toMatchObject({
      id: hold.id,
      status: 'captured',
      capturedAmount: '2500',
      captureTransferId: res.body.transfer.id,
    });
    expect(res.body.hold.settledAt).not.toBeNull();
    expect(res.body.transfer).toMatchObject({
      type: 'hold_capture',
      status: 'completed',
      amount: '2500',
      fromWalletId: from.id,
      toWalletId: to.id,
      description: 'order 7',
    });
    expect(res.body.debit).toMatchObject({ walletId: from.id, direction: 'debit', amount: '2500', balanceAfter: '7500' });
    expect(res.body.credit).toMatchObject({ walletId: to.id, direction: 'credit', amount: '2500', balanceAfter: '2500' });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 7_500n, available: 7_500n, held: 0n });
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 2_500n, available: 2_500n, held: 0n });
    const record = await t.http().get(`/api/v1/transactions/${res.body.credit.id}`).set(payee.auth);
    expect(record.body).toMatchObject({ type: 'hold_capture', transferId: res.body.transfer.id });
    const { rows } = await t.container.db.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM transfers WHERE id = $1', [
      res.body.transfer.id,
    ]);
    expect(rows[0]!.metadata).toEqual({ holdId: hold.id });
    expect(await verifierOk()).toEqual([]);
  });

  it('when the payer captures part, then only that moves and the rest is available again', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '3000' })).body;
    const res = await captureHold(t, payer.auth, hold.id, { amount: '1000' });
    expect(res.status).toBe(200);
    expect(res.body.hold).toMatchObject({ status: 'captured', amount: '3000', capturedAmount: '1000' });
    expect(res.body.transfer.amount).toBe('1000');
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 9_000n, available: 9_000n, held: 0n });
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 1_000n, available: 1_000n, held: 0n });

    const again = await captureHold(t, payee.auth, hold.id, { amount: '1' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'hold_not_pending', details: { status: 'captured' } });
    const voided = await voidHold(t, payer.auth, hold.id);
    expect(voided.status).toBe(409);
    expect(voided.body.error.code).toBe('hold_not_pending');
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 9_000n, available: 9_000n, held: 0n });
    expect(await verifierOk()).toEqual([]);
  });

  it('when a capture asks for more than is held, then 422 capture_exceeds_hold and the hold stays pending', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '500' })).body;
    const res = await captureHold(t, payer.auth, hold.id, { amount: '501' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'capture_exceeds_hold', details: { amount: '500' } });
    expect((await t.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth)).body.status).toBe('pending');
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 9_500n, held: 500n });
  });

  it('when the payee voids it, then the money is released and a later capture is 409', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '4000' })).body;
    const res = await voidHold(t, payee.auth, hold.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: hold.id, status: 'voided', capturedAmount: '0', captureTransferId: null });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 10_000n, held: 0n });
    const capture = await captureHold(t, payee.auth, hold.id);
    expect(capture.status).toBe(409);
    expect(capture.body.error).toMatchObject({ code: 'hold_not_pending', details: { status: 'voided' } });
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 0n, available: 0n, held: 0n });
    expect(await verifierOk()).toEqual([]);
  });

  it('when someone who is neither payer nor payee captures or voids, an operator included, then 404 and nothing changes', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '700' })).body;
    const stranger = await registerUser(t);
    // On the customers' routes an operator is a user like any other: no audit row, no four-eyes here.
    const operator = await loginAdmin(t);
    for (const who of [stranger.auth, operator.auth]) {
      for (const res of [await captureHold(t, who, hold.id, { amount: '200' }), await voidHold(t, who, hold.id)]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('hold_not_found');
      }
    }
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 9_300n, held: 700n });
    // Nor may a stranger hold money from someone else's wallet.
    const foreign = await createHold(t, stranger.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('wallet_not_found');
  });

  it('when the payee wallet is frozen, then a capture is 409 wallet_not_active, the hold stays pending and can be voided', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '900' })).body;
    expect((await t.http().patch(`/api/v1/wallets/${to.id}`).set(payee.auth).send({ status: 'frozen' })).status).toBe(200);
    const capture = await captureHold(t, payer.auth, hold.id);
    expect(capture.status).toBe(409);
    expect(capture.body.error.code).toBe('wallet_not_active');
    const read = await t.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth);
    expect(read.body).toMatchObject({ status: 'pending', captureTransferId: null });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 9_100n, held: 900n });
    expect((await voidHold(t, payer.auth, hold.id)).status).toBe(200);
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 10_000n, held: 0n });
    expect(await verifierOk()).toEqual([]);
  });

  it('when a wallet with held money is closed, then 409 wallet_not_empty names what is held', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    expect((await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '10000' })).status).toBe(201);
    const res = await t.http().patch(`/api/v1/wallets/${from.id}`).set(payer.auth).send({ status: 'closed' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'wallet_not_empty', details: { balance: '10000', held: '10000' } });
  });

  it("when a wallet's holds are listed, then both sides' holds come newest first in cursor pages, filtered by status", async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const back = await createWallet(t, payee);
    await fund(t, back.id, 100);
    const first = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '1' })).body;
    const incoming = (await createHold(t, payee.auth, { fromWalletId: back.id, toWalletId: from.id, amount: '2' })).body;
    const third = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '3' })).body;
    await voidHold(t, payer.auth, first.id);

    const page1 = await t.http().get(`/api/v1/wallets/${from.id}/holds?limit=2`).set(payer.auth);
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((h: { id: string }) => h.id)).toEqual([third.id, incoming.id]);
    const page2 = await t.http().get(`/api/v1/wallets/${from.id}/holds?limit=2&cursor=${page1.body.nextCursor}`).set(payer.auth);
    expect(page2.body).toEqual({ data: [expect.objectContaining({ id: first.id, status: 'voided' })], nextCursor: null });
    const pending = await t.http().get(`/api/v1/wallets/${from.id}/holds?status=pending`).set(payer.auth);
    expect(pending.body.data.map((h: { id: string }) => h.id)).toEqual([third.id, incoming.id]);
    // The payee's wallet lists the holds to it; someone else's wallet is a 404.
    const payeeSide = await t.http().get(`/api/v1/wallets/${to.id}/holds`).set(payee.auth);
    expect(payeeSide.body.data.map((h: { id: string }) => h.id)).toEqual([third.id, first.id]);
    expect((await t.http().get(`/api/v1/wallets/${to.id}/holds`).set(payer.auth)).status).toBe(404);
  });

  it('when holds are created, captured and voided, then the owners get hold.* webhook events for each', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const endpoint = await t
      .http()
      .post('/api/v1/webhooks')
      .set(payee.auth)
      .send({ url: 'http://localhost:9/hooks', events: ['hold.created', 'hold.captured', 'hold.voided'] });
    expect(endpoint.status).toBe(201);
    const captured = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '10' })).body;
    const voided = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '20' })).body;
    await captureHold(t, payer.auth, captured.id);
    await voidHold(t, payer.auth, voided.id);
    const log = await t.http().get(`/api/v1/webhooks/${endpoint.body.id}/deliveries`).set(payee.auth);
    expect(log.body.data.map((d: { eventType: string }) => d.eventType).sort()).toEqual([
      'hold.captured',
      'hold.created',
      'hold.created',
      'hold.voided',
    ]);
    const { rows } = await t.container.db.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM webhook_deliveries WHERE endpoint_id = $1 AND event_type = 'hold.captured'`,
      [endpoint.body.id],
    );
    expect(rows[0]!.payload).toMatchObject({ holdId: captured.id, status: 'captured', capturedAmount: '10', amount: '10' });
  });
});
