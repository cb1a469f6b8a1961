import type { Database } from '../../infra/db/database';
import { SqlMerchantRepository } from './adapters/sql-merchant.repository';
import { CatalogService } from './catalog.service';
import type { MerchantRepository } from './merchant.repository';
import { MerchantService, type MerchantCredentials, type MerchantWallets } from './merchant.service';

export interface MerchantModuleDeps {
  db: Database;
  /** The wallet module's service: its ownership check decides which wallets a merchant may bind. */
  wallets: MerchantWallets;
  /** The auth module's merchant API clients. */
  credentials: MerchantCredentials;
  /** PUBLIC_BASE_URL: the merchants' UCP endpoints are absolute URLs under it. */
  publicBaseUrl: string;
}

/** Merchants and their catalogs on the SQL adapter. */
export function createMerchantModule(d: MerchantModuleDeps) {
  const repository: MerchantRepository = new SqlMerchantRepository(d.db);
  const merchants = new MerchantService(repository, d.wallets, d.credentials, d.publicBaseUrl.replace(/\/+$/, ''));
  const catalog = new CatalogService(repository);
  return { merchants, catalog };
}

export type MerchantModule = ReturnType<typeof createMerchantModule>;
