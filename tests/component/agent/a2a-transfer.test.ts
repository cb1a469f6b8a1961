import { randomUUID } from 'node:crypto';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/a2a/transfers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const auditOf = async (agentId: string) =>
    (
      await t.container.db.query<{ decision: string; rule: string | null; policy_version: number; owner_id: string }>(
        'SELECT decision, rule, policy_version, owner_id FROM agent_audit_log WHERE agent_id = $1 ORDER BY created_at, id',
        [agentId],
      )
    ).rows;

  it('when an agent pays another agent within policy, then the money moves and the payment records the policy version', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '500' } });
    const payee = await registerAgent(t);
    const events: string[] = [];
    t.container.events.subscribe('agent.payment.completed', (e) => void events.push(e.type));
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '250', currency: 'USD', memo: 'api credits' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      amount: '250',
      toAgentId: payee.id,
      policyVersion: 1,
      transferId: expect.any(String),
    });
    expect(await balanceOf(t, payer.walletId)).toBe(750n);
    expect(await balanceOf(t, payee.walletId)).toBe(250n);
    expect(await auditOf(payer.id)).toEqual([{ decision: 'allowed', rule: null, policy_version: 1, owner_id: payer.owner.id }]);
    expect(events).toEqual(['agent.payment.completed']);
    const outbox = await t.container.db.query('SELECT 1 FROM agent_payments WHERE id = $1 AND transfer_id = $2', [
      res.body.id,
      res.body.transferId,
    ]);
    expect(outbox.rowCount).toBe(1);
  });

  it('when the amount is over the per-transaction maximum, then policy_violation naming the rule, nothing moves, an audit record stays', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '100' } });
    const payee = await registerAgent(t);
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '101', currency: 'USD' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'policy_violation', details: { rule: 'max_per_transaction' } });
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    expect(await auditOf(payer.id)).toEqual([
      { decision: 'refused', rule: 'max_per_transaction', policy_version: 1, owner_id: payer.owner.id },
    ]);
    const stored = await t.container.db.query('SELECT 1 FROM agent_payments WHERE agent_id = $1', [payer.id]);
    expect(stored.rowCount).toBe(0);
  });

  it('when the payee is outside the allow-list, then allowed_counterparties refuses; a listed wallet id is accepted', async () => {
    const owner = await registerUser(t);
    const allowedWallet = await createWallet(t, owner);
    const payee = await registerAgent(t);
    const payer = await registerAgent(t, { funds: 500, policy: { allowedCounterparties: [allowedWallet.id] } });
    const refused = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.rule).toBe('allowed_counterparties');
    const paid = await a2aTransfer(t, payer, { to: { walletId: allowedWallet.id }, amount: '10', currency: 'USD' });
    expect(paid.status).toBe(201);
  });

  it('when the currency is not allowed or the policy window is closed, then those rules refuse', async () => {
    const payee = await registerAgent(t);
    const usdOnlyEur = await registerAgent(t, { funds: 500, policy: { allowedCurrencies: ['EUR'] } });
    const currency = await a2aTransfer(t, usdOnlyEur, { to: { agentId: payee.id }, amount: '10', currency: 'USD' });
    expect(currency.body.error.details.rule).toBe('allowed_currencies');
    const expired = await registerAgent(t, { funds: 500, policy: { expiresAt: '2020-01-01T00:00:00Z' } });
    expect((await a2aTransfer(t, expired, { to: { agentId: payee.id }, amount: '10', currency: 'USD' })).body.error.details.rule).toBe(
      'expires_at',
    );
    const future = await registerAgent(t, { funds: 500, policy: { notBefore: '2999-01-01T00:00:00Z' } });
    expect((await a2aTransfer(t, future, { to: { agentId: payee.id }, amount: '10', currency: 'USD' })).body.error.details.rule).toBe(
      'not_before',
    );
  });

  it('when the payee agent is suspended or unknown, then 409 / 404 and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 500 });
    const payee = await registerAgent(t);
    await t.http().post(`/api/v1/agents/${payee.id}/suspend`).set(payee.owner.auth).expect(200);
    const suspended = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD' });
    expect(suspended.status).toBe(409);
    expect(suspended.body.error.code).toBe('counterparty_not_active');
    expect((await a2aTransfer(t, payer, { to: { agentId: 'agt_nobody' }, amount: '10', currency: 'USD' })).status).toBe(404);
    expect(await balanceOf(t, payer.walletId)).toBe(500n);
  });

  it('when the same Idempotency-Key is sent again, then the first reply is replayed and money moves once', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const key = randomUUID();
    const body = { to: { agentId: payee.id }, amount: '40', currency: 'USD' };
    const first = await a2aTransfer(t, payer, body, key);
    const again = await a2aTransfer(t, payer, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(t, payee.walletId)).toBe(40n);
    const other = await a2aTransfer(t, payer, { ...body, amount: '41' }, key);
    expect(other.status).toBe(422);
  });

  it('when a user token or a malformed body is used, then 403 / 400 and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const asUser = await t
      .http()
      .post('/api/v1/a2a/transfers')
      .set(payer.owner.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ to: { agentId: payee.id }, amount: '1', currency: 'USD' });
    expect(asUser.status).toBe(403);
    const bad = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '1.5', currency: 'USD' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('body.amount');
    const poor = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '5000', currency: 'USD' });
    expect(poor.status).toBe(422);
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    expect(await ledgerInvariants(t)).toMatchObject({
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
