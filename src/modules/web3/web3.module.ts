import type { Config } from '../../config/config';
import { inEachTenant } from '../../infra/db/each-tenant';
import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics';
import { Periodic } from '../../infra/periodic';
import type { EventBus } from '../../shared/events';
import type { Outbox } from '../../shared/outbox';
import { EthersRpc } from './adapters/ethers-rpc';
import { SqlEip3009SettlementRepository } from './adapters/sql-eip3009-settlement.repository';
import { SqlVaultKeyStore } from './adapters/sql-vault-key.store';
import { SqlWeb3Repository } from './adapters/sql-web3.repository';
import { ChainRegistry } from './chain-registry';
import { Eip3009SettlementService } from './eip3009-settlement.service';
import { Eip3009SigningService } from './eip3009-signing.service';
import { SendWatcher } from './send-watcher';
import { KeyVault } from './vault/key-vault';
import { Web3SendService } from './web3-send.service';
import { Web3WalletService } from './web3-wallet.service';
import { registerWeb3Metrics } from './web3.metrics';

const WATCHER_BATCH_SIZE = 100;
/** How long a settlement waits for its receipt before answering "pending" (the reconciler finishes it). */
const SETTLEMENT_RECEIPT_WAIT_MS = 30_000;

/**
 * Builds the web3 module for the composition root: one RPC client per WEB3_CHAINS entry, the vault,
 * the services behind the routes, and the receipt watcher (started by the container when
 * WEB3_WATCHER_INTERVAL_MS > 0 and a chain is configured), and its gauges on /metrics.
 */
export function createWeb3Module(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  encryptor: Encryptor;
  outbox: Outbox;
  events: EventBus;
}) {
  const { config, db, logger, metrics, encryptor, outbox, events } = deps;
  const chains = new ChainRegistry(
    config.WEB3_CHAINS,
    (s) => new EthersRpc(s.chainId, s.rpcUrl, config.WEB3_RPC_TIMEOUT_MS, config.WEB3_RPC_RESPONSE_BYTES_MAX),
  );
  const repo = new SqlWeb3Repository(db);
  const vault = new KeyVault(encryptor, new SqlVaultKeyStore(db));
  const settlements = new Eip3009SettlementService(
    db,
    repo,
    new SqlEip3009SettlementRepository(db),
    vault,
    chains,
    SETTLEMENT_RECEIPT_WAIT_MS,
  );
  const reconciler = new Periodic(
    'eip3009 settlement reconcile',
    () => inEachTenant(db, () => settlements.reconcile().then(() => false)),
    logger,
  );
  const watcher = new SendWatcher(db, repo, chains, outbox, events, logger, WATCHER_BATCH_SIZE, (pass) => inEachTenant(db, pass));
  registerWeb3Metrics({ metrics, repo, chainIds: chains.all().map((c) => c.id), logger });
  return {
    chains,
    wallets: new Web3WalletService(db, repo, vault, chains),
    sends: new Web3SendService(db, repo, vault, chains, outbox, events),
    settlements,
    authorizations: new Eip3009SigningService(repo, vault, chains),
    watcher,
    start() {
      if (config.WEB3_WATCHER_INTERVAL_MS > 0 && chains.configured) watcher.start(config.WEB3_WATCHER_INTERVAL_MS);
      // At once, then with the watcher: settlements a stopped process (or a lost broadcast) left
      // signed but unfinished are broadcast again or read back from their receipt.
      if (config.WEB3_WATCHER_INTERVAL_MS > 0 && chains.configured) reconciler.start(config.WEB3_WATCHER_INTERVAL_MS, 0);
    },
    async close() {
      await reconciler.stop();
      await watcher.stop();
      chains.close();
    },
  };
}

export type Web3Module = ReturnType<typeof createWeb3Module>;
