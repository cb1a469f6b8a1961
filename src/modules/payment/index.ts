// The payment module's public surface (Apple Pay, Google Pay, card funding, auto top-up, mobile
// funding, payment sessions): the container builds it, the app mounts its routes. The processors,
// decryptors and SQL adapters are private to the module.
export { createApplePayService } from './apple-pay/apple-pay.module';
export { applePayRoutes } from './apple-pay/apple-pay.routes';
export type { ApplePayService } from './apple-pay/apple-pay.service';
export type { MerchantValidator } from './apple-pay/merchant-validation';
export { createGooglePayService } from './google-pay/google-pay.module';
export { googlePayRoutes } from './google-pay/google-pay.routes';
export type { GooglePayService } from './google-pay/google-pay.service';
export { createFundingModule } from './funding/funding.module';
export { fundingRoutes } from './funding/funding.routes';
export type { CardFundingService } from './funding/card-funding.service';
export { autoTopUpRoutes } from './funding/auto-top-up.routes';
export type { AutoTopUpService } from './funding/auto-top-up.service';
export { createMobileFundingService } from './mobile-funding/mobile-funding.module';
export { mobileFundingRoutes } from './mobile-funding/mobile-funding.routes';
export type { MobileFundingService } from './mobile-funding/mobile-funding.service';
export { PaymentSessionService } from './session/payment-session.service';
// Reconciliation of processor settlement files; other modules plug their records in as a SettlementRecordSource.
export { createReconciliationModule, type ReconciliationModule } from './reconciliation/reconciliation.module';
export { reconciliationRoutes } from './reconciliation/reconciliation.routes';
export type { ReconciliationService } from './reconciliation/reconciliation.service';
export { RECONCILIATION_MISMATCHED } from './reconciliation/reconciliation.service';
export type { SettlementRecordSource, SettledRecord, SettledCursor, SettlementKind } from './reconciliation/settlement-record-sources';
export { createPayoutModule, type PayoutModule } from './payouts/payout.module';
export { payoutRoutes } from './payouts/payout.routes';
export type { PayoutService } from './payouts/payout.service';
export type { Payout, PayoutStatus } from './payouts/payout.repository';
