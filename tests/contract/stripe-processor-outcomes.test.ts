import { StripeProcessor } from '../../src/modules/payment/processor/stripe.processor';
import type { ChargeRequest, PayoutRequest } from '../../src/modules/payment/processor/payment-processor';
import { FakeHttpServer, type FakeReply } from '../support/fake-http-server';

/** What OCP makes of each outcome Stripe can answer a charge, a payout or a bank account with. */
const charge = {
  chargeId: 'chg_1',
  amount: 1050n,
  currency: 'USD',
  description: 'test',
  token: { provider: 'stripe', providerTokenId: 'pm_1' },
} as unknown as ChargeRequest;
const payoutRequest: PayoutRequest = {
  payoutId: 'po_ocp_1',
  amount: 5000n,
  currency: 'USD',
  description: 'payout',
  destination: { type: 'bank_account', provider: 'stripe', providerDestinationId: 'ba_1', last4: '6789' },
};
const bankAccount = { accountHolderName: 'Ada', country: 'US', currency: 'USD', routingNumber: '110000000', accountNumber: '000123456789' };

describe('Stripe processor outcomes', () => {
  let next: FakeReply = { status: 200 };
  const server = new FakeHttpServer(() => next);
  let stripe: StripeProcessor;
  beforeAll(async () => {
    await server.start();
    stripe = new StripeProcessor({ baseUrl: server.url, secretKey: 'sk_test', timeoutMs: 2_000, retriesMax: 0, backoffBaseMs: 5 });
  });
  afterAll(() => server.stop());

  it.each([
    ['requires_action', 'authentication_required'],
    ['requires_payment_method', 'generic_decline'],
  ])('when the confirmed intent is %s, then card_declined with %s', async (status, declineCode) => {
    next = { status: 200, body: { id: 'pi_1', status } };
    await expect(stripe.charge(charge)).rejects.toMatchObject({ code: 'card_declined', details: { declineCode } });
  });

  it.each([
    ['a 402 without an error body', 'generic_decline', { status: 402, body: { message: 'no' } }],
    ['card_declined without a decline code', 'card_declined', { status: 402, body: { error: { code: 'card_declined' } } }],
    ['expired_card', 'expired_card', { status: 400, body: { error: { code: 'expired_card' } } }],
  ])('when a charge is refused with %s, then card_declined with %s', async (_case, declineCode, reply) => {
    next = reply;
    await expect(stripe.charge(charge)).rejects.toMatchObject({ code: 'card_declined', details: { declineCode } });
  });

  it('when a payout names a destination of another provider, then payout_destination_unsupported and Stripe is not called', async () => {
    const before = server.requests.length;
    await expect(
      stripe.payout({ ...payoutRequest, destination: { ...payoutRequest.destination, provider: 'basis_theory' } }),
    ).rejects.toMatchObject({ code: 'payout_destination_unsupported' });
    expect(server.requests).toHaveLength(before);
  });

  it.each([
    ['a 4xx with its code', 'invalid_payout_destination', { status: 400, body: { error: { code: 'invalid_payout_destination' } } }],
    ['a 4xx without a Stripe error', 'could_not_process', { status: 404, body: { message: 'not found' } }],
    [
      'an accepted payout already failed, with its failure code',
      'account_closed',
      { status: 200, body: { id: 'po_1', status: 'failed', failure_code: 'account_closed' } },
    ],
    ['an accepted payout canceled, without a failure code', 'canceled', { status: 200, body: { id: 'po_1', status: 'canceled' } }],
  ])('when a payout is answered with %s, then payout_failed with %s', async (_case, failureCode, reply) => {
    next = reply;
    await expect(stripe.payout(payoutRequest)).rejects.toMatchObject({ code: 'payout_failed', details: { failureCode } });
  });

  it('when a payout is accepted in transit, then its Stripe id comes back', async () => {
    next = { status: 200, body: { id: 'po_9', status: 'in_transit', failure_code: null } };
    await expect(stripe.payout(payoutRequest)).resolves.toEqual({ processorPayoutId: 'po_9' });
  });

  it('when an accepted payout later failed without a failure code, then it is returned with its status as the code; paid stands', async () => {
    next = { status: 200, body: { id: 'po_1', status: 'failed' } };
    await expect(stripe.payoutState('po_1')).resolves.toEqual({ status: 'returned', failureCode: 'failed' });
    next = { status: 200, body: { id: 'po_1', status: 'paid' } };
    await expect(stripe.payoutState('po_1')).resolves.toEqual({ status: 'paid' });
  });

  it('when a bank account is refused for its numbers, then bank_account_invalid with the code; other 400s are processor_rejected', async () => {
    next = { status: 400, body: { error: { code: 'routing_number_invalid' } } };
    await expect(stripe.registerBankAccount(bankAccount)).rejects.toMatchObject({
      code: 'bank_account_invalid',
      details: { code: 'routing_number_invalid' },
    });
    next = { status: 400, body: { error: { code: 'parameter_missing' } } };
    await expect(stripe.registerBankAccount(bankAccount)).rejects.toMatchObject({ code: 'processor_rejected' });
    next = { status: 400, body: { message: 'bad' } };
    await expect(stripe.registerBankAccount(bankAccount)).rejects.toMatchObject({ code: 'processor_rejected' });
  });

  it('when a registered bank account has no bank name, then bankName is null', async () => {
    next = { status: 200, body: { id: 'btok_1', bank_account: { id: 'ba_1', last4: '6789' } } };
    await expect(stripe.registerBankAccount(bankAccount)).resolves.toEqual({
      processorDestinationId: 'ba_1',
      last4: '6789',
      bankName: null,
    });
  });
});
