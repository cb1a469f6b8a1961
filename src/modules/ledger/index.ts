// The ledger module's public surface: what other modules, the container, the app and the scripts
// may use. The SQL adapters, the posting queue and the event builder are private to the module.
export { createBalanceHistoryService, createLedgerService, createLedgerVerifier } from './ledger.module';
export { balanceHistoryRoutes } from './balance-history.routes';
export type { BalanceHistoryService } from './balance-history.service';
export { LEDGER_CHECK_NAMES } from './ledger-verifier';
export { ledgerRoutes } from './ledger.routes';
export { createHoldService } from './holds/hold.module';
export { holdRoutes } from './holds/hold.routes';
export type { HoldService } from './holds/hold.service';
export type { LedgerService } from './ledger.service';
export type {
  ExternalRefund,
  ExternalRefundHandler,
  HeldForReview,
  InTransaction,
  Movement,
  MovementScreen,
  ScreenVerdict,
  PostVerdict,
  PostedTransfer,
  TransferPosted,
} from './ledger.types';
export type { LedgerEntry, Transfer, TransferStatus } from './ledger.repository';
// Shapes other modules' routes reuse so a posted transfer and a transfer read the same everywhere.
export {
  adjustmentBody,
  transferBody,
  postedTransferView,
  toPostedTransferView,
  toTransactionView,
  toTransferView,
  transferView,
  TRANSFER_STATUSES,
} from './ledger.schemas';
