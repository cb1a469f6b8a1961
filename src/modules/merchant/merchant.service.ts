import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { Conflict, NotFound, Unprocessable } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { assertMerchantAccess, assertMerchantOwner } from './merchant-access';
import type { Merchant, MerchantChanges, MerchantRepository } from './merchant.repository';

/** How many merchants one user may run. */
export const MERCHANTS_PER_OWNER_MAX = 20;
/** How many unrevoked API clients one merchant may hold at once. */
export const MERCHANT_API_CLIENTS_ACTIVE_MAX = 10;

/** What the merchant module needs of a wallet, read through the wallet module's service (its ownership check included). */
export interface MerchantWallets {
  /** Errors: wallet_not_found (404), also for someone else's wallet or a system wallet. */
  get(principal: Principal, id: string): Promise<{ id: string; currency: string; status: string }>;
}

export interface MerchantApiClientRecord {
  id: string;
  clientId: string;
  name: string;
  permissions: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

/** A merchant's API credentials, kept by the auth module's API clients (the same token exchange). */
export interface MerchantCredentials {
  create(createdBy: string, merchantId: string, name: string): Promise<MerchantApiClientRecord & { clientSecret: string }>;
  list(merchantId: string): Promise<MerchantApiClientRecord[]>;
  /** False when the merchant has no such unrevoked client. */
  revoke(merchantId: string, id: string): Promise<boolean>;
}

export interface PublicMerchant extends Merchant {
  /** Where the merchant's UCP business endpoint is served (absolute, from PUBLIC_BASE_URL). */
  ucpEndpoint: string;
}

export function toPublicMerchant(merchant: Merchant, publicBaseUrl: string): PublicMerchant {
  return { ...merchant, ucpEndpoint: `${publicBaseUrl}/ucp/${merchant.id}` };
}

/** Users becoming merchants, and the merchants' API credentials. The catalog is CatalogService's. */
export class MerchantService {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly wallets: MerchantWallets,
    private readonly credentials: MerchantCredentials,
    private readonly publicBaseUrl: string,
  ) {}

  /**
   * Binds one of the caller's active wallets; the merchant takes its currency.
   * Errors: wallet_not_found (404, also for someone else's or a system wallet), wallet_not_active (409), merchant_limit (422).
   */
  async create(principal: Principal, input: { walletId: string; displayName: string }): Promise<PublicMerchant> {
    const wallet = await this.wallets.get(principal, input.walletId);
    if (wallet.status !== 'active') {
      throw new Conflict('wallet_not_active', 'A merchant needs an active wallet to be paid into', { status: wallet.status });
    }
    // A bound against runaway creation, not an invariant: two creates at the same moment may both pass.
    if ((await this.merchants.countByOwner(principal.sub)) >= MERCHANTS_PER_OWNER_MAX) {
      throw new Unprocessable('merchant_limit', 'The account already runs the most merchants allowed', { max: MERCHANTS_PER_OWNER_MAX });
    }
    const merchant = await this.merchants.insert({
      id: newId('mer'),
      ownerId: principal.sub,
      walletId: wallet.id,
      currency: wallet.currency,
      displayName: input.displayName,
    });
    return this.toPublic(merchant);
  }

  /** The caller's merchants, newest first; for a merchant's API client, its one merchant. */
  async list(principal: Principal, limit: number, after?: Cursor): Promise<Page<PublicMerchant>> {
    if (principal.merchantId !== undefined) {
      const own = await this.merchants.findById(principal.merchantId);
      return { data: own && !after ? [this.toPublic(own)] : [], nextCursor: null };
    }
    const page = toPage(await this.merchants.listByOwner(principal.sub, limit, after), limit);
    return { data: page.data.map((m) => this.toPublic(m)), nextCursor: page.nextCursor };
  }

  /** Errors: merchant_not_found (404), also for someone else's merchant. */
  async get(principal: Principal, id: string): Promise<PublicMerchant> {
    return this.toPublic(assertMerchantAccess(principal, await this.merchants.findById(id)));
  }

  /** The wallet and currency a merchant is paid in, for payments to it (no caller: the payer is not its owner). */
  async payee(id: string): Promise<{ id: string; walletId: string; currency: string } | null> {
    const merchant = await this.merchants.findById(id);
    return merchant ? { id: merchant.id, walletId: merchant.walletId, currency: merchant.currency } : null;
  }

  /** The display name, the tax rate or the terms URL (owner only). Errors: merchant_not_found (404). */
  async update(principal: Principal, id: string, changes: MerchantChanges): Promise<PublicMerchant> {
    assertMerchantOwner(principal, await this.merchants.findById(id));
    const updated = await this.merchants.update(id, changes);
    return this.toPublic(assertMerchantOwner(principal, updated));
  }

  /** The secret is in the result only, once. Errors: merchant_not_found (404), merchant_limit (422). */
  async createApiClient(principal: Principal, id: string, name: string) {
    const merchant = assertMerchantOwner(principal, await this.merchants.findById(id));
    const active = (await this.credentials.list(merchant.id)).filter((c) => c.revokedAt === null);
    if (active.length >= MERCHANT_API_CLIENTS_ACTIVE_MAX) {
      throw new Unprocessable('merchant_limit', 'The merchant already has the most API clients allowed; revoke one first', {
        max: MERCHANT_API_CLIENTS_ACTIVE_MAX,
      });
    }
    return this.credentials.create(principal.sub, merchant.id, name);
  }

  /** Errors: merchant_not_found (404). */
  async listApiClients(principal: Principal, id: string): Promise<MerchantApiClientRecord[]> {
    const merchant = assertMerchantOwner(principal, await this.merchants.findById(id));
    return this.credentials.list(merchant.id);
  }

  /** Tokens the client holds are refused at once. Errors: merchant_not_found, merchant_api_client_not_found (404). */
  async revokeApiClient(principal: Principal, id: string, clientId: string): Promise<void> {
    const merchant = assertMerchantOwner(principal, await this.merchants.findById(id));
    if (!(await this.credentials.revoke(merchant.id, clientId))) {
      throw new NotFound('API client not found', 'merchant_api_client_not_found');
    }
  }

  private toPublic(merchant: Merchant): PublicMerchant {
    return toPublicMerchant(merchant, this.publicBaseUrl);
  }
}
