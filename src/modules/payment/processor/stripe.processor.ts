import { z } from 'zod';
import type { ProviderHttpOptions, ProviderResponse } from '../../../infra/http/provider-http';
import { Unavailable, Unprocessable } from '../../../shared/errors';
import { stripeHttp } from '../../../infra/http/stripe-http';
import {
  cardDeclined,
  PROCESSOR_UNAVAILABLE,
  processingError,
  type Charge,
  type ChargeRequest,
  type PaymentProcessor,
  type RefundRequest,
} from './payment-processor';

// Stripe's ids and codes are short snake_case words; anything else is not Stripe answering.
const stripeId = z.string().regex(/^[A-Za-z0-9_]{1,255}$/);
const stripeCode = z.string().regex(/^[a-z0-9_]{1,64}$/);
const intent = z.object({ id: stripeId, status: stripeCode });
const refund = z.object({ id: stripeId });
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
