import { UcpDiscoveryProfileSchema } from '@ucp-js/sdk';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { expectUcpError } from '../../support/ucp-checkout';

describe('UCP discovery', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com/', UCP_PAYMENT_HANDLER_NAME: 'com.example.wallet' });
  });
  afterAll(() => t.close());

  it('when a merchant’s profile is read, then it parses with the SDK and names its absolute endpoint, checkout and the OCP wallet handler', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const res = await t.http().get(`/ucp/${merchant.id}/.well-known/ucp`);
    expect(res.status).toBe(200);
    const profile = UcpDiscoveryProfileSchema.parse(res.body);
    expect(profile.ucp.version).toBe('2026-01-11');
    expect(profile.ucp.services['dev.ucp.shopping']).toEqual({
      version: '2026-01-11',
      spec: 'https://ucp.dev/specification/overview',
      rest: { schema: 'https://ucp.dev/services/shopping/rest.openapi.json', endpoint: `https://pay.example.com/ucp/${merchant.id}` },
    });
    expect(profile.ucp.services['dev.ucp.shopping']!.rest!.endpoint).toBe(merchant.ucpEndpoint);
    expect(profile.ucp.capabilities).toEqual([
      {
        name: 'dev.ucp.shopping.checkout',
        version: '2026-01-11',
        spec: 'https://ucp.dev/specification/checkout',
        schema: 'https://ucp.dev/schemas/shopping/checkout.json',
      },
    ]);
    expect(profile.payment!.handlers).toEqual([
      expect.objectContaining({
        id: 'ocp_wallet',
        name: 'com.example.wallet',
        version: '2026-01-11',
        spec: expect.stringMatching(/^https:\/\/pay\.example\.com\//),
        config_schema: expect.stringMatching(/^https:\/\/pay\.example\.com\//),
        instrument_schemas: [expect.stringMatching(/^https:\/\/pay\.example\.com\//)],
        config: expect.objectContaining({ merchant_id: merchant.id }),
      }),
    ]);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('when an unknown merchant’s profile is read, then 404 as a UCP message', async () => {
    expectUcpError(await t.http().get('/ucp/mer_nope/.well-known/ucp'), 404, 'merchant_not_found');
  });

  it('when the deployment’s profile is read, then it parses with the SDK: the shopping service base, checkout, and the handler any business may accept', async () => {
    const res = await t.http().get('/.well-known/ucp');
    expect(res.status).toBe(200);
    const profile = UcpDiscoveryProfileSchema.parse(res.body);
    expect(profile.ucp.services['dev.ucp.shopping']!.rest!.endpoint).toBe('https://pay.example.com/ucp');
    expect(profile.ucp.capabilities.map((c) => c.name)).toEqual(['dev.ucp.shopping.checkout']);
    expect(profile.payment!.handlers![0]).toMatchObject({ id: 'ocp_wallet', name: 'com.example.wallet' });
    expect(profile.payment!.handlers![0]!.config).not.toHaveProperty('merchant_id');
  });

  it('when the OpenAPI document is read, then it lists the UCP endpoints at the root', async () => {
    const doc = await t.http().get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/.well-known/ucp',
        '/ucp/{merchantId}/.well-known/ucp',
        '/ucp/{merchantId}/checkout-sessions',
        '/ucp/{merchantId}/checkout-sessions/{id}',
        '/ucp/{merchantId}/checkout-sessions/{id}/cancel',
        '/api/v1/merchants/{id}/orders',
        '/api/v1/merchants/{id}/orders/{orderId}',
      ]),
    );
  });
});
