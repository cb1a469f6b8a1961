import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('global rate limit per client IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_GLOBAL_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  it('when the first request carries a Forwarded header, then the limiter writes nothing to the console', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const res = await t.http().get('/api/v1/nothing-here').set('Forwarded', 'for=198.51.100.1');
      expect(res.status).toBe(404);
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
      consoleWarn.mockRestore();
    }
  });

  it('when the limit is used up, then 429 rate_limited with Retry-After within the window', async () => {
    for (let i = 0; i < 4; i++) expect((await t.http().get('/api/v1/nothing-here')).status).toBe(404);
    const res = await t.http().get('/api/v1/nothing-here');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('when a limited client sends a forged X-Forwarded-For or Forwarded header, then it is still limited', async () => {
    expect((await t.http().get('/api/v1/nothing-here')).status).toBe(429);
    // Each a new address: were the headers believed, each would be a fresh client with a fresh limit.
    const viaXff = await t.http().get('/api/v1/nothing-here').set('X-Forwarded-For', '203.0.113.7');
    expect(viaXff.status).toBe(429);
    const viaForwarded = await t.http().get('/api/v1/nothing-here').set('Forwarded', 'for=203.0.113.8');
    expect(viaForwarded.status).toBe(429);
  });

  it('when the API is limited, then liveness and readiness still answer', async () => {
    expect((await t.http().get('/api/v1/nothing-here')).status).toBe(429);
    expect((await t.http().get('/health')).status).toBe(200);
    expect((await t.http().get('/ready')).status).toBe(200);
  });
});

/** The control for the forged-header test above: behind a trusted proxy the header is the client. */
describe('global rate limit behind a trusted proxy (TRUST_PROXY=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_GLOBAL_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000', TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  it('when one client behind the proxy uses up its limit, then it gets 429 and another client behind the same proxy is served', async () => {
    const from = (ip: string) => t.http().get('/api/v1/nothing-here').set('X-Forwarded-For', ip);
    expect((await from('203.0.113.7')).status).toBe(404);
    expect((await from('203.0.113.7')).status).toBe(404);
    expect((await from('203.0.113.7')).status).toBe(429);
    expect((await from('203.0.113.9')).status).toBe(404);
  });
});

describe('rate limit per authenticated subject', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_USER_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => t.close());

  // Not logout: that denies the token it is called with, so the second call would be a 401.
  const listWallets = (auth: Record<string, string>) => t.http().get('/api/v1/wallets').set(auth);

  it('when user A has used up the limit, then A gets 429 and user B is still served', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    for (let i = 0; i < 3; i++) expect((await listWallets(alice.auth)).status).toBe(200);
    const limited = await listWallets(alice.auth);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect((await listWallets(bob.auth)).status).toBe(200);
  });

  it('when a limited user is counted, then the headers tell the limit closest to running out', async () => {
    const carol = await registerUser(t);
    const res = await listWallets(carol.auth);
    expect(res.status).toBe(200);
    // The per-user limit (3) is tighter than the per-IP one (default), so it is the one told.
    expect(res.headers['ratelimit-policy']).toBe('3;w=60');
    expect(res.headers['ratelimit']).toMatch(/^limit=3, remaining=2, reset=\d+$/);
  });

  it('when requests are anonymous, then the per-subject limit does not apply to them', async () => {
    for (let i = 0; i < 5; i++) expect((await t.http().get('/api/v1/nothing-here')).status).toBe(404);
  });
});
