import { AppError, Unprocessable } from '../../shared/errors';

/**
 * Why a mobile-wallet token (Apple Pay EC_v1, Google Pay ECv2) was refused. The message names the
 * failed check only: never a key, a certificate's content or anything that was decrypted.
 */
export type PaymentDataRejection =
  | 'payment_data_malformed'
  | 'payment_data_signature_invalid'
  | 'payment_data_certificate_invalid'
  | 'payment_data_expired'
  | 'payment_data_unknown_key'
  | 'payment_data_decryption_failed';

export class PaymentDataRejected extends Unprocessable {
  constructor(code: PaymentDataRejection, message: string) {
    super(code, message);
  }
}

/** A payment method whose settings are missing answers 503 and names the setting to set. */
export class PaymentMethodNotConfigured extends AppError {
  constructor(method: 'Apple Pay' | 'Google Pay', setting: string) {
    super('unavailable', 'payment_method_not_configured', `${method} is not configured: set ${setting}`, { setting });
  }
}
