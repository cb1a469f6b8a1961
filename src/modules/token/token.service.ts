import { newId } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import { NotFound, Unprocessable } from '../../shared/errors';
import { notExpired, validateCard, type CardInput } from './card';
import type { PaymentToken, TokenRepository } from './token.repository';
import type { MobileWallet, NetworkTokenData, ProviderToken, TokenProvider } from './token-provider';

export type TokenValidity = { valid: true } | { valid: false; reason: 'expired' | 'unknown_to_provider' };

/**
 * Tokenization: card data goes to the configured provider, OCP keeps an owner-scoped record with
 * the non-sensitive view. Nothing here logs or returns card data.
 */
export class TokenService {
  constructor(
    private readonly provider: TokenProvider,
    private readonly tokens: TokenRepository,
    private readonly logger: Logger,
  ) {}

  get providerName(): string {
    return this.provider.name;
  }

  /**
   * Validates (Luhn, expiry, CVC) and tokenizes a card for ownerId.
   * Errors: invalid_card (400), token_provider_rejected (422), token_provider_unavailable (503).
   */
  async createFromCard(ownerId: string, input: CardInput): Promise<PaymentToken> {
    const card = validateCard(input);
    return this.record(ownerId, await this.provider.createFromCard(card, { idempotencyKey: newId('idk') }));
  }

  /** Tokenizes decrypted Apple Pay / Google Pay data (DPAN + cryptogram). Errors as createFromCard. */
  async createFromNetworkToken(ownerId: string, data: NetworkTokenData): Promise<PaymentToken> {
    return this.record(ownerId, await this.provider.createFromNetworkToken(data, { idempotencyKey: newId('idk') }));
  }

  /** True when the provider decrypts mobile-wallet payment tokens itself (Basis Theory). */
  get decryptsWalletPaymentData(): boolean {
    return typeof this.provider.createFromWalletPaymentData === 'function';
  }

  /**
   * Hands an encrypted Apple Pay / Google Pay payment token to a provider that decrypts it.
   * Errors: wallet_decryption_unsupported (422) with other providers, and those of createFromCard.
   */
  async createFromWalletPaymentData(ownerId: string, wallet: MobileWallet, paymentData: unknown): Promise<PaymentToken> {
    if (!this.provider.createFromWalletPaymentData) {
      throw new Unprocessable('wallet_decryption_unsupported', `The ${this.provider.name} token provider does not decrypt ${wallet} data`);
    }
    const created = await this.provider.createFromWalletPaymentData(wallet, paymentData, { idempotencyKey: newId('idk') });
    return this.record(ownerId, created);
  }

  /** Errors: token_not_found (404), also for another owner's token. */
  async get(ownerId: string, id: string): Promise<PaymentToken> {
    const token = await this.tokens.findById(id);
    if (!token || token.ownerId !== ownerId) throw new NotFound('Token not found', 'token_not_found');
    return token;
  }

  /** A token that one of ownerIds owns, or null (never says whether someone else owns it). */
  async findOwnedByAny(ownerIds: readonly string[], id: string): Promise<PaymentToken | null> {
    const token = await this.tokens.findById(id);
    return token && ownerIds.includes(token.ownerId) ? token : null;
  }

  /**
   * Any owner's token, for system jobs finishing a charge already recorded with it (the charge's
   * request checked ownership). Never for a caller's request: use get / findOwnedByAny.
   */
  async findForRecordedCharge(id: string): Promise<PaymentToken | null> {
    return this.tokens.findById(id);
  }

  /** Usable for a charge: not expired, and the provider still holds it. Errors: token_provider_unavailable (503). */
  async validate(token: PaymentToken, now = new Date()): Promise<TokenValidity> {
    if (!notExpired(token.expMonth, token.expYear, now)) return { valid: false, reason: 'expired' };
    const held = await this.provider.retrieve(token.providerTokenId);
    return held ? { valid: true } : { valid: false, reason: 'unknown_to_provider' };
  }

  /** Deletes at the provider, then OCP's record. Errors: token_not_found (404), token_provider_unavailable (503). */
  async delete(ownerId: string, id: string): Promise<void> {
    const token = await this.get(ownerId, id);
    await this.provider.delete(token.providerTokenId);
    await this.tokens.deleteOwned(ownerId, id);
    this.logger.info('payment token deleted', { tokenId: id, ownerId, provider: token.provider });
  }

  private async record(ownerId: string, created: ProviderToken): Promise<PaymentToken> {
    const token = await this.tokens.insert({
      id: newId('tok'),
      ownerId,
      provider: this.provider.name,
      providerTokenId: created.providerTokenId,
      type: created.type,
      brand: created.brand,
      last4: created.last4,
      expMonth: created.expMonth,
      expYear: created.expYear,
      fingerprint: created.fingerprint,
    });
    this.logger.info('payment token created', { tokenId: token.id, ownerId, provider: token.provider, type: token.type });
    return token;
  }
}
