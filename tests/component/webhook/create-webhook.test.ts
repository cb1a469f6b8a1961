import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const url = 'https://example.com/ocp/hooks';

describe('POST /api/v1/webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the body is valid, then 201 with the endpoint and its secret, which is stored encrypted', async () => {
    const user = await registerUser(t);
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(user.auth)
      .send({ url, events: ['transfer.completed', 'balance.low'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^whe_/),
      url,
      events: ['transfer.completed', 'balance.low'],
      secret: expect.stringMatching(/^whsec_.{40,}/),
      createdAt: expect.any(String),
    });
    const { rows } = await t.container.db.query<{ secret_ciphertext: string }>(
      'SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1',
      [res.body.id],
    );
    expect(rows[0]?.secret_ciphertext).toMatch(/^v1\./);
    expect(rows[0]?.secret_ciphertext).not.toContain(res.body.secret);
    expect(t.logs.text()).not.toContain(res.body.secret);
  });

  it('when http points at localhost outside production, then it is accepted', async () => {
    const user = await registerUser(t);
    for (const local of ['http://localhost:4000/h', 'http://127.0.0.1:4000/h', 'http://[::1]:4000/h']) {
      const res = await t
        .http()
        .post('/api/v1/webhooks')
        .set(user.auth)
        .send({ url: local, events: ['*'] });
      expect(res.status).toBe(201);
    }
  });

  it.each([
    ['http to another host', { url: 'http://example.com/h', events: ['*'] }, 'body.url'],
    ['credentials in the URL', { url: 'https://u:p@example.com/h', events: ['*'] }, 'body.url'],
    ['not a URL', { url: 'example.com/h', events: ['*'] }, 'body.url'],
    ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2040)}`, events: ['*'] }, 'body.url'],
    ['an unknown event type', { url, events: ['wallet.deleted'] }, 'body.events.0'],
    ['no events', { url, events: [] }, 'body.events'],
    ['no url', { events: ['*'] }, 'body.url'],
    ['an unknown field', { url, events: ['*'], secret: 'mine' }, 'body.secret'],
  ])('when %s, then 400 naming the field', async (_name, body, field) => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/webhooks').set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    const list = await t.http().get('/api/v1/webhooks').set(user.auth);
    expect(list.body.data).toEqual([]);
  });

  it('when the user already has 20 endpoints, then 422 webhook_endpoint_limit, even when racing', async () => {
    const user = await registerUser(t);
    const attempts = await Promise.all(
      Array.from({ length: 25 }, () =>
        t
          .http()
          .post('/api/v1/webhooks')
          .set(user.auth)
          .send({ url, events: ['*'] }),
      ),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(20);
    const refused = attempts.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array(5).fill([422, 'webhook_endpoint_limit']));
  });

  it('when there is no token, then 401', async () => {
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .send({ url, events: ['*'] });
    expect(res.status).toBe(401);
  });
});
