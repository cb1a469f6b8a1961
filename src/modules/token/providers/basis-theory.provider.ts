import { z } from 'zod';
import { ProviderHttp, type ProviderHttpOptions } from '../../../infra/http/provider-http';
import { cardBrand, type ValidCard } from '../card';
import type {
  ApplePaySessionRequest,
  CreateOptions,
  MobileWallet,
  NetworkTokenData,
  ProviderToken,
  TokenProvider,
  TokenType,
} from '../token-provider';
import { answer, expectOk, last4Of, TOKEN_PROVIDER_UNAVAILABLE } from './provider-answers';

const NAME = 'Basis Theory';

const btToken = z.object({
  id: answer.id,
  data: z.object({
    number: z.string().min(4).max(32),
    expiration_month: answer.expMonth,
    expiration_year: answer.expYear,
  }),
  fingerprint: answer.fingerprint.nullish(),
  // What OCP wrote there at create; other keys are ignored.
  metadata: z.object({ ocp_type: z.enum(['card', 'apple_pay', 'google_pay']).optional(), brand: answer.brand.optional() }).nullish(),
  enrichments: z
    .object({ card_details: z.object({ brand: answer.brand }).partial().nullish() })
    .partial()
    .nullish(),
});

const btWalletToken = z.object({
  id: answer.id,
  card: z.object({
    last4: answer.last4,
    expiration_month: answer.expMonth,
    expiration_year: answer.expYear,
    brand: answer.brand.nullish(),
  }),
  fingerprint: answer.fingerprint.nullish(),
});

// Wallet tokens live under their own paths (/apple-pay/{id}); their ids carry that path's name.
const WALLET_PATHS: Record<MobileWallet, string> = { apple_pay: 'apple-pay', google_pay: 'google-pay' };

/**
 * Basis Theory over its REST API: card data and decrypted network tokens become tokens at
 * POST /tokens, encrypted Apple Pay / Google Pay payment data is decrypted by Basis Theory at
 * POST /apple-pay and /google-pay. Creates carry BT-IDEMPOTENCY-KEY, so a retried create after a
 * timeout returns the first token instead of making a second.
 */
export class BasisTheoryProvider implements TokenProvider {
  readonly name = 'basis_theory';
  private readonly http: ProviderHttp;

  constructor(options: Omit<ProviderHttpOptions, 'name' | 'headers' | 'unavailableCode'> & { apiKey: string }) {
    const { apiKey, ...rest } = options;
    this.http = new ProviderHttp({ ...rest, name: NAME, headers: { 'BT-API-KEY': apiKey }, unavailableCode: TOKEN_PROVIDER_UNAVAILABLE });
  }

  async createFromCard(card: ValidCard, options: CreateOptions = {}): Promise<ProviderToken> {
    const data = { number: card.number, expiration_month: card.expMonth, expiration_year: card.expYear, cvc: card.cvc };
    return this.createToken({ type: 'card', data, metadata: { ocp_type: 'card', brand: card.brand } }, options);
  }

  async createFromNetworkToken(token: NetworkTokenData, options: CreateOptions = {}): Promise<ProviderToken> {
    const number = token.dpan.replace(/\D/g, '');
    const data = {
      number,
      expiration_month: token.expMonth,
      expiration_year: token.expYear,
      cryptogram: token.cryptogram,
      eci: token.eci ?? null,
    };
    return this.createToken(
      {
        type: 'token',
        data,
        // A generic token shows only what this mask reveals; the cryptogram stays hidden.
        mask: {
          number: '{{ data.number | reveal_last: 4 }}',
          expiration_month: '{{ data.expiration_month }}',
          expiration_year: '{{ data.expiration_year }}',
        },
        metadata: { ocp_type: token.wallet, brand: cardBrand(number) },
      },
      options,
    );
  }

