import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook } from '../../support/webhook-receiver';

describe('DELETE /api/v1/webhooks/:id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the owner deletes an endpoint, then 204 and it is gone from the list', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://example.com/h');
    const res = await t.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(user.auth);
    expect(res.status).toBe(204);
    const list = await t.http().get('/api/v1/webhooks').set(user.auth);
    expect(list.body.data).toEqual([]);
    const again = await t.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(user.auth);
    expect(again.status).toBe(404);
  });

  it("when another user's endpoint is deleted, then 404 and the endpoint stays", async () => {
    const owner = await registerUser(t);
    const intruder = await registerUser(t);
    const endpoint = await createWebhook(t, owner.auth, 'https://example.com/h');
    const res = await t.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(intruder.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('webhook_not_found');
    const list = await t.http().get('/api/v1/webhooks').set(owner.auth);
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([endpoint.id]);
  });
});
