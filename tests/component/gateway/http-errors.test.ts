import { startTestApp, type TestApp } from '../../support/test-app';

describe('HTTP errors the gateway answers itself', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '1024' });
  });
  afterAll(() => t.close());

  it('when the JSON body is malformed, then 400 malformed_json', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@example.com",');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'malformed_json',
      message: expect.any(String),
      requestId: res.headers['x-request-id'],
    });
  });

  it('when the route does not exist, then 404 route_not_found in the error shape', async () => {
    const res = await t.http().get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'route_not_found', requestId: expect.any(String) });
  });

  it('when the route exists for another method, then 404 too', async () => {
    const res = await t.http().get('/api/v1/auth/login');
    expect(res.status).toBe(404);
  });

  it('when the body is over BODY_LIMIT_BYTES, then 413 payload_too_large', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .send({ email: 'big@example.com', password: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('when the body is just under BODY_LIMIT_BYTES, then it reaches validation', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .send({ email: 'big@example.com', password: 'x'.repeat(900) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('when a path parameter is not valid percent-encoding, then 400 bad_request rather than a 500', async () => {
    const res = await t.http().delete('/api/v1/admin/api-clients/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(t.logs.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('when an error is answered, then the body is JSON without a stack trace', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\(.*:\d+:\d+\)|node_modules|SyntaxError/);
  });
});
