import type { Principal } from '../../../shared/principal';
import { minorToDecimal } from '../../../shared/money/money';
import type { Configured } from '../configured';
import { PaymentMethodNotConfigured } from '../payment-data.errors';
import type { NewPaymentSession, PaymentSession, PaymentSessionService } from '../session/payment-session.service';
import type { GooglePayCard, GooglePayDecryptor } from './google-pay-decryptor';

export interface GooglePaySettings {
  merchantId: Configured<string>;
  merchantName: string;
  environment: 'TEST' | 'PRODUCTION';
  countryCode: string;
  allowedCardNetworks: string[];
  /** The merchant's ECv2 keys: the public one goes in the request, the private ones decrypt. */
  keys: Configured<GooglePayDecryptor>;
  /** Decryption also needs Google's root signing keys. */
  decryptor: Configured<GooglePayDecryptor>;
}

/** Google Pay API PaymentDataRequest (apiVersion 2) for DIRECT tokenization with ECv2. */
export interface GooglePayPaymentDataRequest {
  apiVersion: 2;
  apiVersionMinor: 0;
  merchantInfo: { merchantId: string; merchantName: string };
  allowedPaymentMethods: {
    type: 'CARD';
    parameters: { allowedAuthMethods: string[]; allowedCardNetworks: string[] };
    tokenizationSpecification: { type: 'DIRECT'; parameters: { protocolVersion: 'ECv2'; publicKey: string } };
  }[];
  transactionInfo: { totalPriceStatus: 'FINAL'; totalPrice: string; currencyCode: string; countryCode: string };
}

const METHOD = 'google_pay';

/** The Google Pay flow up to the charge: session, PaymentDataRequest, verified payment data. */
export class GooglePayService {
  constructor(
    private readonly settings: GooglePaySettings,
    private readonly sessions: PaymentSessionService,
  ) {}

  /**
   * Opens a payment session and returns the PaymentDataRequest for the Google Pay button.
   * Errors: payment_method_not_configured (503), wallet_not_found (404), wallet_not_active (409), currency_mismatch (400).
   */
  async init(
    principal: Principal,
    input: NewPaymentSession,
  ): Promise<{ session: PaymentSession; environment: string; paymentDataRequest: GooglePayPaymentDataRequest }> {
    const merchantId = required(this.settings.merchantId);
    const publicKey = required(this.settings.keys).publicKey();
    const session = await this.sessions.create(principal, METHOD, input);
    return {
      session,
      environment: this.settings.environment,
      paymentDataRequest: {
        apiVersion: 2,
        apiVersionMinor: 0,
        merchantInfo: { merchantId, merchantName: this.settings.merchantName },
        allowedPaymentMethods: [
          {
            type: 'CARD',
            parameters: { allowedAuthMethods: ['PAN_ONLY', 'CRYPTOGRAM_3DS'], allowedCardNetworks: this.settings.allowedCardNetworks },
            tokenizationSpecification: { type: 'DIRECT', parameters: { protocolVersion: 'ECv2', publicKey } },
          },
        ],
        transactionInfo: {
          totalPriceStatus: 'FINAL',
          totalPrice: minorToDecimal(session.amount, session.currency),
          currencyCode: session.currency,
          countryCode: this.settings.countryCode,
        },
      },
    };
  }

  /**
   * Verifies and decrypts the token, then claims the session (single use, one winner among
   * concurrent replays). ECv2 carries no amount: the session's amount is the one to charge.
   * Errors: payment_method_not_configured (503), payment_session_not_found (404), payment_session_used (409),
   * payment_data_* (422).
   */
  async verifyPayment(
    principal: Principal,
    sessionId: string,
    paymentData: unknown,
  ): Promise<{ session: PaymentSession; card: GooglePayCard }> {
    const decryptor = required(this.settings.decryptor);
    const session = await this.sessions.get(principal, METHOD, sessionId);
    const card = decryptor.decrypt(paymentData);
    return { session: await this.sessions.claim(principal, METHOD, session.id), card };
  }
}

function required<T>(value: Configured<T>): T {
  if (value.missing !== undefined) throw new PaymentMethodNotConfigured('Google Pay', value.missing);
  return value.value;
}
