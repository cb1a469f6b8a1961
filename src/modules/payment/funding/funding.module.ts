import type { Config } from '../../../config/config';
import type { Database } from '../../../infra/db/database';
import type { Logger } from '../../../infra/logger';
import type { LedgerService } from '../../ledger/ledger.service';
import type { TokenModule } from '../../token/token.module';
import type { WalletRepository } from '../../wallet/wallet.repository';
import { createPaymentProcessor } from '../processor/processor.module';
import { SqlCardChargeRepository } from './adapters/sql-card-charge.repository';
import { CardFundingService } from './card-funding.service';
import { ChargeAndCredit } from './charge-and-credit';

export interface FundingModuleDeps {
  config: Config;
  db: Database;
  logger: Logger;
  ledger: LedgerService;
  wallets: WalletRepository;
  tokens: TokenModule;
}

/** The processor picked by PAYMENT_PROCESSOR and the services that charge cards into wallets. */
export function createFundingModule(deps: FundingModuleDeps) {
  const { config, db, logger, ledger, wallets, tokens } = deps;
  const processor = createPaymentProcessor(config, tokens.fingerprinter);
  const charges = new SqlCardChargeRepository(db);
  const chargeAndCredit = new ChargeAndCredit(processor, charges, ledger, logger);
  const cardFunding = new CardFundingService(wallets, tokens.service, charges, chargeAndCredit);
  return { processor, charges, chargeAndCredit, cardFunding };
}

export type FundingModule = ReturnType<typeof createFundingModule>;
