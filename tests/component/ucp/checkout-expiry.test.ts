import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, createCheckout, expectCheckout, expectUcpError, UCP_AGENT, updateCheckout } from '../../support/ucp-checkout';

describe('UCP checkout expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ UCP_CHECKOUT_TTL_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('when a session passes expires_at, then it answers as canceled and can no longer be updated or canceled', async () => {
    const owner = await registerUser(t);
    const merchantId = (await createMerchant(t, owner)).id;
    await addProduct(t, owner, merchantId, { id: 'mug', title: 'Mug', price: 999 });
    const created = expectCheckout(await createCheckout(t, merchantId, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201);
    expect(created.status).toBe('ready_for_complete');
    expect(Date.parse(created.expires_at) - Date.now()).toBeLessThanOrEqual(1000);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(created.expires_at) - Date.now()) + 50));

    const got = expectCheckout(await t.http().get(`/ucp/${merchantId}/checkout-sessions/${created.id}`).set(UCP_AGENT), 200);
    expect(got.status).toBe('canceled');
    expect(got.messages).toEqual([expect.objectContaining({ type: 'info', code: 'checkout_expired' })]);
    expectUcpError(
      await updateCheckout(t, merchantId, created.id, { line_items: [{ item: { id: 'mug' }, quantity: 2 }] }),
      409,
      'checkout_canceled',
    );
    expectUcpError(
      await t.http().post(`/ucp/${merchantId}/checkout-sessions/${created.id}/cancel`).set(UCP_AGENT),
      409,
      'checkout_canceled',
    );
  });
});
