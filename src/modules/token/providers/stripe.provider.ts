import { z } from 'zod';
import type { ProviderHttp, ProviderHttpOptions } from '../../../infra/http/provider-http';
import { stripeHttp } from '../../../infra/http/stripe-http';
import { Unprocessable } from '../../../shared/errors';
import type { ValidCard } from '../card';
import type { CreateOptions, ProviderToken, TokenProvider } from '../token-provider';
import { answer, expectOk, last4Of, TOKEN_PROVIDER_UNAVAILABLE } from './provider-answers';

const NAME = 'Stripe';

export const stripePaymentMethod = z.object({
  id: answer.id,
  type: z.literal('card'),
  card: z.object({
    brand: answer.brand,
    last4: answer.last4,
    exp_month: answer.expMonth,
    exp_year: answer.expYear,
    fingerprint: answer.fingerprint.nullish(),
  }),
});

/** Stripe (and Stripe-compatible APIs) as the card vault: cards become PaymentMethods (pm_…). */
export class StripeTokenProvider implements TokenProvider {
  readonly name = 'stripe';
  private readonly http: ProviderHttp;

  constructor(options: Omit<ProviderHttpOptions, 'name' | 'headers' | 'unavailableCode' | 'encoding'> & { secretKey: string }) {
    const { secretKey, ...rest } = options;
    this.http = stripeHttp(rest, secretKey, TOKEN_PROVIDER_UNAVAILABLE);
  }

  async createFromCard(card: ValidCard, options: CreateOptions = {}): Promise<ProviderToken> {
    const body = { type: 'card', card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc } };
    const headers: Record<string, string> = options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {};
    const response = await this.http.request(
      { method: 'POST', path: '/v1/payment_methods', body, headers },
      options.idempotencyKey !== undefined,
    );
    return toProviderToken(expectOk(NAME, response, stripePaymentMethod));
  }

  /** Stripe takes Apple Pay and Google Pay through its own client SDKs, not as decrypted DPANs. */
  async createFromNetworkToken(): Promise<ProviderToken> {
    throw new Unprocessable('network_token_unsupported', 'The stripe token provider does not accept decrypted network tokens');
  }

  async retrieve(providerTokenId: string): Promise<ProviderToken | null> {
    const response = await this.http.request({ method: 'GET', path: `/v1/payment_methods/${encodeURIComponent(providerTokenId)}` });
    if (response.status === 404) return null;
    return toProviderToken(expectOk(NAME, response, stripePaymentMethod));
  }

  /** Detaching is Stripe's delete: the payment method can no longer be used. */
  async delete(providerTokenId: string): Promise<void> {
    const response = await this.http.request(
      { method: 'POST', path: `/v1/payment_methods/${encodeURIComponent(providerTokenId)}/detach`, body: {} },
      true, // detaching twice changes nothing
    );
    if (response.status !== 404) expectOk(NAME, response, z.unknown());
  }
}

function toProviderToken(pm: z.infer<typeof stripePaymentMethod>): ProviderToken {
  return {
    providerTokenId: pm.id,
    type: 'card',
    brand: pm.card.brand.toLowerCase(),
    last4: last4Of(pm.card.last4),
    expMonth: pm.card.exp_month,
    expYear: pm.card.exp_year,
    fingerprint: pm.card.fingerprint ?? null,
  };
}
