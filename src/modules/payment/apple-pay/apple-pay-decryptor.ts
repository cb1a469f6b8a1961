import { createHash, createPrivateKey, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { PaymentDataRejected } from '../payment-data.errors';
import { applePaySharedSecret, decryptApplePayData, deriveApplePayKey } from './apple-pay-crypto';
import { verifyApplePaySignature } from './apple-pay-signature';
import { applePayPaymentData, decryptedApplePayment, type ApplePayPaymentData } from './apple-pay-token';
import { alphaCurrency } from './iso-numeric-currency';

export interface ApplePayDecryptionSettings {
  merchantId: string;
  /** Apple Root CA - G3 in production; the tests' own root in tests. */
  root: X509Certificate;
  /** Payment processing private keys (PEM, PKCS#8 or SEC1); a token names its key by publicKeyHash. */
  privateKeysPem: string[];
  signingTimeToleranceMs: number;
}

/** A verified, decrypted Apple Pay payment: card data to hand to the token provider, never to a log. */
export interface ApplePayCard {
  dpan: string;
  expMonth: number;
  expYear: number;
  /** Alphabetic ISO 4217, or undefined for a currency OCP does not support. */
  currency: string | undefined;
  amountMinor: bigint;
  paymentDataType: '3DSecure' | 'EMV';
  cryptogram: string | undefined;
  eciIndicator: string | undefined;
  transactionId: string;
}

/**
 * Verifies and decrypts Apple Pay EC_v1 payment data with the merchant's own keys.
 * Throws PaymentDataRejected: payment_data_malformed, payment_data_signature_invalid,
 * payment_data_certificate_invalid, payment_data_expired, payment_data_unknown_key, payment_data_decryption_failed.
 */
export class ApplePayDecryptor {
  private readonly keysByHash = new Map<string, KeyObject>();

  constructor(
    private readonly settings: ApplePayDecryptionSettings,
    private readonly now: () => number = Date.now,
  ) {
    for (const pem of settings.privateKeysPem) {
      const privateKey = createPrivateKey(pem);
      const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
      this.keysByHash.set(createHash('sha256').update(spki).digest('base64'), privateKey);
    }
  }

  decrypt(input: unknown): ApplePayCard {
    const parsed = applePayPaymentData.safeParse(input);
    if (!parsed.success) throw new PaymentDataRejected('payment_data_malformed', 'The Apple Pay payment data is not an EC_v1 token');
    const token = parsed.data;
    const { header } = token;
    const ephemeralDer = Buffer.from(header.ephemeralPublicKey, 'base64');
    const data = Buffer.from(token.data, 'base64');

    verifyApplePaySignature({
      signature: Buffer.from(token.signature, 'base64'),
      signedBytes: Buffer.concat([
        ephemeralDer,
        data,
        Buffer.from(header.transactionId, 'hex'),
        Buffer.from(header.applicationData ?? '', 'hex'),
      ]),
      root: this.settings.root,
      nowMs: this.now(),
      signingTimeToleranceMs: this.settings.signingTimeToleranceMs,
    });

    const privateKey = this.keysByHash.get(header.publicKeyHash);
    if (!privateKey)
      throw new PaymentDataRejected('payment_data_unknown_key', 'The payment data is encrypted for a key this merchant does not hold');
    return toCard(this.open(privateKey, ephemeralDer, data), token);
  }

  private open(privateKey: KeyObject, ephemeralDer: Buffer, data: Buffer): unknown {
    try {
      const ephemeral = createPublicKey({ key: ephemeralDer, format: 'der', type: 'spki' });
      const key = deriveApplePayKey(applePaySharedSecret(privateKey, ephemeral), this.settings.merchantId);
      return JSON.parse(decryptApplePayData(key, data).toString('utf8'));
    } catch {
      // Which step failed is not said: a padding/tag oracle must learn nothing.
      throw new PaymentDataRejected('payment_data_decryption_failed', 'The Apple Pay payment data cannot be decrypted');
    }
  }
}

function toCard(plain: unknown, token: ApplePayPaymentData): ApplePayCard {
  const parsed = decryptedApplePayment.safeParse(plain);
  // zod's issues would quote the decrypted values: only say that the shape is wrong.
  if (!parsed.success) throw new PaymentDataRejected('payment_data_malformed', 'The decrypted Apple Pay data has an unexpected shape');
  const p = parsed.data;
  const expiry = p.applicationExpirationDate; // YYMMDD
  return {
    dpan: p.applicationPrimaryAccountNumber,
    expMonth: Number(expiry.slice(2, 4)),
    expYear: 2000 + Number(expiry.slice(0, 2)),
    currency: alphaCurrency(p.currencyCode),
    amountMinor: BigInt(p.transactionAmount),
    paymentDataType: p.paymentDataType,
    cryptogram: p.paymentData.onlinePaymentCryptogram,
    eciIndicator: p.paymentData.eciIndicator,
    transactionId: token.header.transactionId,
  };
}
