import { newId } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import { currentTenantId } from '../../infra/tenant-scope';
import { NotFound, Unprocessable } from '../../shared/errors';
import { notExpired, validateCard, type CardInput } from './card';
import type { PaymentToken, TokenRepository } from './token.repository';
import type { TokenProviderChoice } from './tenant-token-providers';
import type { MobileWallet, NetworkTokenData, ProviderToken, TokenProvider } from './token-provider';

export type TokenValidity = { valid: true } | { valid: false; reason: 'expired' | 'unknown_to_provider' };

/**
 * Tokenization: card data goes to the tenant's provider, OCP keeps an owner-scoped record with
 * the non-sensitive view. Nothing here logs or returns card data.
 */
export class TokenService {
  constructor(
    private readonly providers: TokenProviderChoice,
    private readonly tokens: TokenRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Validates (Luhn, expiry, CVC) and tokenizes a card for ownerId.
   * Errors: invalid_card (400), token_provider_rejected (422), token_provider_unavailable (503),
   * processor_not_configured (503) when the tenant chose Stripe without setting its key.
   */
  async createFromCard(ownerId: string, input: CardInput): Promise<PaymentToken> {
    const card = validateCard(input);
    const provider = await this.providers.current();
    return this.record(ownerId, provider, await provider.createFromCard(card, { idempotencyKey: newId('idk') }));
  }

  /** Tokenizes decrypted Apple Pay / Google Pay data (DPAN + cryptogram). Errors as createFromCard. */
  async createFromNetworkToken(ownerId: string, data: NetworkTokenData): Promise<PaymentToken> {
    const provider = await this.providers.current();
    return this.record(ownerId, provider, await provider.createFromNetworkToken(data, { idempotencyKey: newId('idk') }));
  }

  /** True when the tenant's provider decrypts mobile-wallet payment tokens itself (Basis Theory). */
  async decryptsWalletPaymentData(): Promise<boolean> {
    return typeof (await this.providers.current()).createFromWalletPaymentData === 'function';
  }

  /**
   * Hands an encrypted Apple Pay / Google Pay payment token to a provider that decrypts it.
   * Errors: wallet_decryption_unsupported (422) with other providers, and those of createFromCard.
   */
  async createFromWalletPaymentData(ownerId: string, wallet: MobileWallet, paymentData: unknown): Promise<PaymentToken> {
    const provider = await this.providers.current();
    if (!provider.createFromWalletPaymentData) {
      throw new Unprocessable('wallet_decryption_unsupported', `The ${provider.name} token provider does not decrypt ${wallet} data`);
    }
    const created = await provider.createFromWalletPaymentData(wallet, paymentData, { idempotencyKey: newId('idk') });
    return this.record(ownerId, provider, created);
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

  /**
   * Usable for a charge: not expired, and the provider that made it still holds it (a tenant that
   * has since moved to another provider no longer has it). Errors: token_provider_unavailable (503),
   * processor_not_configured (503).
   */
  async validate(token: PaymentToken, now = new Date()): Promise<TokenValidity> {
    if (!notExpired(token.expMonth, token.expYear, now)) return { valid: false, reason: 'expired' };
    const provider = await this.holderOf(token);
    const held = provider && (await provider.retrieve(token.providerTokenId));
    return held ? { valid: true } : { valid: false, reason: 'unknown_to_provider' };
  }

  /**
   * Deletes at the provider that holds it, then OCP's record (only the record when the tenant no
   * longer has that provider). Errors: token_not_found (404), token_provider_unavailable (503).
   */
  async delete(ownerId: string, id: string): Promise<void> {
    const token = await this.get(ownerId, id);
    const provider = await this.holderOf(token);
    if (provider) await provider.delete(token.providerTokenId);
    else
      this.logger.warn("payment token deleted in OCP only: its provider is no longer the tenant's", {
        tokenId: id,
        provider: token.provider,
      });
    await this.tokens.deleteOwned(ownerId, id);
    this.logger.info('payment token deleted', { tokenId: id, ownerId, provider: token.provider });
  }

  /** Tokens are read in their tenant's scope, so the current tenant is the token's. */
  private holderOf(token: PaymentToken): Promise<TokenProvider | undefined> {
    return this.providers.named(currentTenantId(), token.provider);
  }

  private async record(ownerId: string, provider: TokenProvider, created: ProviderToken): Promise<PaymentToken> {
    const token = await this.tokens.insert({
      id: newId('tok'),
      ownerId,
      provider: provider.name,
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
