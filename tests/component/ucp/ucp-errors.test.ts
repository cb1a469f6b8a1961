import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, createCheckout, expectCheckout, expectUcpError, UCP_AGENT } from '../../support/ucp-checkout';

describe('UCP endpoint errors: every answer is a UCP message, never OCP’s {error} and never a 500', () => {
  let t: TestApp;
  let merchantId: string;
  let checkoutId: string;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '4096' });
    const owner = await registerUser(t);
    merchantId = (await createMerchant(t, owner)).id;
    await addProduct(t, owner, merchantId, { id: 'mug', title: 'Mug', price: 999 });
    checkoutId = expectCheckout(await createCheckout(t, merchantId, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201).id;
  });
  afterAll(() => t.close());

  const post = (path: string) => t.http().post(`/ucp/${merchantId}${path}`).set(UCP_AGENT);

  it('when the body is not JSON, then 400 malformed_json', async () => {
    const res = await post('/checkout-sessions').set('Content-Type', 'application/json').send('{"line_items": [');
    expectUcpError(res, 400, 'malformed_json');
    expect(res.body.ucp.version).toBe('2026-01-11');
  });

  it('when the body is larger than allowed, then 413 payload_too_large', async () => {
    const res = await post('/checkout-sessions').send({ line_items: [], signals: { pad: 'x'.repeat(5000) } });
    expectUcpError(res, 413, 'payload_too_large');
  });

  it('when a string carries a NUL byte, then 400 with the field', async () => {
    const res = await post('/checkout-sessions').send({ line_items: [{ item: { id: 'mu\u0000g' }, quantity: 1 }] });
    const [message] = expectUcpError(res, 400, 'validation_failed');
    expect(message!.content).toContain('NUL');
  });

  it('when numbers are huge or not integers, then 400 with JSON paths into the body', async () => {
    const huge = await post('/checkout-sessions')
      .set('Content-Type', 'application/json')
      .send('{"line_items": [{"item": {"id": "mug"}, "quantity": 1e30}]}');
    const [message] = expectUcpError(huge, 400, 'validation_failed');
    expect(message!.path).toBe('$.line_items[0].quantity');
    const fractional = await post('/checkout-sessions').send({ line_items: [{ item: { id: 'mug' }, quantity: 1.5 }] });
    expect(expectUcpError(fractional, 400, 'validation_failed')[0]!.path).toBe('$.line_items[0].quantity');
    const text = await post('/checkout-sessions').send({ line_items: [{ item: { id: 'mug' }, quantity: '1' }] });
    expectUcpError(text, 400, 'validation_failed');
  });

  it('when the body is bare junk, then 400', async () => {
    expectUcpError(await post('/checkout-sessions').set('Content-Type', 'application/json').send('[1, 2]'), 400, 'validation_failed');
    expectUcpError(await post('/checkout-sessions').set('Content-Type', 'application/json').send('"hello"'), 400, 'malformed_json');
    expectUcpError(await post('/checkout-sessions').send({}), 400, 'validation_failed');
    expectUcpError(await post('/checkout-sessions').send({ line_items: 'everything' }), 400, 'validation_failed');
    const many = Array.from({ length: 101 }, () => ({ item: { id: 'mug' }, quantity: 1 }));
    const tooMany = await t.http().post(`/ucp/${merchantId}/checkout-sessions`).set(UCP_AGENT).send({ line_items: many });
    expect(expectUcpError(tooMany, 400, 'validation_failed')[0]!.path).toBe('$.line_items');
  });

  it('when the UCP-Agent header is missing or not a dictionary with a profile URL, then 400', async () => {
    const body = { line_items: [{ item: { id: 'mug' }, quantity: 1 }] };
    expectUcpError(await t.http().post(`/ucp/${merchantId}/checkout-sessions`).send(body), 400, 'ucp_agent_missing');
    for (const header of [
      'https://platform.example/p',
      'profile=https://platform.example/p',
      'profile="ftp://x/p"',
      'profile="',
      'profile="/relative"',
    ]) {
      const res = await t.http().post(`/ucp/${merchantId}/checkout-sessions`).set('UCP-Agent', header).send(body);
      expectUcpError(res, 400, 'ucp_agent_invalid');
    }
    expectUcpError(await t.http().get(`/ucp/${merchantId}/checkout-sessions/${checkoutId}`), 400, 'ucp_agent_missing');
    const withParams = await t
      .http()
      .post(`/ucp/${merchantId}/checkout-sessions`)
      .set('UCP-Agent', 'version="2026-01-11", profile="https://platform.example/p";v=1')
      .send(body);
    expectCheckout(withParams, 201);
  });

  it('when the path is not a valid id or route, then a 4xx UCP message', async () => {
    expectUcpError(
      await t
        .http()
        .get(`/ucp/${merchantId}/checkout-sessions/${'x'.repeat(65)}`)
        .set(UCP_AGENT),
      400,
      'validation_failed',
    );
    expectUcpError(await t.http().get(`/ucp/${merchantId}/checkout-sessions/%E0%A4%A`).set(UCP_AGENT), 400, 'bad_request');
    expectUcpError(await t.http().delete(`/ucp/${merchantId}/checkout-sessions/${checkoutId}`).set(UCP_AGENT), 404, 'route_not_found');
  });
});
