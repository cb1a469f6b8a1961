import { StripeProcessor } from '../../src/modules/payment/processor/stripe.processor';
import type { ChargeRequest } from '../../src/modules/payment/processor/payment-processor';
import { FakeHttpServer, type FakeReply } from '../support/fake-http-server';

/** Issue 15: what Stripe answers a charge or refund is bounded before OCP stores it or shows it. */
const charge = {
  chargeId: 'chg_1',
  amount: 1050n,
  currency: 'USD',
  description: 'test',
  token: { provider: 'stripe', providerTokenId: 'pm_1' },
} as unknown as ChargeRequest;

describe('Stripe processor against hostile answers', () => {
  let next: FakeReply = { status: 200 };
  const server = new FakeHttpServer(() => next);
  let stripe: StripeProcessor;
  beforeAll(async () => {
    await server.start();
    stripe = new StripeProcessor({ baseUrl: server.url, secretKey: 'sk_test', timeoutMs: 2_000, retriesMax: 0, backoffBaseMs: 5 });
  });
  afterAll(() => server.stop());

  it.each([
    ['a 100 kB intent id', { id: `pi_${'x'.repeat(100_000)}`, status: 'succeeded' }],
    ['an intent id with markup', { id: 'pi_<script>', status: 'succeeded' }],
    ['a status that is not a word', { id: 'pi_1', status: 'succeeded but also <b>' }],
  ])('when a charge is answered with %s, then processor_unavailable', async (_name, body) => {
    next = { status: 200, body };
    await expect(stripe.charge(charge)).rejects.toMatchObject({ code: 'processor_unavailable' });
  });

  it('when a refund is answered with a 100 kB id, then processor_unavailable', async () => {
    next = { status: 200, body: { id: `re_${'x'.repeat(100_000)}` } };
    await expect(stripe.refund({ refundId: 'rf_1', processorChargeId: 'pi_1', amount: 10n } as never)).rejects.toMatchObject({
      code: 'processor_unavailable',
    });
  });

  it("when a decline carries a decline_code that is not one of Stripe's words, then the client sees Stripe's code instead of it", async () => {
    next = { status: 402, body: { error: { type: 'card_error', code: 'card_declined', decline_code: 'call 555-0100 <a href=x>' } } };
    const error = (await stripe.charge(charge).catch((e: unknown) => e)) as { code: string; details: unknown };
    expect(error).toMatchObject({ code: 'card_declined', details: { declineCode: 'card_declined' } });
    expect(JSON.stringify(error.details)).not.toContain('555');
  });

  it('when a refusal carries a long code, then it is left out of the details', async () => {
    next = { status: 400, body: { error: { type: 'invalid_request_error', code: 'x'.repeat(10_000) } } };
    const error = (await stripe.charge(charge).catch((e: unknown) => e)) as { code: string; details: { code?: string } };
    expect(error.code).toBe('processor_rejected');
    expect(error.details.code).toBeUndefined();
  });

  it('when Stripe answers as it should, then the charge is read as before', async () => {
    next = { status: 200, body: { id: 'pi_123', status: 'succeeded' } };
    await expect(stripe.charge(charge)).resolves.toEqual({ processorChargeId: 'pi_123' });
  });
});
