import { startTestApp, type TestApp } from '../../support/test-app';

describe('security headers and CORS', () => {
  let t: TestApp;
  const allowed = 'https://app.example.com';
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: `${allowed}, https://admin.example.com` });
  });
  afterAll(() => t.close());

  it('when any response is sent, then helmet headers are present and X-Powered-By is not', async () => {
    const res = await t.http().get('/api/v1/missing');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });

  it('when the origin is allowed, then it gets Access-Control-Allow-Origin and the request id exposed', async () => {
    const res = await t.http().get('/health').set('Origin', allowed);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('when a request carries no Origin, then it gets no CORS headers, but a shared cache still keys the answer by origin', async () => {
    const res = await t.http().get('/health');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
    expect(res.headers).not.toHaveProperty('access-control-expose-headers');
    expect(res.headers['vary']).toBe('Origin');
    const fromBrowser = await t.http().get('/health').set('Origin', allowed);
    expect(fromBrowser.headers['vary']).toBe('Origin');
  });

  it('when another origin asks, then no Access-Control-Allow-Origin is sent', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://evil.example.com');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('when an allowed origin sends a preflight, then Authorization is an allowed header', async () => {
    const res = await t
      .http()
      .options('/api/v1/auth/logout')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });

  it('when another origin sends a preflight, then it is not allowed', async () => {
    const res = await t
      .http()
      .options('/api/v1/auth/logout')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });
});
