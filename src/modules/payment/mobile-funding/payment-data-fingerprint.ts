import { createHmac, hkdfSync } from 'node:crypto';
import type { EncryptionKey } from '../../../infra/crypto/envelope';
import { PaymentDataRejected } from '../payment-data.errors';
import type { PaymentMethod } from '../session/payment-session.service';

/**
 * What makes one Apple Pay / Google Pay payment token unique, read from its signed, still encrypted
 * envelope (so it works the same when Basis Theory decrypts): Apple Pay's `header.transactionId`,
 * Google Pay's exact `signedMessage` string. Both are covered by the token's signature, so a replay
 * cannot change them without being refused. Only an HMAC of them is kept: the fingerprint says
 * nothing about the card and cannot be turned back into the token.
 */
export class PaymentDataFingerprinter {
  constructor(private readonly key: Buffer) {}

  /** Same key material as card fingerprints (TOKEN_FINGERPRINT_KEY, else the oldest encryption key), another HKDF label. */
  static fromConfig(explicit: Buffer | undefined, encryptionKeys: readonly EncryptionKey[]): PaymentDataFingerprinter {
    const material = explicit ?? encryptionKeys[encryptionKeys.length - 1]!.key;
    return new PaymentDataFingerprinter(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'ocp:payment-data-fingerprint:v1', 32)));
  }

  /** Errors: payment_data_malformed (422) when the token has no transactionId / signedMessage. */
  of(method: PaymentMethod, paymentData: unknown): string {
    const identity = method === 'apple_pay' ? appleIdentity(paymentData) : googleIdentity(paymentData);
    return createHmac('sha256', this.key).update(`${method}\n${identity}`).digest('base64url');
  }
}

function appleIdentity(paymentData: unknown): string {
  const header = field(paymentData, 'header');
  const transactionId = field(header, 'transactionId');
  if (typeof transactionId !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(transactionId)) throw malformed();
  return transactionId.toLowerCase();
}

function googleIdentity(paymentData: unknown): string {
  let token = paymentData;
  if (typeof token === 'string') {
    try {
      token = JSON.parse(token) as unknown;
    } catch {
      throw malformed();
    }
  }
  const signedMessage = field(token, 'signedMessage');
  if (typeof signedMessage !== 'string' || signedMessage.length === 0) throw malformed();
  return signedMessage;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function malformed(): PaymentDataRejected {
  return new PaymentDataRejected('payment_data_malformed', 'The payment data is not a payment token');
}
