import { randomUUID } from 'node:crypto';
import { AMOUNT_MAX_MINOR } from '../../../src/shared/money/money';
import { registerAgent } from '../../support/agents';
import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { createCardToken, fundWithCard, sandbox } from '../../support/payments';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Amounts are strings of minor units. A bare JSON number is refused with 400 naming the field:
 * past 2^53 every JavaScript client has already rounded it, so it may not be what was meant.
 */
describe('money fields refuse JSON numbers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const fieldsOf = (body: { error: { details: { fields: { field: string }[] } } }) => body.error.details.fields.map((f) => f.field);

  it('when a transfer amount is a JSON number, then 400 naming body.amount and no money moves', async () => {
    const alice = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, alice);
    await fund(t, from.id, '1000');
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: 100 });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.amount']);
    expect(await balanceOf(t, from.id)).toBe(1000n);
  });

  it('when an adjustment or a card funding amount is a JSON number, then 400 naming body.amount and no card is charged', async () => {
    const admin = await loginAdmin(t);
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const adjustment = await t
      .http()
      .post(`/api/v1/admin/wallets/${wallet.id}/adjustments`)
      .set(admin.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 500, reason: 'number' });
    expect(adjustment.status).toBe(400);
    expect(fieldsOf(adjustment.body)).toEqual(['body.amount']);

    const token = await createCardToken(t, user.auth);
    const charged = sandbox(t).chargesMade;
    const funding = await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: 2500 });
    expect(funding.status).toBe(400);
    expect(fieldsOf(funding.body)).toEqual(['body.amount']);
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it('when a refund amount is a JSON number, then 400 naming body.amount', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, '1000');
    const sent = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '300' });
    const res = await t
      .http()
      .post(`/api/v1/transactions/${sent.body.credit.id}/refund`)
      .set(bob.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 100, reason: 'number' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.amount']);
  });

  it('when a low-balance threshold or an auto top-up amount is a JSON number, then 400 naming the field', async () => {
    const user = await registerUser(t);
    const created = await t.http().post('/api/v1/wallets').set(user.auth).send({ currency: 'USD', lowBalanceThreshold: 500 });
    expect(created.status).toBe(400);
    expect(fieldsOf(created.body)).toEqual(['body.lowBalanceThreshold']);

    const wallet = await createWallet(t, user);
    const token = await createCardToken(t, user.auth);
    const rule = await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(user.auth)
      .send({ enabled: true, threshold: 100, amount: 1000, tokenId: token.id });
    expect(rule.status).toBe(400);
    expect(fieldsOf(rule.body).sort()).toEqual(['body.amount', 'body.threshold']);
  });

  it('when a threshold is past the maximum per operation, then 400 rather than a database overflow', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/wallets').set(user.auth).send({ currency: 'USD', lowBalanceThreshold: '9999999999999999999' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.lowBalanceThreshold']);
  });

  it('when an auto top-up, a policy budget or a mandate constraint is past the maximum per operation, then 400 naming it', async () => {
    const over = (AMOUNT_MAX_MINOR + 1n).toString();
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const token = await createCardToken(t, user.auth);
    const rule = await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(user.auth)
      .send({ enabled: true, threshold: over, amount: over, tokenId: token.id });
    expect(rule.status).toBe(400);
    expect(fieldsOf(rule.body).sort()).toEqual(['body.amount', 'body.threshold']);

    const agent = await t
      .http()
      .post('/api/v1/agents')
      .set(user.auth)
      .send({ name: 'big spender', walletId: wallet.id, policy: { dailyBudget: over, maxPerTransaction: AMOUNT_MAX_MINOR.toString() } });
    expect(agent.status).toBe(400);
    expect(fieldsOf(agent.body)).toEqual(['body.policy.dailyBudget']);

    const registered = await registerAgent(t);
    const mandate = await t
      .http()
      .post(`/api/v1/agents/${registered.id}/mandates`)
      .set(registered.owner.auth)
      .send({ constraints: { budget: over }, currency: 'USD', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(mandate.status).toBe(400);
    expect(fieldsOf(mandate.body)).toEqual(['body.constraints.budget']);
  });
});
