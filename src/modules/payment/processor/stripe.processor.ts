import { z } from 'zod';
import type { ProviderHttpOptions, ProviderResponse } from '../../../infra/http/provider-http';
import { Unavailable, Unprocessable } from '../../../shared/errors';
import { stripeHttp } from '../../../infra/http/stripe-http';
import { randomUUID } from 'node:crypto';
import {
  cardDeclined,
  payoutFailed,
  PROCESSOR_UNAVAILABLE,
  processingError,
  type AcceptedPayout,
  type BankAccountDetails,
  type Charge,
  type ChargeRequest,
  type PaymentProcessor,
  type PayoutRequest,
  type PayoutState,
  type RefundRequest,
  type RegisteredBankAccount,
} from './payment-processor';

// Stripe's ids and codes are short snake_case words; anything else is not Stripe answering.
const stripeId = z.string().regex(/^[A-Za-z0-9_]{1,255}$/);
const stripeCode = z.string().regex(/^[a-z0-9_]{1,64}$/);
const intent = z.object({ id: stripeId, status: stripeCode });
const refund = z.object({ id: stripeId });
// https://docs.stripe.com/api/payouts/object: pending, in_transit, paid, failed or canceled.
const payout = z.object({ id: stripeId, status: stripeCode, failure_code: stripeCode.nullish().catch(null) });
const PAYOUT_NOT_SENT = new Set(['failed', 'canceled']);
// https://docs.stripe.com/api/tokens/create_bank_account
const bankAccountToken = z.object({
  id: stripeId,
  bank_account: z.object({ id: stripeId, last4: z.string().regex(/^\d{4}$/), bank_name: z.string().max(200).nullish() }),
});
const BANK_ACCOUNT_CODES = new Set(['routing_number_invalid', 'account_number_invalid', 'bank_account_unusable', 'invalid_bank_account']);
// A code that is not a short word is dropped (catch), not passed to the client in details.
const stripeError = z.object({
  error: z.object({ code: stripeCode.optional().catch(undefined), decline_code: stripeCode.optional().catch(undefined) }),
});

/**
 * Charges Stripe payment methods with PaymentIntents confirmed at creation, and refunds them.
 * The charge id is the Idempotency-Key, so a retried or repeated charge is the same intent.
 */
export class StripeProcessor implements PaymentProcessor {
  readonly name = 'stripe';
  private readonly http;

  constructor(options: Omit<ProviderHttpOptions, 'name' | 'headers' | 'unavailableCode' | 'encoding'> & { secretKey: string }) {
    const { secretKey, ...rest } = options;
    this.http = stripeHttp(rest, secretKey, PROCESSOR_UNAVAILABLE);
  }

  async charge(request: ChargeRequest): Promise<Charge> {
    if (request.token.provider !== 'stripe') {
      throw new Unprocessable('token_not_chargeable', 'The stripe processor charges only tokens from the stripe token provider');
    }
    const response = await this.http.request(
      {
        method: 'POST',
        path: '/v1/payment_intents',
        headers: { 'Idempotency-Key': request.chargeId },
        body: {
          amount: request.amount.toString(),
          currency: request.currency.toLowerCase(),
          payment_method: request.token.providerTokenId,
          payment_method_types: ['card'],
          confirm: 'true',
          description: request.description,
          metadata: { ocp_charge_id: request.chargeId },
        },
      },
      true,
    );
    const body = answer(response, intent);
    if (body.status !== 'succeeded') throw cardDeclined(body.status === 'requires_action' ? 'authentication_required' : 'generic_decline');
    return { processorChargeId: body.id };
  }

  async refund(request: RefundRequest): Promise<{ processorRefundId: string }> {
    const response = await this.http.request(
      {
        method: 'POST',
        path: '/v1/refunds',
        headers: { 'Idempotency-Key': request.refundId },
        body: { payment_intent: request.processorChargeId, amount: request.amount.toString() },
      },
      true,
    );
    return { processorRefundId: answer(response, refund).id };
  }

