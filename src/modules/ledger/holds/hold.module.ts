import type { Database } from '../../../infra/db/database';
import type { EventBus } from '../../../shared/events';
import type { Outbox } from '../../../shared/outbox';
import type { WalletDirectory } from '../../wallet';
import type { LedgerService } from '../ledger.service';
import { SqlHoldRepository } from './adapters/sql-hold.repository';
import { HoldService } from './hold.service';

export interface HoldModuleDeps {
  db: Database;
  /** Captures are posted by the ledger, as transfers of type hold_capture. */
  ledger: LedgerService;
  wallets: { directory: WalletDirectory };
  outbox: Outbox;
  events: EventBus;
}

/** Holds on the SQL adapter. */
export function createHoldService(d: HoldModuleDeps): HoldService {
  return new HoldService(d.db, new SqlHoldRepository(d.db), d.ledger, d.wallets.directory, d.outbox, d.events);
}
