import jwt from 'jsonwebtoken';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/auth/refresh', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http().post('/api/v1/auth/refresh').send({ refreshToken });

  it('when the refresh token is fresh, then it returns a new pair with a different refresh token', async () => {
    const user = await registerUser(t);
    const res = await refresh(user.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    const withNewAccess = await t.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(withNewAccess.status).toBe(204);
  });

  it('when the rotated refresh token is used, then it rotates again', async () => {
    const user = await registerUser(t);
    const first = await refresh(user.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
  });

  it('when a spent refresh token is presented again, then 401 refresh_token_reused', async () => {
    const user = await registerUser(t);
    expect((await refresh(user.refreshToken)).status).toBe(200);
    const reused = await refresh(user.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('refresh_token_reused');
  });

  it('when a spent refresh token is reused, then the token from the legitimate rotation is revoked too', async () => {
    const user = await registerUser(t);
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    const legit = await refresh(rotated.body.refreshToken);
    expect(legit.status).toBe(401);
    expect(legit.body.error.code).toBe('invalid_refresh_token');
  });

  it('when a family is revoked, then other sessions of the same user keep working', async () => {
    const user = await registerUser(t);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'correct-horse-battery' });
    expect((await refresh(user.refreshToken)).status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(login.body.refreshToken)).status).toBe(200);
  });

  it('when the client still attaches its expired access token, then the refresh works', async () => {
    const user = await registerUser(t);
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ role: 'user', permissions: [], iat: now - 120, exp: now - 60 }, t.config.JWT_SECRET, {
      subject: user.id,
      issuer: 'ocp',
    });
    const res = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Authorization', `Bearer ${expired}`)
      .send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(200);
  });

  it('when one refresh token is presented by many requests at once, then exactly one rotates it', async () => {
    const user = await registerUser(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(user.refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    for (const r of results.filter((x) => x.status === 401)) expect(r.body.error.code).toBe('refresh_token_reused');
  });

  it('when the refresh token is unknown, then 401 invalid_refresh_token', async () => {
    const res = await refresh('not-a-token-we-ever-issued');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_refresh_token');
  });

  it('when the refresh token is missing, then 400 naming body.refreshToken', async () => {
    const res = await t.http().post('/api/v1/auth/refresh').send({});
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.refreshToken']);
  });
});
