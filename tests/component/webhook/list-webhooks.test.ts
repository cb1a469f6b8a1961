import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook } from '../../support/webhook-receiver';

describe('GET /api/v1/webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when a user lists, then they get their own endpoints, newest first, without secrets', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const first = await createWebhook(t, alice.auth, 'https://a.example.com/1', ['wallet.created']);
    const second = await createWebhook(t, alice.auth, 'https://a.example.com/2', ['*']);
    await createWebhook(t, bob.auth, 'https://b.example.com/1');

    const res = await t.http().get('/api/v1/webhooks').set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { id: string }) => e.id)).toEqual([second.id, first.id]);
    expect(res.body.data[1]).toEqual({ id: first.id, url: first.url, events: ['wallet.created'], createdAt: first.createdAt });
    expect(JSON.stringify(res.body)).not.toContain(first.secret);
    expect(JSON.stringify(res.body)).not.toMatch(/secret/i);
  });

  it('when the OpenAPI document is read, then it describes the webhook routes', async () => {
    const res = await t.http().get('/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}']));
  });
});
