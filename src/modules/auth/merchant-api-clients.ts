import { newId, newSecret, sha256Hex } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import type { TransactionRunner } from '../../shared/transaction';
import type { MerchantApiClientRecord, MerchantCredentials } from '../merchant';
import type { ApiClient, AuthRepository } from './auth.repository';
import { MERCHANT_CLIENT_PERMISSIONS } from './permissions';
import type { TokenRevocations } from './token-revocations';

/** How many API clients a merchant's list shows; a merchant needs a handful. */
export const MERCHANT_API_CLIENTS_MAX = 100;

/**
 * A merchant's server-to-server credentials: ordinary API clients (the same `client_credentials`
 * exchange, the same revocation markers) recorded with the merchant they are bound to, granted the
 * merchant-scoped permissions only. The token carries the binding (`mer`), and the merchant module
 * lets such a token reach that merchant and no other. Callers check that the merchant is the caller's.
 */
export class MerchantApiClients implements MerchantCredentials {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: AuthRepository,
    private readonly logger: Logger,
    private readonly revocations?: TokenRevocations,
  ) {}

  /** The secret is returned once and stored only hashed. */
  async create(createdBy: string, merchantId: string, name: string): Promise<MerchantApiClientRecord & { clientSecret: string }> {
    const clientSecret = newSecret();
    const client = await this.repo.createApiClient({
      id: newId('cli'),
      clientId: newId('ci'),
      name,
      secretHash: sha256Hex(clientSecret),
      permissions: [...MERCHANT_CLIENT_PERMISSIONS],
      createdBy,
      merchantId,
    });
    this.logger.info('merchant api client created', { apiClientId: client.id, merchantId, createdBy });
    return { ...toView(client), clientSecret };
  }

  async list(merchantId: string): Promise<MerchantApiClientRecord[]> {
    return (await this.repo.listApiClientsOfMerchant(merchantId, MERCHANT_API_CLIENTS_MAX)).map(toView);
  }

  /**
   * Revokes a client of this merchant; its tokens already issued are denied before the commit, as
   * for the operators' clients. Returns false when the merchant has no such unrevoked client.
   */
  async revoke(merchantId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.repo.revokeApiClient(id, tx, merchantId))) return false;
      await this.revocations?.revokeClient(id);
      return true;
    });
  }
}

const toView = (c: ApiClient): MerchantApiClientRecord => ({
  id: c.id,
  clientId: c.clientId,
  name: c.name,
  permissions: c.permissions,
  createdAt: c.createdAt,
  revokedAt: c.revokedAt,
});
