import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import { SqlMerchantSigningKeyRepository } from './adapters/sql-merchant-signing-key.repository';
import { SqlMerchantRepository } from './adapters/sql-merchant.repository';
import { SqlUsedMandateRepository } from './adapters/sql-used-mandates.repository';
import type { UsedMandateRepository } from '../../protocols/ucp/ap2/checkout-mandate.repository';
import { CatalogService } from './catalog.service';
import type { MerchantRepository } from './merchant.repository';
import { MerchantSigningService } from './merchant-signing.service';
import { MerchantService, type MerchantCredentials, type MerchantWallets } from './merchant.service';

export interface MerchantModuleDeps {
  db: Database;
  /** The wallet module's service: its ownership check decides which wallets a merchant may bind. */
  wallets: MerchantWallets;
  /** The auth module's merchant API clients. */
  credentials: MerchantCredentials;
  /** PUBLIC_BASE_URL: the merchants' UCP endpoints are absolute URLs under it. */
  publicBaseUrl: string;
  /** Encrypts the merchants' AP2 signing keys. */
  encryptor: Encryptor;
}

/** Merchants, their catalogs and their AP2 signing keys on the SQL adapters. */
export function createMerchantModule(d: MerchantModuleDeps) {
  const repository: MerchantRepository = new SqlMerchantRepository(d.db);
  const merchants = new MerchantService(repository, d.wallets, d.credentials, d.publicBaseUrl.replace(/\/+$/, ''));
  const catalog = new CatalogService(repository);
  const signing = new MerchantSigningService(repository, new SqlMerchantSigningKeyRepository(d.db), d.encryptor);
  // The checkout mandates merchants accepted, for the AP2 verifier's single-use record.
  const usedMandates: UsedMandateRepository = new SqlUsedMandateRepository();
  return { merchants, catalog, signing, usedMandates };
}

export type MerchantModule = ReturnType<typeof createMerchantModule>;
