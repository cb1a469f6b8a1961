import type { Database } from '../../../infra/db/database';
import type { EncryptionKey } from '../../../infra/crypto/envelope';
import type { TokenService } from '../../token';
import type { WalletRepository } from '../../wallet';
import type { ApplePayService } from '../apple-pay/apple-pay.service';
import type { CardChargeRepository } from '../funding/card-charge.repository';
import type { ChargeAndCredit } from '../funding/charge-and-credit';
import type { GooglePayService } from '../google-pay/google-pay.service';
import type { PaymentMethod, PaymentSessionService } from '../session/payment-session.service';
import { SqlPaymentDataClaimRepository } from './adapters/sql-payment-data-claim.repository';
import { MobileFundingService, type WalletPaymentVerifier } from './mobile-funding.service';
import { PaymentDataFingerprinter } from './payment-data-fingerprint';

export interface MobileFundingDeps {
  applePay: ApplePayService;
  googlePay: GooglePayService;
  sessions: PaymentSessionService;
  wallets: WalletRepository;
  tokens: TokenService;
  charges: CardChargeRepository;
  chargeAndCredit: ChargeAndCredit;
  db: Database;
  /** Key material of the payment data fingerprints: TOKEN_FINGERPRINT_KEY, else the oldest ENCRYPTION_KEYS entry. */
  fingerprintKey: Buffer | undefined;
  encryptionKeys: readonly EncryptionKey[];
}

/** Each wallet's decrypted card becomes the same network token (DPAN, expiry, cryptogram, ECI). */
function verifiers(applePay: ApplePayService, googlePay: GooglePayService): Record<PaymentMethod, WalletPaymentVerifier> {
  const apple: WalletPaymentVerifier = {
    async verifyPayment(principal, sessionId, paymentData) {
      const { session, card } = await applePay.verifyPayment(principal, sessionId, paymentData);
      const { dpan, expMonth, expYear, cryptogram, eciIndicator: eci } = card;
      return { session, network: { wallet: 'apple_pay', dpan, expMonth, expYear, cryptogram, eci } };
    },
  };
  const google: WalletPaymentVerifier = {
    async verifyPayment(principal, sessionId, paymentData) {
      const { session, card } = await googlePay.verifyPayment(principal, sessionId, paymentData);
      const { pan: dpan, expMonth, expYear, cryptogram, eciIndicator: eci } = card;
      return { session, network: { wallet: 'google_pay', dpan, expMonth, expYear, cryptogram, eci } };
    },
  };
  return { apple_pay: apple, google_pay: google };
}

export function createMobileFundingService(deps: MobileFundingDeps): MobileFundingService {
  return new MobileFundingService(
    verifiers(deps.applePay, deps.googlePay),
    deps.sessions,
    deps.wallets,
    deps.tokens,
    deps.charges,
    deps.chargeAndCredit,
    new SqlPaymentDataClaimRepository(deps.db),
    PaymentDataFingerprinter.fromConfig(deps.fingerprintKey, deps.encryptionKeys),
  );
}
