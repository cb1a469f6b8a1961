import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqlRiskRepository } from '../../../src/modules/risk/adapters/sql-risk.repository';
import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { captureHold, createHold } from '../../support/holds';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { openSession, processPayment, tokenFor, type MobilePayFixtures } from '../../support/mobile-payments';
import { chargesOf, createCardToken, fundWithCard, sandbox, TEST_CARDS } from '../../support/payments';
import { createPayout, PAYOUT_CARDS } from '../../support/payouts';
import { oneFeatureModel } from '../../support/risk-models';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

// The crafted model: only the failed card charges of the day count. With x = log(1 + failures):
// none → 0.007 allow, one → 0.87 review, two → 0.998 refuse.
describe('risk scoring of every money movement: card funding, adjustments, refunds, holds', () => {
  let t: TestApp;
  let dir: string;
  let admin: { Authorization: string };
  let mobilePay: MobilePayFixtures;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-risk-all-'));
    writeFileSync(join(dir, 'risk-1.json'), JSON.stringify(oneFeatureModel('failed_attempts_last_day')));
    mobilePay = await createMobilePayFixtures();
    t = await startTestApp({ ...mobilePay.env, RISK_MODEL_DIR: dir, RISK_REVIEW_THRESHOLD: '0.8', RISK_BLOCK_THRESHOLD: '0.97' });
    admin = (await loginAdmin(t)).auth;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scoresOf = async (walletId: string) =>
    (await t.http().get(`/api/v1/admin/risk/scores?walletId=${walletId}&limit=100`).set(admin)).body.data as Record<string, unknown>[];
  async function alertsAbout(subjectId: string) {
    await t.container.services.admin.monitoring.idle();
    const res = await t.http().get('/api/v1/admin/alerts?rule=risk_review&limit=100').set(admin);
    return (res.body.data as { subjectId: string; subjectType: string; details: Record<string, unknown> }[]).filter(
      (a) => a.subjectId === subjectId,
    );
  }
  /** A user with a wallet whose card was declined `declines` times today. */
  async function declinedBefore(declines: number) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const declined = await createCardToken(t, alice.auth, TEST_CARDS.declined);
    for (let i = 0; i < declines; i++) {
      expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: declined.id, amount: '500' })).status).toBe(422);
    }
    return { alice, wallet, card: await createCardToken(t, alice.auth) };
  }

  it('when a card funding scores at the block threshold, then 422 risk_refused, the card is not charged and nothing is posted', async () => {
    const { alice, wallet, card } = await declinedBefore(2);
    const charged = sandbox(t).chargesMade;
    const key = randomUUID();
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: card.id, amount: '2500' }, key);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('risk_refused');
    expect(JSON.stringify(res.body)).not.toMatch(/score|failed_attempts|reason/i);
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect((await t.http().get(`/api/v1/wallets/${wallet.id}/transactions`).set(alice.auth)).body.data).toEqual([]);
    // Recorded failed, so the recovery sweeper never charges it; a retry is refused again.
    expect((await chargesOf(t, wallet.id)).at(-1)).toMatchObject({ status: 'failed', failure_code: 'risk_refused', transfer_id: null });
    const again = await fundWithCard(t, alice.auth, wallet.id, { tokenId: card.id, amount: '2500' }, key);
    expect(again.body.error.code).toBe('risk_refused');
    expect(sandbox(t).chargesMade).toBe(charged);
    expect((await scoresOf(wallet.id)).map((s) => [s.kind, s.decision, s.movementId, s.counterparty])).toEqual([
      ['card_funding', 'refuse', null, null],
      ['card_funding', 'refuse', null, null],
    ]);
    // The refused charge is not one of the failed attempts the next funding is scored on.
    expect((await new SqlRiskRepository(t.container.db).aggregates(wallet.id, null))!.failedDay).toBe(2);
  });

  it('when an Apple Pay funding scores at the block threshold, then it is refused the same way: nothing charged, nothing posted', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'apple-pay');
    const declined = await createCardToken(t, user.auth, TEST_CARDS.declined);
    for (let i = 0; i < 2; i++) {
      expect((await fundWithCard(t, user.auth, wallet.id, { tokenId: declined.id, amount: '500' })).status).toBe(422);
    }
    const charged = sandbox(t).chargesMade;
    const res = await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData: tokenFor(mobilePay, 'apple-pay') });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('risk_refused');
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect((await scoresOf(wallet.id))[0]).toMatchObject({ kind: 'card_funding', decision: 'refuse', movementId: null });
  });

  it('when a card funding scores between review and block, then it is charged and posted, stored as review, with an alert', async () => {
    const { alice, wallet, card } = await declinedBefore(1);
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: card.id, amount: '2500' });
    expect(res.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(2_500n);
    const [s] = await scoresOf(wallet.id);
    expect(s).toMatchObject({ kind: 'card_funding', decision: 'review', movementId: res.body.transfer.id, amount: '2500' });
    expect((s!.reasons as { feature: string }[])[0]!.feature).toBe('failed_attempts_last_day');
    const [alert] = await alertsAbout(res.body.transfer.id);
    expect(alert).toMatchObject({ subjectType: 'transfer', details: { kind: 'card_funding', walletId: wallet.id, amount: '2500' } });
  });

  it('when an adjustment, a refund or a hold scores at the block threshold, then it is not refused: stored as review', async () => {
    const { alice, wallet } = await declinedBefore(2);
    const bob = await registerUser(t);
    const other = await createWallet(t, bob);
    await fund(t, wallet.id, 3_000);
    await fund(t, other.id, 1_000);
    const hold = await createHold(t, alice.auth, { fromWalletId: wallet.id, toWalletId: other.id, amount: '100' });
    expect(hold.status).toBe(201);
    const paid = await transfer(t, bob, { fromWalletId: other.id, toWalletId: wallet.id, amount: '200' });
    const refund = await t
      .http()
      .post(`/api/v1/transactions/${paid.body.credit.id}/refund`)
      .set(alice.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '50', reason: 'not wanted' });
    expect(refund.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(3_150n);
    const byKind = new Map((await scoresOf(wallet.id)).map((s) => [s.kind, s]));
    expect(byKind.get('adjustment')).toMatchObject({ decision: 'review', counterparty: null });
    expect(byKind.get('hold')).toMatchObject({ decision: 'review', movementId: hold.body.id, counterparty: other.id });
    expect(byKind.get('refund')).toMatchObject({ decision: 'review', movementId: refund.body.transfer.id, counterparty: other.id });
    expect(await alertsAbout(hold.body.id)).toMatchObject([{ subjectType: 'hold' }]);
  });

  it('when every kind of movement is made, then each leaves a score row', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 10_000);
    const card = await createCardToken(t, alice.auth);
    expect((await fundWithCard(t, alice.auth, from.id, { tokenId: card.id, amount: '2000' })).status).toBe(201);
    const paid = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' });
    expect(paid.status).toBe(201);
    const refunded = await t
      .http()
      .post(`/api/v1/transactions/${paid.body.credit.id}/refund`)
      .set(bob.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '100', reason: 'partly' });
    expect(refunded.status).toBe(201);
    const hold = await createHold(t, alice.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '300' });
    expect((await captureHold(t, alice.auth, hold.body.id)).status).toBe(200);
    const payoutCard = await createCardToken(t, alice.auth, PAYOUT_CARDS.paid);
    const payout = await createPayout(t, alice.auth, {
      walletId: from.id,
      amount: '500',
      destination: { type: 'card', tokenId: payoutCard.id },
    });
    expect(payout.status).toBeLessThan(300);
    const debit = await t
      .http()
      .post(`/api/v1/admin/wallets/${from.id}/adjustments`)
      .set(admin)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '-100', reason: 'fee correction' });
    expect(debit.status).toBe(201);

    const kinds = (await scoresOf(from.id)).map((s) => s.kind);
    expect([...kinds].sort()).toEqual(['adjustment', 'adjustment', 'card_funding', 'hold', 'hold_capture', 'payout', 'transfer']);
    // The refund is the receiver's movement: scored on bob's wallet, paying alice back.
    expect(await scoresOf(to.id)).toMatchObject([{ kind: 'refund', counterparty: from.id, movementId: refunded.body.transfer.id }]);
    // Every score that posted points at its movement, and each movement has one score.
    const ids = (await scoresOf(from.id)).map((s) => s.movementId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
