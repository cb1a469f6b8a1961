import { startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

describe('X-Request-Id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('when the client sends a well-formed id, then it is echoed', async () => {
    const res = await t.http().get('/health').set('X-Request-Id', 'client-req.42:abc');
    expect(res.headers['x-request-id']).toBe('client-req.42:abc');
  });

  it('when the client sends none, then one is generated', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it.each([
    ['with characters that could forge log lines', 'abc\tinjected'],
    ['longer than 128 characters', 'a'.repeat(129)],
  ])('when the client id is %s, then a fresh one replaces it', async (_label, id) => {
    const res = await t.http().get('/health').set('X-Request-Id', id);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('when an error is answered, then its body carries the same request id', async () => {
    const res = await t.http().get('/api/v1/missing').set('X-Request-Id', 'trace-me-404');
    expect(res.body.error.requestId).toBe('trace-me-404');
  });

  it('when a request is logged, then the request line carries its id', async () => {
    await t.http().get('/health').set('X-Request-Id', 'line-check-1');
    const line = t.logs.entries.find((e) => e.message === 'request' && e.requestId === 'line-check-1');
    expect(line).toMatchObject({ method: 'GET', route: '/health', status: 200 });
  });

  it('when a service logs while handling a JSON request, then that line carries the request id too', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .set('X-Request-Id', 'register-ctx-1')
      .send({ email: uniqueEmail(), password: 'correct-horse-battery' });
    expect(res.status).toBe(201);
    const line = t.logs.entries.find((e) => e.message === 'user registered' && e.userId === res.body.user.id);
    expect(line?.requestId).toBe('register-ctx-1');
  });
});
