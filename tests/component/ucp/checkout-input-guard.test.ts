import { startTestApp, type TestApp } from '../../support/test-app';
import { UCP_AGENT } from '../../support/ucp-checkout';

// The merchant id in /ucp/{merchantId} is read (to find the merchant's tenant) before any route
// validates it: a NUL byte there reached PostgreSQL and answered 500.
describe('UCP merchant id in the path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('when the merchant id holds a NUL byte, then the route refuses it as validation_failed, not as an internal error', async () => {
    for (const merchant of ['m%00', '%00mer_x']) {
      const get = await t.http().get(`/ucp/${merchant}/checkout-sessions/x`).set(UCP_AGENT);
      expect(get.status).toBe(400);
      expect(get.body.messages).toEqual([expect.objectContaining({ type: 'error', code: 'validation_failed' })]);
      expect(JSON.stringify(get.body)).toContain('path.merchantId');

      const create = await t
        .http()
        .post(`/ucp/${merchant}/checkout-sessions`)
        .set(UCP_AGENT)
        .send({ line_items: [{ item: { id: 'mug' }, quantity: 1 }], currency: 'USD' });
      expect(create.status).toBe(400);
      expect(create.body.messages).toEqual([expect.objectContaining({ code: 'validation_failed' })]);
    }
  });
});
