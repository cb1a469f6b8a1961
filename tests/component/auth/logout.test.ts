import { registerAgent } from '../../support/agents';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/auth/logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http().post('/api/v1/auth/refresh').send({ refreshToken });
  const login = (email: string) => t.http().post('/api/v1/auth/login').send({ email, password: 'correct-horse-battery' });

  it('when a refresh token is given, then that session can no longer refresh', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/auth/logout').set(user.auth).send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(204);
    const after = await refresh(user.refreshToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_refresh_token');
  });

  it('when a refresh token is given, then the other sessions of the user still refresh', async () => {
    const user = await registerUser(t);
    const other = await login(user.email);
    await t.http().post('/api/v1/auth/logout').set(user.auth).send({ refreshToken: user.refreshToken });
    expect((await refresh(other.body.refreshToken)).status).toBe(200);
  });

  it('when no refresh token is given, then every session of the caller ends', async () => {
    const user = await registerUser(t);
    const other = await login(user.email);
    expect((await t.http().post('/api/v1/auth/logout').set(user.auth).send({})).status).toBe(204);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(other.body.refreshToken)).status).toBe(401);
  });

  it("when the refresh token belongs to someone else, then that user's session survives", async () => {
    const alice = await registerUser(t);
    const mallory = await registerUser(t);
    await t.http().post('/api/v1/auth/logout').set(mallory.auth).send({ refreshToken: alice.refreshToken });
    expect((await refresh(alice.refreshToken)).status).toBe(200);
  });

  const wallets = (auth: Record<string, string>) => t.http().get('/api/v1/wallets').set(auth);

  it('when the caller logs out, then the same access token is refused at once with 401 token_revoked', async () => {
    const user = await registerUser(t);
    expect((await wallets(user.auth)).status).toBe(200);
    expect((await t.http().post('/api/v1/auth/logout').set(user.auth).send({ refreshToken: user.refreshToken })).status).toBe(204);
    const after = await wallets(user.auth);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('token_revoked');
    expect((await t.http().post('/api/v1/auth/logout').set(user.auth).send({})).status).toBe(401);
  });

  it("when a user logs out, then other users' tokens and the user's other sessions' tokens still work", async () => {
    const user = await registerUser(t);
    const other = await registerUser(t);
    const secondSession = await login(user.email);
    expect((await wallets(other.auth)).status).toBe(200);
    await t.http().post('/api/v1/auth/logout').set(user.auth).send({ refreshToken: user.refreshToken });
    expect((await wallets(other.auth)).status).toBe(200);
    expect((await wallets({ Authorization: `Bearer ${secondSession.body.accessToken}` })).status).toBe(200);
  });

  it('when a logged-out user signs in again, then the new access token works', async () => {
    const user = await registerUser(t);
    await t.http().post('/api/v1/auth/logout').set(user.auth).send({});
    const again = await login(user.email);
    expect(again.status).toBe(200);
    expect((await wallets({ Authorization: `Bearer ${again.body.accessToken}` })).status).toBe(200);
  });

  it('when there is no access token, then 401', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  it('when an API client logs out, then the access token it presented is refused from then on', async () => {
    const admin = await loginAdmin(t);
    const created = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set(admin.auth)
      .send({ name: 'svc', permissions: ['wallet:read'] });
    expect(created.status).toBe(201);
    const token = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ clientId: created.body.clientId, clientSecret: created.body.clientSecret });
    const auth = { Authorization: `Bearer ${token.body.accessToken}` };
    expect((await t.http().get('/api/v1/wallets').set(auth)).status).toBe(200);
    expect((await t.http().post('/api/v1/auth/logout').set(auth).send({})).status).toBe(204);
    expect((await t.http().get('/api/v1/wallets').set(auth)).status).toBe(401);
  });

  it('when an agent logs out, then the access token it presented is refused from then on', async () => {
    const agent = await registerAgent(t, { funds: 0 });
    expect((await t.http().get('/api/v1/a2a/me').set(agent.auth)).status).toBe(200);
    expect((await t.http().post('/api/v1/auth/logout').set(agent.auth).send({})).status).toBe(204);
    expect((await t.http().get('/api/v1/a2a/me').set(agent.auth)).status).toBe(401);
  });
});
