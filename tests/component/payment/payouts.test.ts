import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Unavailable } from '../../../src/shared/errors';
import type { SandboxProcessor } from '../../../src/modules/payment/processor/sandbox.processor';
import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { createOperator } from '../../support/admin';
import { createCardToken } from '../../support/payments';
import {
  BANK_ACCOUNTS,
  createPayout,
  PAYOUT_CARDS,
  payoutTransfers,
  registerBankAccount,
  settledPayout,
  systemBalance,
} from '../../support/payouts';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Payouts through the sandbox processor: success, failure, unknown outcome, late return. */
describe('payouts (sandbox processor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.close());

  const sandbox = () => t.container.funding.processor as SandboxProcessor;
  const processing = () => t.container.payouts.processing;

  async function setup(balance = 10_000) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    await fund(t, wallet.id, balance);
    return { alice, wallet };
  }

  async function cardPayout(number: string = PAYOUT_CARDS.paid, amount = '2500') {
    const { alice, wallet } = await setup();
    const token = await createCardToken(t, alice.auth, number);
    const res = await createPayout(t, alice.auth, { walletId: wallet.id, amount, destination: { type: 'card', tokenId: token.id } });
    expect(res.status).toBe(201);
    return { alice, wallet, token, payout: res.body as { id: string; status: string } };
  }

  it('when the processor pays the payout, then it is paid, the wallet is debited once and the money sits in payouts_settled', async () => {
    const transitBefore = await systemBalance(t, 'payouts_in_transit');
    const settledBefore = await systemBalance(t, 'payouts_settled');
    const made = sandbox().payoutsMade;
    const { alice, wallet, token, payout } = await cardPayout();
    expect(payout).toMatchObject({
      status: 'pending',
      amount: '2500',
      currency: 'USD',
      destination: { type: 'card', tokenId: token.id, last4: '4242' },
    });
    const paid = await settledPayout(t, alice.auth, payout.id);
    expect(paid).toMatchObject({
      status: 'paid',
      processorPayoutId: expect.stringMatching(/^sbpo_/),
      settleTransferId: expect.any(String),
    });
    expect(sandbox().payoutsMade - made).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
    expect(await payoutTransfers(t, payout.id)).toEqual(['payout', 'payout_settlement']);
    expect((await systemBalance(t, 'payouts_in_transit')) - transitBefore).toBe(0n);
    expect((await systemBalance(t, 'payouts_settled')) - settledBefore).toBe(2500n);
    // The return checker asks once, finds it still paid and schedules the next check.
    await expect(processing().checkDue()).resolves.toMatchObject({ still_paid: 1 });
  });

  it('when the processor refuses the payout, then it fails and the money is back in the wallet exactly once', async () => {
    const { alice, wallet, payout } = await cardPayout(PAYOUT_CARDS.failing);
    const failed = await settledPayout(t, alice.auth, payout.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'could_not_process', reversalTransferId: expect.any(String) });
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
    expect(await payoutTransfers(t, payout.id)).toEqual(['payout', 'payout_failed']);
    // Nothing left for the workers, and the day's limit was given back.
    await expect(processing().sendDue()).resolves.toMatchObject({ claimed: 0 });
    const { rows } = await t.container.db.query<{ total: string }>('SELECT total::text FROM payout_daily_totals WHERE user_id = $1', [
      alice.id,
    ]);
    expect(rows[0]!.total).toBe('0');
  });

  it('when the processor cannot be reached, then the payout stays pending and the worker sends it again under the same id', async () => {
    const made = sandbox().payoutsMade;
    const spy = jest.spyOn(sandbox(), 'payout').mockRejectedValueOnce(new Unavailable('down', 'processor_unavailable'));
    const { alice, wallet, payout } = await cardPayout();
    const pending = await settledPayout(t, alice.auth, payout.id);
    expect(pending).toMatchObject({ status: 'pending' });
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
    const { rows } = await t.container.db.query<{ last_error: string; held_back: boolean }>(
      'SELECT last_error, next_attempt_at > now() AS held_back FROM payouts WHERE id = $1',
      [payout.id],
    );
    expect(rows[0]).toEqual({ last_error: 'processor_unavailable', held_back: true });

    // Not due yet: the backoff holds it back.
    await expect(processing().sendDue()).resolves.toMatchObject({ claimed: 0 });
    await t.container.db.query('UPDATE payouts SET next_attempt_at = now() WHERE id = $1', [payout.id]);
    await expect(processing().sendDue()).resolves.toMatchObject({ claimed: 1, paid: 1 });
    expect(spy.mock.calls.map(([request]) => request.payoutId)).toEqual([payout.id, payout.id]);
    expect(sandbox().payoutsMade - made).toBe(1);
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'paid' });
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
  });

  it('when the process dies after the processor paid but before it was recorded, then the worker records it without paying twice', async () => {
    const made = sandbox().payoutsMade;
    jest.spyOn(t.container.payouts.repository, 'markPaid').mockRejectedValueOnce(new Error('process crashed'));
    const { alice, payout } = await cardPayout();
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'pending' });
    await t.container.db.query('UPDATE payouts SET next_attempt_at = now() WHERE id = $1', [payout.id]);
    await expect(processing().sendDue()).resolves.toMatchObject({ paid: 1 });
    expect(sandbox().payoutsMade - made).toBe(1);
    expect(await payoutTransfers(t, payout.id)).toEqual(['payout', 'payout_settlement']);
  });

  it('when a paid payout to a bank account comes back, then it is returned and the money is back once, however often it is reported', async () => {
    const { alice, wallet } = await setup();
    const account = await registerBankAccount(t, alice.auth, BANK_ACCOUNTS.returned);
    expect(account).toMatchObject({ id: expect.stringMatching(/^pdst_/), last4: '1113', bankName: 'OCP Sandbox Bank' });
    const res = await createPayout(t, alice.auth, {
      walletId: wallet.id,
      amount: '4000',
      destination: { type: 'bank_account', tokenId: account.id },
    });
    expect(res.status).toBe(201);
    const paid = await settledPayout(t, alice.auth, res.body.id);
    expect(paid.status).toBe('paid');
    expect(await balanceOf(t, wallet.id)).toBe(6000n);

    // The return is seen by the checker and reported by the processor, several times at once.
    const service = t.container.services.payouts;
    const reports = await Promise.all([
      processing().checkDue(),
      service.recordReturn(paid.processorPayoutId, 'account_closed'),
      service.recordReturn(paid.processorPayoutId, 'account_closed'),
      processing().checkDue(),
    ]);
    const applied = reports.filter((r) => r === true || (typeof r === 'object' && r.returned === 1)).length;
    expect(applied).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
    expect(await payoutTransfers(t, res.body.id)).toEqual(['payout', 'payout_returned', 'payout_settlement']);
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'returned', failureCode: 'account_closed' });
    // Reported again later: nothing more.
    await expect(service.recordReturn(paid.processorPayoutId, 'account_closed')).resolves.toBe(false);
    await expect(processing().checkDue()).resolves.toMatchObject({ claimed: 0 });
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
  });

  it('when the same Idempotency-Key comes again, then the first reply is replayed and the wallet is debited once', async () => {
    const { alice, wallet } = await setup();
    const token = await createCardToken(t, alice.auth);
    const body = { walletId: wallet.id, amount: '1000', destination: { type: 'card', tokenId: token.id } };
    const key = randomUUID();
    const first = await createPayout(t, alice.auth, body, key);
    const again = await createPayout(t, alice.auth, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await createPayout(t, alice.auth, { ...body, amount: '1001' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
    await processing().idle();
    expect(await balanceOf(t, wallet.id)).toBe(9000n);
    const list = await t.http().get(`/api/v1/payouts?walletId=${wallet.id}`).set(alice.auth);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([first.body.id]);
  });

  it("when someone else's wallet, card or bank account is named, then it is a 404 and nothing moves", async () => {
    const { alice, wallet } = await setup();
    const { alice: bob, wallet: bobWallet } = await setup();
    const aliceCard = await createCardToken(t, alice.auth);
    const bobCard = await createCardToken(t, bob.auth);
    const bobAccount = await registerBankAccount(t, bob.auth);
    const card = (tokenId: string) => ({ type: 'card', tokenId });
    const cases: [Record<string, unknown>, string][] = [
      [{ walletId: bobWallet.id, amount: '100', destination: card(aliceCard.id) }, 'wallet_not_found'],
      [{ walletId: wallet.id, amount: '100', destination: card(bobCard.id) }, 'token_not_found'],
      [
        { walletId: wallet.id, amount: '100', destination: { type: 'bank_account', tokenId: bobAccount.id } },
        'payout_destination_not_found',
      ],
      [
        { walletId: wallet.id, amount: '100', destination: { type: 'bank_account', tokenId: aliceCard.id } },
        'payout_destination_not_found',
      ],
    ];
    for (const [body, code] of cases) {
      const res = await createPayout(t, alice.auth, body);
      expect([res.status, res.body.error?.code]).toEqual([404, code]);
    }
    const { payout } = await cardPayout();
    expect((await t.http().get(`/api/v1/payouts/${payout.id}`).set(bob.auth)).body.error.code).toBe('payout_not_found');
    expect((await t.http().get(`/api/v1/payouts?walletId=${wallet.id}`).set(bob.auth)).status).toBe(404);
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
    expect(await balanceOf(t, bobWallet.id)).toBe(10_000n);
  });

  it('when the input is bad, then it is a 4xx and nothing is written', async () => {
    const { alice, wallet } = await setup(500);
    const token = await createCardToken(t, alice.auth);
    const good = { walletId: wallet.id, amount: '100', destination: { type: 'card', tokenId: token.id } };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...good, amount: 100 }, 400, 'validation_failed'],
      [{ ...good, amount: '0' }, 400, 'validation_failed'],
      [{ ...good, amount: '-5' }, 400, 'validation_failed'],
      [{ ...good, amount: '99999999999999999999999' }, 400, 'validation_failed'],
      [{ ...good, destination: { type: 'iban', tokenId: token.id } }, 400, 'validation_failed'],
      [{ ...good, destination: { type: 'card', tokenId: 'tok\u0000x' } }, 400, 'validation_failed'],
      [{ ...good, walletId: 'x'.repeat(65) }, 400, 'validation_failed'],
      [{ ...good, extra: true }, 400, 'validation_failed'],
      [{ ...good, amount: '501' }, 422, 'insufficient_funds'],
    ];
    for (const [body, status, code] of cases) {
      const res = await createPayout(t, alice.auth, body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    const noKey = await createPayout(t, alice.auth, good, null);
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'idempotency_key_missing']);
    expect((await t.http().get('/api/v1/payouts?walletId=').set(alice.auth)).status).toBe(400);
    expect((await t.http().get('/api/v1/payouts?walletId=w&limit=1000').set(alice.auth)).status).toBe(400);
    expect(await balanceOf(t, wallet.id)).toBe(500n);
    const { rows } = await t.container.db.query('SELECT 1 FROM payouts WHERE wallet_id = $1', [wallet.id]);
    expect(rows).toHaveLength(0);
  });

  it('when a bank account is registered, then neither the reply, the database nor the logs hold its number', async () => {
    const alice = await registerUser(t);
    const accountNumber = '987654321777';
    const account = await registerBankAccount(t, alice.auth, accountNumber);
    expect(JSON.stringify(account)).not.toContain(accountNumber);
    const { rows } = await t.container.db.query('SELECT * FROM payout_destinations WHERE id = $1', [account.id]);
    expect(JSON.stringify(rows)).not.toContain(accountNumber);
    expect(t.logs.text()).not.toContain(accountNumber);
    const bad = { type: 'bank_account', accountHolderName: 'A', country: 'US', currency: 'USD', accountNumber };
    const checksum = await t
      .http()
      .post('/api/v1/payout-destinations')
      .set(alice.auth)
      .send({ ...bad, routingNumber: '110000001' });
    expect([checksum.status, checksum.body.error.code]).toEqual([422, 'bank_account_invalid']);
    const shape = await t
      .http()
      .post('/api/v1/payout-destinations')
      .set(alice.auth)
      .send({ ...bad, routingNumber: '12' });
    expect([shape.status, shape.body.error.code]).toEqual([400, 'validation_failed']);
    expect(t.logs.text()).not.toContain(accountNumber);
  });

  it('when operators try to refund a payout through the ledger, then the approval is refused and nothing moves', async () => {
    const { alice, wallet, payout } = await cardPayout();
    const paid = await settledPayout(t, alice.auth, payout.id);
    const { rows } = await t.container.db.query<{ id: string }>('SELECT id FROM transactions WHERE transfer_id = $1 AND amount > 0', [
      paid.debitTransferId,
    ]);
    const balance = await balanceOf(t, wallet.id);
    const support = await createOperator(t, 'support');
    const request = await t.http().post('/api/v1/admin/refunds').set(support.auth).send({ transactionId: rows[0]!.id, reason: 'try' });
    expect(request.status).toBe(201);
    const finance = await createOperator(t, 'finance');
    const res = await t
      .http()
      .post(`/api/v1/admin/refunds/${request.body.id}/approve`)
      .set(finance.auth)
      .set('Idempotency-Key', randomUUID())
      .send();
    expect([res.status, res.body.error.code]).toEqual([422, 'not_refundable']);
    expect(await balanceOf(t, wallet.id)).toBe(balance);
  });

  it("when payouts are created, paid, failed and returned, then the owner's webhooks get an event for each, without the destination's processor id", async () => {
    const { alice, wallet } = await setup();
    const hook = await t
      .http()
      .post('/api/v1/webhooks')
      .set(alice.auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['payout.created', 'payout.paid', 'payout.failed', 'payout.returned'] });
    expect(hook.status).toBe(201);
    const failing = await createCardToken(t, alice.auth, PAYOUT_CARDS.failing);
    const returned = await createCardToken(t, alice.auth, PAYOUT_CARDS.returned);
    const a = await createPayout(t, alice.auth, { walletId: wallet.id, amount: '100', destination: { type: 'card', tokenId: failing.id } });
    const b = await createPayout(t, alice.auth, {
      walletId: wallet.id,
      amount: '200',
      destination: { type: 'card', tokenId: returned.id },
    });
    await processing().idle();
    await processing().checkDue();
    const { rows } = await t.container.db.query<{ event_type: string; payload: Record<string, unknown> }>(
      'SELECT event_type, payload FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY event_type',
      [hook.body.id],
    );
    const events = rows.map((r) => [r.event_type, r.payload.payoutId, r.payload.status]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['payout.created', a.body.id, 'pending'],
        ['payout.failed', a.body.id, 'failed'],
        ['payout.created', b.body.id, 'pending'],
        ['payout.paid', b.body.id, 'paid'],
        ['payout.returned', b.body.id, 'returned'],
      ]),
    );
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.event_type === 'payout.returned')!.payload).toMatchObject({
      amount: '200',
      destination: { type: 'card', last4: '0077' },
      failureCode: 'could_not_process',
    });
    expect(JSON.stringify(rows)).not.toMatch(/sbpo_|pm_|sbba_/);
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
  });

  it('when a return comes while the wallet is frozen, then it is retried and the money comes back once the wallet is active', async () => {
    const { alice, wallet, payout } = await cardPayout(PAYOUT_CARDS.returned);
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'paid' });
    const setStatus = (status: string) => t.http().patch(`/api/v1/wallets/${wallet.id}`).set(alice.auth).send({ status });
    expect((await setStatus('frozen')).status).toBe(200);
    await expect(processing().checkDue()).resolves.toMatchObject({ retried: 1 });
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'paid' });
    expect(await balanceOf(t, wallet.id)).toBe(7500n);

    expect((await setStatus('active')).status).toBe(200);
    await t.container.db.query('UPDATE payouts SET next_attempt_at = now() WHERE id = $1', [payout.id]);
    await expect(processing().checkDue()).resolves.toMatchObject({ returned: 1 });
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
  });

  it('when the return window has passed and the processor still says paid, then the checks stop', async () => {
    const { alice, payout } = await cardPayout();
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'paid' });
    await t.container.db.query("UPDATE payouts SET paid_at = now() - interval '15 days', next_attempt_at = now() WHERE id = $1", [
      payout.id,
    ]);
    await expect(processing().checkDue()).resolves.toMatchObject({ settled: 1 });
    const { rows } = await t.container.db.query('SELECT next_attempt_at FROM payouts WHERE id = $1', [payout.id]);
    expect(rows[0]).toEqual({ next_attempt_at: null });
    expect(await settledPayout(t, alice.auth, payout.id)).toMatchObject({ status: 'paid' });
  });

  it('after all of it, then the ledger invariants hold', async () => {
    expect(await ledgerInvariants(t)).toEqual({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
