import { registerUser, startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

describe('POST /api/v1/auth/login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the password is right, then it returns a token pair', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'correct-horse-battery' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
  });

  it('when the password is wrong, then 401 invalid_credentials', async () => {
    const user = await registerUser(t, uniqueEmail());
    const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });
});
