import { agentToken, registerAgent } from '../../support/agents';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('rotating an agent’s credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // A route every live agent token may call; a stopped token must get 401 there.
  const probe = (token: string) =>
    t
      .http()
      .get('/api/v1/a2a/payments')
      .set({ Authorization: `Bearer ${token}` });
  const exchange = (clientId: string, clientSecret: string) => t.http().post('/api/v1/auth/token').send({ clientId, clientSecret });
  const rotate = (agentId: string, auth: { Authorization: string }) =>
    t.http().post(`/api/v1/agents/${agentId}/credentials/rotate`).set(auth);

  it('when the owner rotates, then the new secret works and the old secret and its tokens stop at once', async () => {
    const agent = await registerAgent(t);
    const oldToken = await agentToken(t, agent.clientId, agent.clientSecret);
    expect((await probe(oldToken)).status).toBe(200);

    const rotated = await rotate(agent.id, agent.owner.auth);

    expect(rotated.status).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(rotated.body).toMatchObject({ id: agent.id, status: 'active', credentials: { clientId: agent.clientId } });
    const newSecret = rotated.body.credentials.clientSecret as string;
    expect(newSecret).not.toBe(agent.clientSecret);
    const refused = await probe(oldToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('agent_not_active');
    expect((await exchange(agent.clientId, agent.clientSecret)).status).toBe(401);
    const newToken = await agentToken(t, agent.clientId, newSecret);
    expect((await probe(newToken)).status).toBe(200);
    expect(t.logs.text()).not.toContain(newSecret);

    const again = await rotate(agent.id, agent.owner.auth);
    expect((await probe(newToken)).status).toBe(401);
    expect((await probe(await agentToken(t, agent.clientId, again.body.credentials.clientSecret))).status).toBe(200);
  });

  it('when someone else asks to rotate, then 404 and the credentials still work', async () => {
    const agent = await registerAgent(t);
    const stranger = await registerUser(t);

    const res = await rotate(agent.id, stranger.auth);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('agent_not_found');
    expect((await exchange(agent.clientId, agent.clientSecret)).status).toBe(200);
  });

  it('when the agent is revoked, then rotating is refused with 409 and gives no working secret', async () => {
    const agent = await registerAgent(t);
    await t.http().post(`/api/v1/agents/${agent.id}/revoke`).set(agent.owner.auth);

    const res = await rotate(agent.id, agent.owner.auth);

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('agent_revoked');
    expect(JSON.stringify(res.body)).not.toContain('clientSecret');
  });
});
