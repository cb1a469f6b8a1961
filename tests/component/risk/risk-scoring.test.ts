import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqlRiskRepository } from '../../../src/modules/risk/adapters/sql-risk.repository';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { createCardToken } from '../../support/payments';
import { createPayout, PAYOUT_CARDS } from '../../support/payouts';
import { oneFeatureModel } from '../../support/risk-models';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

// A crafted model: only `balance_drained` counts, so the share of the balance sent picks the
// decision. score = sigmoid(2 · (drained − 0.5) / 0.1): 10% → allow, 65% → 0.95 review, 100% → refuse.
const drainModel = (version: string, weight: number) => oneFeatureModel('balance_drained', { version, weight });

describe('risk scoring of money movements', () => {
  let t: TestApp;
  let dir: string;
  let admin: { Authorization: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-risk-'));
    writeFileSync(join(dir, 'risk-1.json'), JSON.stringify(drainModel('1', 2)));
    t = await startTestApp({ RISK_MODEL_DIR: dir, RISK_REVIEW_THRESHOLD: '0.8', RISK_BLOCK_THRESHOLD: '0.97' });
    admin = (await loginAdmin(t)).auth;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fundedPair(amount = 1_000) {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, amount);
    return { alice, from, to };
  }
  const scoresOf = async (walletId: string) =>
    (await t.http().get(`/api/v1/admin/risk/scores?walletId=${walletId}`).set(admin)).body.data as Record<string, unknown>[];

  it('when the score is low, then the transfer posts and its score is stored with it', async () => {
    const { alice, from, to } = await fundedPair();
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    expect(res.status).toBe(201);
    const [s] = await scoresOf(from.id);
    expect(s).toMatchObject({ movementId: res.body.transfer.id, decision: 'allow', kind: 'transfer', amount: '100', modelVersion: '1' });
  });

  async function heldTransfer() {
    const pair = await fundedPair();
    const key = randomUUID();
    const res = await transfer(t, pair.alice, { fromWalletId: pair.from.id, toWalletId: pair.to.id, amount: '650' }, key);
    expect(res.status).toBe(202);
    return { ...pair, key, reviewId: res.body.reviewId as string, holdId: res.body.holdId as string, body: res.body };
  }
  const decide = (id: string, decision: 'approve' | 'reject') => t.http().post(`/api/v1/admin/risk/reviews/${id}/${decision}`).set(admin);

  it('when the score reaches the review threshold, then 202 pending_review, the money is held, and a retry gets the same review', async () => {
    const { alice, from, to, key, reviewId, holdId, body } = await heldTransfer();
    expect(body).toEqual({ status: 'pending_review', reviewId, holdId });
    expect(await balanceOf(t, from.id)).toBe(1_000n);
    const wallet = await t.http().get(`/api/v1/wallets/${from.id}`).set(alice.auth);
    expect(wallet.body).toMatchObject({ held: '650', available: '350' });
    const again = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '650' }, key);
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(body);
    const [s] = await scoresOf(from.id);
    expect(s).toMatchObject({ decision: 'review', movementId: null });
    expect((s!.reasons as { feature: string }[])[0]!.feature).toBe('balance_drained');
    const alerts = await t.http().get('/api/v1/admin/alerts?rule=risk_review').set(admin);
    expect(JSON.stringify(alerts.body)).toContain(reviewId);
  });

  it('when an operator approves, then the money moves once; a second decision is refused', async () => {
    const { alice, from, to, reviewId, holdId } = await heldTransfer();
    // The payer cannot capture the review's hold past the operator.
    const own = await t.http().post(`/api/v1/holds/${holdId}/capture`).set(alice.auth).set('Idempotency-Key', randomUUID()).send({});
    expect(own.status).toBe(409);
    expect(own.body.error).toMatchObject({ code: 'risk_review_pending', details: { reviewId } });
    expect(await balanceOf(t, to.id)).toBe(0n);
    const approved = await decide(reviewId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', transferId: expect.any(String) });
    expect(await balanceOf(t, from.id)).toBe(350n);
    expect(await balanceOf(t, to.id)).toBe(650n);
    expect((await decide(reviewId, 'approve')).body.error.code).toBe('risk_review_decided');
    expect((await decide(reviewId, 'reject')).status).toBe(409);
    expect(await balanceOf(t, to.id)).toBe(650n);
  });

  it('when an operator rejects, then nothing moves and the money is available again', async () => {
    const { alice, from, to, reviewId } = await heldTransfer();
    expect((await decide(reviewId, 'reject')).body.status).toBe('rejected');
    expect(await balanceOf(t, to.id)).toBe(0n);
    // Available again: 100 (10%, allowed) goes through.
    expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '100' })).status).toBe(201);
  });

  it('when approve and reject race, then exactly one wins and the money moves at most once', async () => {
    for (let round = 0; round < 3; round++) {
      const { from, to, reviewId } = await heldTransfer();
      const [a, r] = await Promise.all([decide(reviewId, 'approve'), decide(reviewId, 'reject')]);
      expect([a.status, r.status].sort()).toEqual([200, 409]);
      const moved = a.status === 200;
      expect(await balanceOf(t, to.id)).toBe(moved ? 650n : 0n);
      expect(await balanceOf(t, from.id)).toBe(moved ? 350n : 1_000n);
    }
  });

  it('when the score reaches the block threshold, then 422 risk_refused, nothing moves, no model internals, and a retry gets the same', async () => {
    const { alice, from, to } = await fundedPair();
    const key = randomUUID();
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' }, key);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('risk_refused');
    expect(JSON.stringify(res.body)).not.toMatch(/score|balance_drained|reason/i);
    const again = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' }, key);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('risk_refused');
    expect(await balanceOf(t, from.id)).toBe(1_000n);
    expect(await balanceOf(t, to.id)).toBe(0n);
    const scores = await scoresOf(from.id);
    // Newest first: the two refusals, then the operator's funding (scored too, drains nothing).
    expect(scores.map((s) => [s.kind, s.decision, s.movementId])).toEqual([
      ['transfer', 'refuse', null],
      ['transfer', 'refuse', null],
      ['adjustment', 'allow', expect.any(String)],
    ]);
  });

  it('when a multi-leg transaction has one risky leg, then the whole unit is refused', async () => {
    const { alice, from, to } = await fundedPair();
    const res = await t
      .http()
      .post('/api/v1/transactions')
      .set(alice.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        legs: [
          { fromWalletId: from.id, toWalletId: to.id, amount: '10', currency: 'USD' },
          { fromWalletId: from.id, toWalletId: to.id, amount: '990', currency: 'USD' },
        ],
      });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('risk_refused');
    expect(await balanceOf(t, from.id)).toBe(1_000n);
  });

  it('when an agent payment or a payout scores at the block threshold, then it is refused before the money moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const refused = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '1000', currency: 'USD' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('risk_refused');
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '100', currency: 'USD' })).status).toBe(201);
    expect((await scoresOf(payer.walletId)).map((s) => [s.kind, s.decision])).toEqual([
      ['agent_payment', 'allow'],
      ['agent_payment', 'refuse'],
      ['adjustment', 'allow'],
    ]);

    const { alice, from } = await fundedPair();
    const token = await createCardToken(t, alice.auth, PAYOUT_CARDS.paid);
    const payout = await createPayout(t, alice.auth, {
      walletId: from.id,
      amount: '1000',
      destination: { type: 'card', tokenId: token.id },
    });
    expect(payout.status).toBe(422);
    expect(payout.body.error.code).toBe('risk_refused');
    expect(await balanceOf(t, from.id)).toBe(1_000n);
    expect((await scoresOf(from.id))[0]).toMatchObject({ kind: 'payout', decision: 'refuse', counterparty: null });
  });

  it('when a new model file is dropped in and reloaded, then it is active without a restart; a broken one leaves it', async () => {
    const user = await registerUser(t);
    expect((await t.http().get('/api/v1/admin/risk/model').set(user.auth)).status).toBe(403);
    expect((await t.http().get('/api/v1/admin/risk/model').set(admin)).body).toMatchObject({
      version: '1',
      thresholds: { review: 0.8, block: 0.97 },
    });
    writeFileSync(join(dir, 'risk-2.json'), JSON.stringify(drainModel('2', 0)));
    const reloaded = await t.http().post('/api/v1/admin/risk/model/reload').set(admin);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.version).toBe('2');
    // Model 2 weighs nothing (score 0.5): draining the wallet is allowed now.
    const { alice, from, to } = await fundedPair();
    expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1000' })).status).toBe(201);

    writeFileSync(join(dir, 'risk-10.json'), JSON.stringify({ ...drainModel('10', 1), features: ['amount'] }));
    const broken = await t.http().post('/api/v1/admin/risk/model/reload').set(admin);
    expect(broken.status).toBe(422);
    expect(broken.body.error.code).toBe('risk_model_invalid');
    expect((await t.http().get('/api/v1/admin/risk/model').set(admin)).body.version).toBe('2');
    rmSync(join(dir, 'risk-10.json'));
  });

  it('when features are read, then they come from the records: history, velocity, counterparty, received', async () => {
    const { alice, from, to } = await fundedPair(10_000);
    const other = await createWallet(t, await registerUser(t));
    for (const amount of ['100', '200', '300']) {
      expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount })).status).toBe(201);
    }
    const repo = new SqlRiskRepository(t.container.db);
    const toKnown = await repo.aggregates(from.id, to.id);
    expect(toKnown).toMatchObject({
      balance: 9_400n,
      pastCount: 3,
      pastTotal: 600n,
      hourCount: 3,
      hourTotal: 600n,
      dayCount: 3,
      toCounterpartyCount: 3,
      // Operator funding is not money from a user wallet.
      receivedDayFromUsers: 0n,
      failedDay: 0,
    });
    expect(toKnown!.ageSeconds).toBeLessThan(600);
    expect((await repo.aggregates(from.id, other.id))!.toCounterpartyCount).toBe(0);
    expect((await repo.aggregates(to.id, from.id))!.receivedDayFromUsers).toBe(600n);
    expect(await repo.aggregates('wal_missing', null)).toBeUndefined();
  });
});
