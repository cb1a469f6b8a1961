import { validateCard } from '../../src/modules/token/card';
import { StripeTokenProvider } from '../../src/modules/token/providers/stripe.provider';
import { fakeStripe } from '../support/fake-stripe';

const KEY = 'sk_test_123';
const card = validateCard({ number: '4242424242424242', expMonth: 8, expYear: new Date().getUTCFullYear() + 2, cvc: '314' });

describe('Stripe token provider against a local Stripe', () => {
  const server = fakeStripe(KEY);
  let stripe: StripeTokenProvider;
  beforeAll(async () => {
    await server.start();
    stripe = new StripeTokenProvider({ baseUrl: server.url, secretKey: KEY, timeoutMs: 300, retriesMax: 2, backoffBaseMs: 5 });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.clearFaults();
    server.requests.length = 0;
  });

  it('when a card is tokenized, then a form-encoded POST /v1/payment_methods with Bearer auth and Idempotency-Key makes a pm_ token', async () => {
    const token = await stripe.createFromCard(card, { idempotencyKey: 'idk_s1' });
    expect(token).toMatchObject({ type: 'card', brand: 'visa', last4: '4242', expMonth: 8 });
    expect(token.providerTokenId).toMatch(/^pm_/);
    const sent = server.requests[0]!;
    expect(sent.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers['idempotency-key']).toBe('idk_s1');
    expect(sent.body).toMatchObject({ type: 'card', 'card[number]': '4242424242424242', 'card[exp_month]': '8', 'card[cvc]': '314' });
  });

  it('when retrieved and then deleted, then GET reads it and detach makes it unknown', async () => {
    const token = await stripe.createFromCard(card);
    expect(await stripe.retrieve(token.providerTokenId)).toEqual(token);
    await stripe.delete(token.providerTokenId);
    expect(await stripe.retrieve(token.providerTokenId)).toBeNull();
    expect(server.requests[2]!.path).toBe(`/v1/payment_methods/${token.providerTokenId}/detach`);
  });

  it('when Stripe fails once and then answers, then the create is retried with the same key and one method exists', async () => {
    server.inject('fail');
    const token = await stripe.createFromCard(card, { idempotencyKey: 'idk_s2' });
    expect(token.last4).toBe('4242');
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['idk_s2', 'idk_s2']);
  });

  it('when Stripe hangs on every attempt, then token_provider_unavailable after the timeouts', async () => {
    server.inject('hang', 3);
    const started = Date.now();
    await expect(stripe.retrieve('pm_x')).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('when Stripe answers garbage, then token_provider_unavailable', async () => {
    server.inject('garbage');
    await expect(stripe.retrieve('pm_x')).rejects.toMatchObject({ code: 'token_provider_unavailable' });
  });

  it('when Stripe refuses the card with a 4xx, then token_provider_rejected and no retry', async () => {
    const bad = { ...card, number: 'x' } as typeof card;
    await expect(stripe.createFromCard(bad, { idempotencyKey: 'idk_bad' })).rejects.toMatchObject({ code: 'token_provider_rejected' });
    expect(server.requests).toHaveLength(1);
  });

  it('when decrypted network token data is offered, then it is refused as unsupported', async () => {
    await expect(stripe.createFromNetworkToken()).rejects.toMatchObject({ code: 'network_token_unsupported' });
  });
});
