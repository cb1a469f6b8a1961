import { a2aTransfer, agentToken, registerAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('suspending and revoking agents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // A route every live agent token may call; a stopped token must get 401 there.
  const probe = (auth: { Authorization: string }) => t.http().get('/api/v1/a2a/payments').set(auth);

  it('when an agent is suspended, then its token issued before stops at once, and resuming brings it back', async () => {
    const agent = await registerAgent(t);
    expect((await probe(agent.auth)).status).toBe(200);
    const suspended = await t.http().post(`/api/v1/agents/${agent.id}/suspend`).set(agent.owner.auth);
    expect(suspended.body.status).toBe('suspended');
    const res = await probe(agent.auth);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('agent_not_active');
    const payee = await registerAgent(t);
    const payment = await a2aTransfer(t, agent, { to: { agentId: payee.id }, amount: '1', currency: 'USD' });
    expect(payment.status).toBe(401);
    expect(await balanceOf(t, payee.walletId)).toBe(0n);
    const exchange = await t.http().post('/api/v1/auth/token').send({ clientId: agent.clientId, clientSecret: agent.clientSecret });
    expect(exchange.status).toBe(401);
    await t.http().post(`/api/v1/agents/${agent.id}/resume`).set(agent.owner.auth);
    expect((await probe(agent.auth)).status).toBe(200);
  });

  it('when an agent is revoked, then old tokens and its credentials stop for good', async () => {
    const agent = await registerAgent(t);
    const before = await agentToken(t, agent.clientId, agent.clientSecret);
    const revoked = await t.http().post(`/api/v1/agents/${agent.id}/revoke`).set(agent.owner.auth);
    expect(revoked.status).toBe(200);
    expect((await probe({ Authorization: `Bearer ${before}` })).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/token').send({ clientId: agent.clientId, clientSecret: agent.clientSecret })).status).toBe(
      401,
    );
    const resume = await t.http().post(`/api/v1/agents/${agent.id}/resume`).set(agent.owner.auth);
    expect(resume.status).toBe(409);
    expect(resume.body.error.code).toBe('agent_revoked');
  });
});
