import { StripeProcessor } from '../../src/modules/payment/processor/stripe.processor';
import { validateCard } from '../../src/modules/token/card';
import { StripeTokenProvider } from '../../src/modules/token/providers/stripe.provider';
import { fakeStripe } from '../support/fake-stripe';

const KEY = 'sk_test_proc';
const opts = { secretKey: KEY, timeoutMs: 300, retriesMax: 2, backoffBaseMs: 5 };

describe('Stripe processor against a local Stripe', () => {
  const server = fakeStripe(KEY);
  let tokens: StripeTokenProvider;
  let stripe: StripeProcessor;
  beforeAll(async () => {
    await server.start();
    tokens = new StripeTokenProvider({ ...opts, baseUrl: server.url });
    stripe = new StripeProcessor({ ...opts, baseUrl: server.url });
  });
  afterAll(() => server.stop());
  beforeEach(() => server.clearFaults());

  async function tokenFor(number: string) {
    const t = await tokens.createFromCard(validateCard({ number, expMonth: 1, expYear: new Date().getUTCFullYear() + 1, cvc: '123' }));
    return { provider: 'stripe', providerTokenId: t.providerTokenId, last4: t.last4 };
  }
  const request = async (number: string, chargeId: string) => ({
    chargeId,
    amount: 2500n,
    currency: 'USD',
    description: 'fund',
    token: await tokenFor(number),
  });

  it('when a good card is charged, then a confirmed PaymentIntent is created with the charge id as Idempotency-Key', async () => {
    const charge = await stripe.charge(await request('4242424242424242', 'chg_ok'));
    expect(charge.processorChargeId).toMatch(/^pi_/);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/payment_intents');
    expect(sent.headers['idempotency-key']).toBe('chg_ok');
    expect(sent.body).toMatchObject({ amount: '2500', currency: 'usd', confirm: 'true', 'payment_method_types[0]': 'card' });
  });

  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000000119', 'processing_error', undefined],
  ])("when card %s is charged, then Stripe's card error becomes %s", async (number, code, declineCode) => {
    const error = await stripe.charge(await request(number, `chg_${number}`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'declined', code, ...(declineCode ? { details: { declineCode } } : {}) });
  });

  it('when the first attempt times out, then the retry uses the same key and Stripe creates one intent', async () => {
    const req = await request('4242424242424242', 'chg_timeout');
    const before = server.state.intentsCreated;
    server.inject('hang');
    const charge = await stripe.charge(req);
    expect(charge.processorChargeId).toMatch(/^pi_/);
    expect(server.state.intentsCreated - before).toBe(1);
    expect((await stripe.charge(req)).processorChargeId).toBe(charge.processorChargeId);
  });

  it('when Stripe stays down, then processor_unavailable (the outcome is unknown, to be retried with the same id)', async () => {
    const req = await request('4242424242424242', 'chg_down');
    server.inject('fail', 3);
    await expect(stripe.charge(req)).rejects.toMatchObject({ kind: 'unavailable', code: 'processor_unavailable' });
  });

  it('when Stripe answers garbage, then processor_unavailable', async () => {
    const req = await request('4242424242424242', 'chg_garbage');
    server.inject('garbage');
    await expect(stripe.charge(req)).rejects.toMatchObject({ code: 'processor_unavailable' });
  });

  it('when a charge is refunded, then POST /v1/refunds names the intent, and over-refunding is refused', async () => {
    const { processorChargeId } = await stripe.charge(await request('4242424242424242', 'chg_refund'));
    await expect(stripe.refund({ refundId: 'ref_1', processorChargeId, amount: 1000n, currency: 'USD' })).resolves.toMatchObject({
      processorRefundId: expect.stringMatching(/^re_/),
    });
    expect(server.requests.at(-1)!.body).toMatchObject({ payment_intent: processorChargeId, amount: '1000' });
    await expect(stripe.refund({ refundId: 'ref_2', processorChargeId, amount: 2000n, currency: 'USD' })).rejects.toMatchObject({
      code: 'processor_rejected',
    });
  });

  it('when the token is not a Stripe payment method, then token_not_chargeable before any call', async () => {
    const count = server.requests.length;
    await expect(
      stripe.charge({
        chargeId: 'c',
        amount: 1n,
        currency: 'USD',
        description: '',
        token: { provider: 'local', providerTokenId: 'vlt_1', last4: '4242' },
      }),
    ).rejects.toMatchObject({ code: 'token_not_chargeable' });
    expect(server.requests.length).toBe(count);
  });
});
