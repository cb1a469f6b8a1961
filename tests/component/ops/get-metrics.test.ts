import { randomBytes } from 'node:crypto';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** The value of one sample line, e.g. http_requests_total{method="POST",route="…",status="401"}. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_PROCESS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it('when scraped, then it is Prometheus text with the default process metrics', async () => {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('when requests were served, then they are counted by route template and status, not by raw URL', async () => {
    await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'wrong-password' });
    await t.http().post('/api/v1/auth/login').send({ email: 'not-an-email' });
    const user = await registerUser(t);
    await t.http().delete('/api/v1/admin/api-clients/cli_someone').set(user.auth);
    await t.http().get('/no/such/route/4711');

    const { text } = await t.http().get('/metrics');
    const login = { method: 'POST', route: '/api/v1/auth/login' };
    expect(sample(text, 'http_requests_total', { ...login, status: '401' })).toBe(1);
    expect(sample(text, 'http_requests_total', { ...login, status: '400' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'DELETE', route: '/api/v1/admin/api-clients/:id', status: '403' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { ...login, status: '401' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...login, status: '401', le: '+Inf' })).toBe(1);
    expect(text).not.toContain('cli_someone');
    // The raw path, not its number alone: a heap size like 4711712 would match that by chance.
    expect(text).not.toContain('/no/such/route');
  });
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  const token = randomBytes(32).toString('hex');
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: token, METRICS_PROCESS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it('when no token or a wrong one comes, then 401 without the metrics', async () => {
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${token}x`, `Basic ${token}`]) {
      const req = t.http().get('/metrics');
      const res = auth ? await req.set('Authorization', auth) : await req;
      expect(res.status).toBe(401);
      expect(res.text).not.toMatch(/process_cpu_user_seconds_total/);
      expect(res.text).not.toContain(token);
    }
  });

  it('when the token comes as a bearer token, then the metrics', async () => {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});

describe('/metrics, /docs and /openapi.json in production by default', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    PUBLIC_BASE_URL: 'https://pay.example.com',
  };
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(production);
  });
  afterAll(() => t.close());

  it('when no METRICS_TOKEN and no API_DOCS_ENABLED are set, then all three are 404 and the API still answers', async () => {
    expect((await t.http().get('/metrics')).status).toBe(404);
    expect((await t.http().get('/openapi.json')).status).toBe(404);
    expect((await t.http().get('/docs/')).status).toBe(404);
    expect((await t.http().get('/health')).status).toBe(200);
  });
});

describe('GET /metrics with METRICS_PROCESS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_PROCESS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('when scraped, then the app metrics come without the process ones', async () => {
    await t.http().get('/health');
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^http_requests_total\{/m);
    expect(res.text).not.toMatch(/process_cpu_user_seconds_total|nodejs_eventloop_lag_seconds/);
  });
});
