import jwt from 'jsonwebtoken';
import { createWallet } from '../../support/ledger';
import { registerAgent } from '../../support/agents';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('agent registration and management', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when an owner registers an agent on their wallet, then the agent, its policy version 1 and credentials shown once', async () => {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    const res = await t
      .http()
      .post('/api/v1/agents')
      .set(owner.auth)
      .send({ name: 'buyer', walletId: wallet.id, policy: { dailyBudget: '1000', allowedCurrencies: ['USD'] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'buyer',
      walletId: wallet.id,
      status: 'active',
      policyVersion: 1,
      policy: { dailyBudget: '1000', allowedCurrencies: ['USD'], allowedCounterparties: [] },
      credentials: { clientId: expect.stringMatching(/^agc_/), clientSecret: expect.any(String) },
    });
    const got = await t.http().get(`/api/v1/agents/${res.body.id}`).set(owner.auth);
    expect(got.status).toBe(200);
    expect(got.body.credentials).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(res.body.credentials.clientSecret);
    const { rows } = await t.container.db.query<{ secret_hash: string }>('SELECT secret_hash FROM agents WHERE id = $1', [res.body.id]);
    expect(rows[0]!.secret_hash).not.toBe(res.body.credentials.clientSecret);
    expect(t.logs.text()).not.toContain(res.body.credentials.clientSecret);
  });

  it('when createWallet is asked, then a dedicated wallet of the owner in that currency', async () => {
    const owner = await registerUser(t);
    const res = await t
      .http()
      .post('/api/v1/agents')
      .set(owner.auth)
      .send({ name: 'eur', createWallet: { currency: 'EUR' }, unlimited: true });
    expect(res.status).toBe(201);
    const wallet = await t.http().get(`/api/v1/wallets/${res.body.walletId}`).set(owner.auth);
    expect(wallet.body).toMatchObject({ currency: 'EUR', userId: owner.id });
  });

  it("when the wallet is someone else's, then 404 and no agent", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const wallet = await createWallet(t, other);
    const res = await t.http().post('/api/v1/agents').set(owner.auth).send({ name: 'thief', walletId: wallet.id, unlimited: true });
    expect(res.status).toBe(404);
    expect((await t.http().get('/api/v1/agents').set(owner.auth)).body.data).toEqual([]);
  });

  it('when neither a policy nor unlimited: true is given (or both are), then 400 naming body.policy and no agent', async () => {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    for (const extra of [{}, { policy: { dailyBudget: '100' }, unlimited: true }]) {
      const res = await t
        .http()
        .post('/api/v1/agents')
        .set(owner.auth)
        .send({ name: 'forgot', walletId: wallet.id, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].field).toBe('body.policy');
      expect(res.body.error.message).toMatch(/"unlimited": true/);
    }
    expect((await t.http().get('/api/v1/agents').set(owner.auth)).body.data).toEqual([]);
  });

  it('when unlimited: true is given, then the agent gets a policy with no limits', async () => {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    const res = await t.http().post('/api/v1/agents').set(owner.auth).send({ name: 'free', walletId: wallet.id, unlimited: true });
    expect(res.status).toBe(201);
    expect(res.body.policy).toEqual({ allowedCounterparties: [], allowedCurrencies: [] });
  });

  it('when the policy is malformed, then 400 naming the field', async () => {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    const res = await t
      .http()
      .post('/api/v1/agents')
      .set(owner.auth)
      .send({ name: 'x', walletId: wallet.id, policy: { dailyBudget: '10.5' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.policy.dailyBudget');
  });

  it('when the agent exchanges its credentials, then a JWT with role agent, sub, owner and only agent permissions', async () => {
    const agent = await registerAgent(t);
    const token = agent.auth.Authorization.slice('Bearer '.length);
    const claims = jwt.verify(token, t.config.JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: agent.id, role: 'agent', owner: agent.owner.id, permissions: ['agent:pay'] });
    const wrong = await t.http().post('/api/v1/auth/token').send({ clientId: agent.clientId, clientSecret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_client');
  });

  it('when an agent token calls owner routes, then 403 everywhere', async () => {
    const agent = await registerAgent(t);
    expect((await t.http().get('/api/v1/wallets').set(agent.auth)).status).toBe(403);
    expect((await t.http().get(`/api/v1/wallets/${agent.walletId}`).set(agent.auth)).status).toBe(403);
    expect((await t.http().get('/api/v1/agents').set(agent.auth)).status).toBe(403);
    expect((await t.http().post('/api/v1/admin/api-clients').set(agent.auth).send({ name: 'x', permissions: [] })).status).toBe(403);
  });

  it("when an owner lists, gets or changes another owner's agent, then 404; their own list has only theirs", async () => {
    const mine = await registerAgent(t);
    const theirs = await registerAgent(t);
    expect((await t.http().get(`/api/v1/agents/${theirs.id}`).set(mine.owner.auth)).status).toBe(404);
    expect((await t.http().post(`/api/v1/agents/${theirs.id}/suspend`).set(mine.owner.auth)).status).toBe(404);
    const list = await t.http().get('/api/v1/agents').set(mine.owner.auth);
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([mine.id]);
  });

  it('when the policy is patched twice, then each change is a new version and the old ones are kept', async () => {
    const agent = await registerAgent(t, { policy: { dailyBudget: '100' } });
    await t
      .http()
      .patch(`/api/v1/agents/${agent.id}`)
      .set(agent.owner.auth)
      .send({ policy: { dailyBudget: '200' } });
    const res = await t
      .http()
      .patch(`/api/v1/agents/${agent.id}`)
      .set(agent.owner.auth)
      .send({ policy: { dailyBudget: '300' }, name: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ policyVersion: 3, name: 'renamed', policy: { dailyBudget: '300' } });
    const { rows } = await t.container.db.query<{ version: number; rules: { dailyBudget: string } }>(
      'SELECT version, rules FROM agent_policies WHERE agent_id = $1 ORDER BY version',
      [agent.id],
    );
    expect(rows.map((r) => [r.version, r.rules.dailyBudget])).toEqual([
      [1, '100'],
      [2, '200'],
      [3, '300'],
    ]);
  });
});
