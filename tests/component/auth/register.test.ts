import { startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

describe('POST /api/v1/auth/register', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const register = (body: unknown) =>
    t
      .http()
      .post('/api/v1/auth/register')
      .send(body as object);

  it('when the email is new, then 201 with the user and a token pair', async () => {
    const email = uniqueEmail();
    const res = await register({ email, password: 'correct-horse-battery' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.stringMatching(/^usr_/), email, role: 'user', createdAt: expect.any(String) },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(res.body.user).not.toHaveProperty('passwordHash');
  });

  it('when registered, then the returned access token opens a protected route', async () => {
    const res = await register({ email: uniqueEmail(), password: 'correct-horse-battery' });
    const logout = await t.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(logout.status).toBe(204);
  });

  it('when the email is already taken (in any letter case), then 409 email_taken', async () => {
    const email = uniqueEmail();
    expect((await register({ email, password: 'correct-horse-battery' })).status).toBe(201);
    const again = await register({ email: email.toUpperCase(), password: 'another-password-1' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('when the same email registers many times at once, then exactly one 201 and the rest 409', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 6 }, () => register({ email, password: 'correct-horse-battery' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('when the email is malformed and the password short, then 400 naming both fields', async () => {
    const res = await register({ email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields.sort()).toEqual(['body.email', 'body.password']);
  });

  it('when the body is rejected, then no account was created', async () => {
    const email = uniqueEmail();
    expect((await register({ email, password: 'short' })).status).toBe(400);
    const login = await t.http().post('/api/v1/auth/login').send({ email, password: 'short' });
    expect(login.status).toBe(401);
  });

  it('when the password has 11 characters, then 400 naming body.password; 12 are enough', async () => {
    const short = await register({ email: uniqueEmail(), password: 'tr0mbone-Kx' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');
    expect(short.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.password']);
    expect((await register({ email: uniqueEmail(), password: 'tr0mbone-Kx7' })).status).toBe(201);
  });

  it.each([['password1234'], ['QwertyUiop123'], ['123456789012'], ['IloveYou1234'], ['1qaz2wsx3edc']])(
    'when the password is the common %s, then 400 password_too_common, without echoing it, and no account',
    async (password) => {
      const email = uniqueEmail();
      const res = await register({ email, password });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('password_too_common');
      expect(res.body.error.details).toEqual({ field: 'body.password' });
      expect(JSON.stringify(res.body)).not.toContain(password);
      expect((await t.http().post('/api/v1/auth/login').send({ email, password })).status).toBe(401);
    },
  );

  it.each([['            '], ['\t password1 \n']])(
    'when the password is padded to length with spaces (%j), then 400 password_too_short and no account',
    async (password) => {
      const email = uniqueEmail();
      const res = await register({ email, password });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('password_too_short');
      expect((await t.http().post('/api/v1/auth/login').send({ email, password })).status).toBe(401);
    },
  );
});
