import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('what a login leaves in the logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when a user logs in and uses the token, then the logs hold neither the password, the header nor the tokens', async () => {
    const password = 'correct-horse-battery';
    const user = await registerUser(t);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password });
    expect(login.status).toBe(200);
    const authorization = `Bearer ${login.body.accessToken}`;
    const refreshed = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
    await t.http().post('/api/v1/auth/logout').set('Authorization', authorization).send({});

    const text = t.logs.text();
    // The lines are there (so the absence below means something): one per request.
    expect(t.logs.entries.filter((e) => e.message === 'request').map((e) => e.route)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']),
    );
    const secrets = [
      password,
      authorization,
      login.body.accessToken,
      login.body.refreshToken,
      refreshed.body.accessToken,
      refreshed.body.refreshToken,
      user.accessToken,
      user.refreshToken,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('when a login fails, then the attempted password is not logged', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'guess-number-one' });
    expect(res.status).toBe(401);
    expect(t.logs.text()).not.toContain('guess-number-one');
  });
});
