import type { ValidCard } from './card';

export type TokenType = 'card' | 'apple_pay' | 'google_pay';
export type MobileWallet = 'apple_pay' | 'google_pay';

/**
 * A network token from a decrypted Apple Pay / Google Pay payment: the device account number
 * (DPAN), its expiry and the one-time cryptogram. As sensitive as a card number.
 */
export interface NetworkTokenData {
  wallet: MobileWallet;
  dpan: string;
  expMonth: number;
  expYear: number;
  /** Absent for a Google Pay PAN_ONLY card (no device token, so no cryptogram). */
  cryptogram?: string;
  eci?: string;
}

/** What a provider tells about a token: never the number, only what may be shown and stored. */
export interface ProviderToken {
  providerTokenId: string;
  type: TokenType;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  /** Same card, same fingerprint (within one provider); null when the provider gives none. */
  fingerprint: string | null;
}

export interface CreateOptions {
  /** Sent to providers that deduplicate creates, so a retried request makes one token. */
  idempotencyKey?: string;
}

export interface ApplePaySessionRequest {
  validationUrl: string;
  displayName: string;
  domain: string;
}

/**
 * Where card data goes to be tokenized. OCP keeps the provider's token id and the non-sensitive
 * view; the card data itself stays with the provider. Picked by TOKEN_PROVIDER.
 *
 * Errors every method may throw: token_provider_unavailable (503) when the provider cannot be
 * reached or answers 5xx after retries; token_provider_rejected (422) when it refuses the data.
 */
export interface TokenProvider {
  readonly name: string;
  createFromCard(card: ValidCard, options?: CreateOptions): Promise<ProviderToken>;
  /** Tokenizes already-decrypted mobile-wallet data (OCP decrypted the payment token itself). */
  createFromNetworkToken(data: NetworkTokenData, options?: CreateOptions): Promise<ProviderToken>;
  /**
   * Hands the still-encrypted Apple Pay / Google Pay payment token to a provider that decrypts it
   * (Basis Theory). Absent on providers that cannot.
   */
  createFromWalletPaymentData?(wallet: MobileWallet, paymentData: unknown, options?: CreateOptions): Promise<ProviderToken>;
  /** Apple Pay merchant validation through the provider's merchant identity (Basis Theory). */
  createApplePaySession?(request: ApplePaySessionRequest): Promise<unknown>;
  /** The non-sensitive view, or null when the provider does not know the token (any more). */
  retrieve(providerTokenId: string): Promise<ProviderToken | null>;
  /** Deleting a token that is already gone is not an error. */
  delete(providerTokenId: string): Promise<void>;
}
