import type { Principal } from '../../../shared/principal';
import { minorToDecimal } from '../../../shared/money/money';
import type { Configured } from '../configured';
import { PaymentMethodNotConfigured } from '../payment-data.errors';
import type { NewPaymentSession, PaymentSession, PaymentSessionService } from '../session/payment-session.service';
import type { ApplePayCard, ApplePayDecryptor } from './apple-pay-decryptor';
import type { MerchantValidator } from './merchant-validation';

export interface ApplePaySettings {
  merchantId: Configured<string>;
  displayName: string;
  countryCode: string;
  supportedNetworks: string[];
  /** Validation needs the merchant identity certificate and the domain the payment sheet runs on. */
  validation: Configured<{ validator: MerchantValidator; domain: string }>;
  decryptor: Configured<ApplePayDecryptor>;
}

/** What the client passes to `new ApplePaySession(version, paymentRequest)`. */
export interface ApplePayPaymentRequest {
  merchantIdentifier: string;
  countryCode: string;
  currencyCode: string;
  supportedNetworks: string[];
  merchantCapabilities: string[];
  total: { label: string; amount: string; type: 'final' };
}

const METHOD = 'apple_pay';

/** The Apple Pay flow up to the charge: session, merchant validation, verified payment data. */
export class ApplePayService {
  constructor(
    private readonly settings: ApplePaySettings,
    private readonly sessions: PaymentSessionService,
  ) {}

  /**
   * Opens a payment session and returns the payment request for the Apple Pay sheet.
   * Errors: payment_method_not_configured (503), wallet_not_found (404), wallet_not_active (409), currency_mismatch (400).
   */
  async init(principal: Principal, input: NewPaymentSession): Promise<{ session: PaymentSession; paymentRequest: ApplePayPaymentRequest }> {
    const merchantId = required(this.settings.merchantId);
    const session = await this.sessions.create(principal, METHOD, input);
    return {
      session,
      paymentRequest: {
        merchantIdentifier: merchantId,
        countryCode: this.settings.countryCode,
        currencyCode: session.currency,
        supportedNetworks: this.settings.supportedNetworks,
        merchantCapabilities: ['supports3DS'],
        total: { label: this.settings.displayName, amount: minorToDecimal(session.amount, session.currency), type: 'final' },
      },
    };
  }

  /**
   * Asks Apple for a merchant session for the sheet of a live session of this caller.
   * Errors: payment_method_not_configured (503), payment_session_not_found (404), payment_session_used (409),
   * validation_url_not_allowed (400), apple_pay_validation_failed (503).
   */
  async validateMerchant(principal: Principal, sessionId: string, validationUrl: string): Promise<unknown> {
    const merchantId = required(this.settings.merchantId);
    const { validator, domain } = required(this.settings.validation);
    await this.sessions.get(principal, METHOD, sessionId);
    return validator.validate(validationUrl, {
      merchantIdentifier: merchantId,
      displayName: this.settings.displayName,
      initiative: 'web',
      initiativeContext: domain,
    });
  }

  /**
   * Verifies and decrypts the payment data, checks it against the session, then claims the session
   * (single use, one winner among concurrent replays). Refused payment data leaves the session usable.
   * Returns the card for the token provider and processor: keep it out of logs and storage.
   * Errors: payment_method_not_configured (503), payment_session_not_found (404), payment_session_used (409),
   * payment_session_mismatch (422), payment_data_* (422).
   */
  async verifyPayment(
    principal: Principal,
    sessionId: string,
    paymentData: unknown,
  ): Promise<{ session: PaymentSession; card: ApplePayCard }> {
    const decryptor = required(this.settings.decryptor);
    const session = await this.sessions.get(principal, METHOD, sessionId);
    const card = decryptor.decrypt(paymentData);
    // Apple states the amount and currency it was signed for: both must be the session's.
    const claimed = await this.sessions.claim(principal, METHOD, session.id, {
      amount: card.amountMinor,
      currency: card.currency ?? 'unsupported',
    });
    return { session: claimed, card };
  }
}

function required<T>(value: Configured<T>): T {
  if (value.missing !== undefined) throw new PaymentMethodNotConfigured('Apple Pay', value.missing);
  return value.value;
}