  /**
   * POST /v1/payouts to a card or bank account of the Stripe account (its external accounts),
   * under the payout id as Idempotency-Key. Accepted (pending, in_transit, paid) is a payout sent;
   * failed or canceled, or a 4xx about the destination, is payout_failed.
   */
  async payout(request: PayoutRequest): Promise<AcceptedPayout> {
    if (request.destination.provider !== 'stripe') {
      throw new Unprocessable('payout_destination_unsupported', 'The stripe processor pays out only to destinations Stripe knows');
    }
    const response = await this.http.request(
      {
        method: 'POST',
        path: '/v1/payouts',
        headers: { 'Idempotency-Key': request.payoutId },
        body: {
          amount: request.amount.toString(),
          currency: request.currency.toLowerCase(),
          destination: request.destination.providerDestinationId,
          description: request.description,
          metadata: { ocp_payout_id: request.payoutId },
        },
      },
      true,
    );
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      throw payoutFailed(errorCode(response) ?? 'could_not_process');
    }
    const body = answer(response, payout);
    if (PAYOUT_NOT_SENT.has(body.status)) throw payoutFailed(body.failure_code ?? body.status);
    return { processorPayoutId: body.id };
  }

  /** GET /v1/payouts/:id: a payout Stripe marks failed after it was accepted came back from the bank. */
  async payoutState(processorPayoutId: string): Promise<PayoutState> {
    const response = await this.http.request({ method: 'GET', path: `/v1/payouts/${encodeURIComponent(processorPayoutId)}` });
    const body = answer(response, payout);
    return PAYOUT_NOT_SENT.has(body.status) ? { status: 'returned', failureCode: body.failure_code ?? body.status } : { status: 'paid' };
  }

  /** POST /v1/tokens with the bank account: Stripe keeps the numbers, OCP the bank account's id and last4. */
  async registerBankAccount(account: BankAccountDetails): Promise<RegisteredBankAccount> {
    const response = await this.http.request(
      {
        method: 'POST',
        path: '/v1/tokens',
        // A fresh key: the retries of this call are the same request, a new registration is not.
        headers: { 'Idempotency-Key': randomUUID() },
        body: {
          bank_account: {
            country: account.country,
            currency: account.currency.toLowerCase(),
            account_holder_name: account.accountHolderName,
            account_holder_type: 'individual',
            routing_number: account.routingNumber,
            account_number: account.accountNumber,
          },
        },
      },
      true,
    );
    if (response.status === 400 && BANK_ACCOUNT_CODES.has(errorCode(response) ?? '')) {
      throw new Unprocessable('bank_account_invalid', 'Stripe refused the bank account details', { code: errorCode(response) });
    }
    const { bank_account: bank } = answer(response, bankAccountToken);
    return { processorDestinationId: bank.id, last4: bank.last4, bankName: bank.bank_name ?? null };
  }
}

/** The request's Stripe error code, when it is one. */
function errorCode(response: ProviderResponse): string | undefined {
  const error = stripeError.safeParse(response.body);
  return error.success ? error.data.error.code : undefined;
}

/** Stripe's card errors become OCP's; other 4xx are refusals; a body that does not parse is an outage. */
function answer<T>(response: ProviderResponse, schema: z.ZodType<T>): T {
  if (response.status >= 400) {
    const error = stripeError.safeParse(response.body);
    const { code, decline_code: declineCode } = error.success ? error.data.error : {};
    if (code === 'processing_error') throw processingError();
    if (response.status === 402 || code === 'card_declined' || code === 'expired_card')
      throw cardDeclined(declineCode ?? code ?? 'generic_decline');
    throw new Unprocessable('processor_rejected', `Stripe refused the request (HTTP ${response.status})`, {
      providerStatus: response.status,
      code,
    });
  }
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw new Unavailable('Stripe answered with an unexpected body', PROCESSOR_UNAVAILABLE);
  return parsed.data;
}
