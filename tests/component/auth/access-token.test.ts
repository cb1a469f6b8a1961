import jwt from 'jsonwebtoken';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Flips one character of a base64url segment, keeping it valid base64url. */
function tamper(segment: string): string {
  const i = Math.floor(segment.length / 2);
  return segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1);
}

describe('access tokens on a protected route', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    t = await startTestApp();
    user = await registerUser(t);
  });
  afterAll(() => t.close());

  // Listing one's wallets needs only a valid user token: a 200 proves the token was accepted.
  // (Not logout: that now denies the token it is called with.)
  const callWith = (authorization?: string) => {
    const req = t.http().get('/api/v1/wallets');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const claims = () => ({ role: 'user', permissions: ['wallet:read'] });
  const sign = (secret: string, options: jwt.SignOptions = {}) =>
    jwt.sign(claims(), secret, { algorithm: 'HS256', subject: user.id, issuer: 'ocp', expiresIn: 60, ...options });

  it('when the token was issued by us, then the route answers (control)', async () => {
    expect((await callWith(`Bearer ${user.accessToken}`)).status).toBe(200);
    expect((await callWith(`Bearer ${sign(t.config.JWT_SECRET)}`)).status).toBe(200);
  });

  it('when the scheme is written in lower case, then the token is still accepted', async () => {
    expect((await callWith(`bearer ${user.accessToken}`)).status).toBe(200);
  });

  it('when the token has expired, then 401 token_expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ ...claims(), iat: now - 120, exp: now - 60 }, t.config.JWT_SECRET, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'ocp',
    });
    const res = await callWith(`Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
  });

  it('when the signature is tampered with, then 401 invalid_token', async () => {
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const res = await callWith(`Bearer ${header}.${payload}.${tamper(signature)}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when the payload is changed (role raised to admin), then 401 invalid_token', async () => {
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = b64url({ ...decoded, role: 'admin', permissions: ['admin:api-clients:write'] });
    const res = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set('Authorization', `Bearer ${header}.${forged}.${signature}`)
      .send({ name: 'forged', permissions: [] });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when the token says alg "none" and has no signature, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims(), sub: user.id, iss: 'ocp', iat: now, exp: now + 60 };
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
    const res = await callWith(`Bearer ${unsigned}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when the token is signed with another secret, then 401 invalid_token', async () => {
    const res = await callWith(`Bearer ${sign('some-other-secret-of-enough-length')}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when the token is signed with another HMAC algorithm, then 401 invalid_token', async () => {
    const res = await callWith(`Bearer ${sign(t.config.JWT_SECRET, { algorithm: 'HS512' })}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('when the token has an unknown role, then 401 invalid_token', async () => {
    const token = jwt.sign({ role: 'root', permissions: [] }, t.config.JWT_SECRET, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'ocp',
      expiresIn: 60,
    });
    const res = await callWith(`Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
    // The same token with a known role gets in: the role alone was refused.
    expect((await callWith(`Bearer ${sign(t.config.JWT_SECRET)}`)).status).toBe(200);
  });

  it('when the Authorization header is missing, then 401 unauthorized', async () => {
    const res = await callWith();
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it.each([
    ['not a bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a bearer without a token', 'Bearer '],
    ['garbage instead of a JWT', 'Bearer garbage'],
    ['a token followed by more words', 'Bearer a.b.c extra'],
  ])('when the Authorization header is %s, then 401', async (_label, header) => {
    const res = await callWith(header);
    expect(res.status).toBe(401);
    expect(res.body.error.requestId).toEqual(expect.any(String));
  });
});