  async createFromWalletPaymentData(wallet: MobileWallet, paymentData: unknown, options: CreateOptions = {}): Promise<ProviderToken> {
    const path = WALLET_PATHS[wallet];
    const field = wallet === 'apple_pay' ? 'apple_payment_data' : 'google_payment_data';
    const response = await this.http.request(
      { method: 'POST', path: `/${path}`, body: { [field]: paymentData }, headers: idempotency(options) },
      options.idempotencyKey !== undefined,
    );
    const body = expectOk(NAME, response, z.union([z.object({ [wallet]: btWalletToken }), btWalletToken]));
    const token = (wallet in body ? (body as Record<string, unknown>)[wallet] : body) as z.infer<typeof btWalletToken>;
    return {
      providerTokenId: `${path}:${token.id}`,
      type: wallet,
      brand: token.card.brand ?? 'unknown',
      last4: last4Of(token.card.last4),
      expMonth: token.card.expiration_month,
      expYear: token.card.expiration_year,
      fingerprint: token.fingerprint ?? null,
    };
  }

  async createApplePaySession(request: ApplePaySessionRequest): Promise<unknown> {
    const body = { validation_url: request.validationUrl, display_name: request.displayName, domain: request.domain };
    const response = await this.http.request({ method: 'POST', path: '/apple-pay/session', body }, true);
    return expectOk(NAME, response, z.record(z.string(), z.unknown()));
  }

  async retrieve(providerTokenId: string): Promise<ProviderToken | null> {
    const { path, wallet } = pathOf(providerTokenId);
    const response = await this.http.request({ method: 'GET', path });
    if (response.status === 404) return null;
    if (wallet) {
      const token = expectOk(NAME, response, btWalletToken);
      return {
        providerTokenId,
        type: wallet,
        brand: token.card.brand ?? 'unknown',
        last4: last4Of(token.card.last4),
        expMonth: token.card.expiration_month,
        expYear: token.card.expiration_year,
        fingerprint: token.fingerprint ?? null,
      };
    }
    return toProviderToken(expectOk(NAME, response, btToken));
  }

  async delete(providerTokenId: string): Promise<void> {
    const response = await this.http.request({ method: 'DELETE', path: pathOf(providerTokenId).path });
    if (response.status !== 404) expectOk(NAME, response, z.unknown());
  }

  private async createToken(body: Record<string, unknown>, options: CreateOptions): Promise<ProviderToken> {
    const response = await this.http.request(
      { method: 'POST', path: '/tokens', body, headers: idempotency(options) },
      options.idempotencyKey !== undefined,
    );
    return toProviderToken(expectOk(NAME, response, btToken));
  }
}

function idempotency(options: CreateOptions): Record<string, string> {
  return options.idempotencyKey ? { 'BT-IDEMPOTENCY-KEY': options.idempotencyKey } : {};
}

function pathOf(providerTokenId: string): { path: string; wallet?: MobileWallet } {
  const [prefix, id] = providerTokenId.split(':', 2);
  const wallet = (Object.keys(WALLET_PATHS) as MobileWallet[]).find((w) => WALLET_PATHS[w] === prefix);
  return wallet && id
    ? { path: `/${prefix}/${encodeURIComponent(id)}`, wallet }
    : { path: `/tokens/${encodeURIComponent(providerTokenId)}` };
}

/**
 * The digits before any mask ("123456XXXXXX7890" → "123456"): a brand is told by a number's first
 * digits, and the last four of a masked number ("XXXXXXXXXXXX4444") would pass for them.
 */
function leadingDigits(number: string): string {
  return /^[\d -]*/.exec(number)![0].replace(/[ -]/g, '');
}

function toProviderToken(token: z.infer<typeof btToken>): ProviderToken {
  const type: TokenType = token.metadata?.ocp_type ?? 'card';
  const brand = token.metadata?.brand ?? token.enrichments?.card_details?.brand ?? cardBrand(leadingDigits(token.data.number));
  return {
    providerTokenId: token.id,
    type: ['card', 'apple_pay', 'google_pay'].includes(type) ? type : 'card',
    brand,
    last4: last4Of(token.data.number),
    expMonth: token.data.expiration_month,
    expYear: token.data.expiration_year,
    fingerprint: token.fingerprint ?? null,
  };
}
