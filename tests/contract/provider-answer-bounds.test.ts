import { ProviderHttp } from '../../src/infra/http/provider-http';
import { validateCard } from '../../src/modules/token/card';
import { BasisTheoryProvider } from '../../src/modules/token/providers/basis-theory.provider';
import { StripeTokenProvider } from '../../src/modules/token/providers/stripe.provider';
import { FakeHttpServer, type FakeReply } from '../support/fake-http-server';

/** Issue 15: a provider's answer is bounded in size and checked field by field before OCP uses it. */
const card = validateCard({ number: '4242424242424242', expMonth: 8, expYear: new Date().getUTCFullYear() + 2, cvc: '314' });
const FAST = { timeoutMs: 2_000, retriesMax: 2, backoffBaseMs: 5 };

const stripeMethod = (overrides: Record<string, unknown> = {}) => ({
  id: 'pm_1',
  type: 'card',
  card: { brand: 'visa', last4: '4242', exp_month: 8, exp_year: 2030, fingerprint: 'fp', ...overrides },
});
const btToken = (data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  id: 'tok_1',
  data: { number: 'XXXXXXXXXXXX4242', expiration_month: 8, expiration_year: 2030, ...data },
  metadata: { ocp_type: 'card', brand: 'visa', ...metadata },
});

describe('provider answers are bounded and validated', () => {
  let next: FakeReply = { status: 200 };
  const server = new FakeHttpServer(() => next);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('when a provider answers more than responseBytesMax, then it is unavailable at once, without retries', async () => {
    const http = new ProviderHttp({
      ...FAST,
      name: 'Fake',
      baseUrl: server.url,
      headers: {},
      unavailableCode: 'token_provider_unavailable',
      responseBytesMax: 100_000,
    });
    next = { status: 200, body: { brand: 'x'.repeat(2_000_000) } };
    await expect(http.request({ method: 'GET', path: '/big' })).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    expect(server.requests).toHaveLength(1);
  });

  it('when no limit is given, then an answer over 1 MiB is refused too', async () => {
    const http = new ProviderHttp({
      ...FAST,
      name: 'Fake',
      baseUrl: server.url,
      headers: {},
      unavailableCode: 'token_provider_unavailable',
    });
    next = { status: 200, body: { brand: 'x'.repeat(2_000_000) } };
    await expect(http.request({ method: 'GET', path: '/big' })).rejects.toMatchObject({ code: 'token_provider_unavailable' });
  });

  describe.each([
    ['a 60 kB brand', { brand: 'v'.repeat(60_000) }],
    ['a brand with markup', { brand: '<script>' }],
    ['exp_year 99999', { exp_year: 99999 }],
    ['exp_month 13', { exp_month: 13 }],
    ['a 1 kB fingerprint', { fingerprint: 'f'.repeat(1_000) }],
  ])('Stripe answering %s', (_name, overrides) => {
    it('then token_provider_unavailable and nothing of it is returned', async () => {
      const stripe = new StripeTokenProvider({ ...FAST, baseUrl: server.url, secretKey: 'sk_test' });
      next = { status: 200, body: stripeMethod(overrides) };
      await expect(stripe.createFromCard(card)).rejects.toMatchObject({ code: 'token_provider_unavailable' });
      await expect(stripe.retrieve('pm_1')).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    });
  });

  describe.each([
    ['a 60 kB brand in metadata', {}, { brand: 'v'.repeat(60_000) }],
    ['an unknown token type in metadata', {}, { ocp_type: 'bank_account' }],
    ['expiration_year 99999', { expiration_year: 99999 }, {}],
    ['a 100 kB number', { number: '4'.repeat(100_000) }, {}],
  ])('Basis Theory answering %s', (_name, data, metadata) => {
    it('then token_provider_unavailable', async () => {
      const bt = new BasisTheoryProvider({ ...FAST, baseUrl: server.url, apiKey: 'key' });
      next = { status: 200, body: btToken(data, metadata) };
      await expect(bt.retrieve('tok_1')).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    });
  });

  it('when the answers are well-formed, then they are read as before', async () => {
    const stripe = new StripeTokenProvider({ ...FAST, baseUrl: server.url, secretKey: 'sk_test' });
    next = { status: 200, body: stripeMethod() };
    await expect(stripe.retrieve('pm_1')).resolves.toMatchObject({ brand: 'visa', last4: '4242', expYear: 2030 });
    const bt = new BasisTheoryProvider({ ...FAST, baseUrl: server.url, apiKey: 'key' });
    next = { status: 200, body: btToken() };
    await expect(bt.retrieve('tok_1')).resolves.toMatchObject({ brand: 'visa', last4: '4242', expYear: 2030 });
  });
});
