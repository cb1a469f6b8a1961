import type { Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import type { EventBus } from '../../shared/events';
import type { Outbox } from '../../shared/outbox';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { SqlWalletRepository } from './adapters/sql-wallet.repository';
import { WalletDirectory } from './wallet-directory';
import type { WalletRepository } from './wallet.repository';
import { WalletService } from './wallet.service';

export interface WalletModuleDeps {
  db: Database;
  cache: Cache;
  outbox: Outbox;
  events: EventBus;
  /** Each tenant's allowed currencies. */
  tenants: Pick<TenantConfiguration, 'settingsOf'>;
}

/**
 * Wallets on the SQL adapter. The repository and directory are handed on (typed as their ports)
 * to the ledger and payment modules, which read wallets inside their own transactions.
 */
export function createWalletModule(d: WalletModuleDeps) {
  const repository: WalletRepository = new SqlWalletRepository(d.db);
  const directory = new WalletDirectory(repository, d.cache);
  const service = new WalletService(d.db, repository, directory, d.outbox, d.events, d.tenants);
  return { repository, directory, service };
}
