import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PaymentDataRejected } from '../payment-data.errors';
import { eciesDecrypt, lengthPrefixed, publicKeyToPoint, verifyEcdsa } from './google-pay-crypto';
import {
  decryptedGoogleMessage,
  googlePayToken,
  parseSignedKey,
  parseSignedMessage,
  type GooglePayToken,
  type GoogleRootKey,
} from './google-pay-token';

const PROTOCOL = 'ECv2';
const SENDER = 'Google';

export interface GooglePayDecryptionSettings {
  /** "merchant:<merchantId>" as Google signs it. */
  recipientId: string;
  rootKeys: GoogleRootKey[];
  /** The merchant's ECv2 private keys (PEM); the first one's public key is sent in PaymentDataRequest. */
  privateKeysPem: string[];
}

/** A verified, decrypted Google Pay card. Never log or store it in clear. */
export interface GooglePayCard {
  pan: string;
  expMonth: number;
  expYear: number;
  authMethod: 'PAN_ONLY' | 'CRYPTOGRAM_3DS';
  cryptogram: string | undefined;
  eciIndicator: string | undefined;
  messageId: string;
}

/**
 * Verifies and decrypts a Google Pay ECv2 PaymentMethodToken, in the order Google prescribes.
 * Throws PaymentDataRejected: payment_data_malformed, payment_data_signature_invalid,
 * payment_data_expired, payment_data_decryption_failed.
 */
export class GooglePayDecryptor {
  private readonly privateKeys: KeyObject[];

  constructor(
    private readonly settings: GooglePayDecryptionSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.privateKeys = settings.privateKeysPem.map((pem) => createPrivateKey(pem));
  }

  /** Base64 of the uncompressed point: what PaymentDataRequest's DIRECT tokenization carries. */
  publicKey(): string {
    const first = this.privateKeys[0];
    if (!first) throw new Error('No Google Pay private key');
    return publicKeyToPoint(createPublicKey(first)).toString('base64');
  }

  decrypt(input: unknown): GooglePayCard {
    const token = parseToken(input);
    const intermediateKey = this.verifyIntermediateKey(token);
    const signed = lengthPrefixed(SENDER, this.settings.recipientId, PROTOCOL, token.signedMessage);
    if (!verifyEcdsa(intermediateKey, signed, token.signature)) {
      // Also what a token meant for another merchant gives: the recipient id is part of what was signed.
      throw new PaymentDataRejected('payment_data_signature_invalid', 'The Google Pay message signature is invalid for this recipient');
    }
    const message = parseSignedMessage.safeParse(token.signedMessage);
    if (!message.success) throw malformed();
    const plain = this.open({
      ephemeralPoint: Buffer.from(message.data.ephemeralPublicKey, 'base64'),
      ciphertext: Buffer.from(message.data.encryptedMessage, 'base64'),
      tag: Buffer.from(message.data.tag, 'base64'),
    });
    const parsed = decryptedGoogleMessage.safeParse(plain);
    if (!parsed.success) throw new PaymentDataRejected('payment_data_malformed', 'The decrypted Google Pay data has an unexpected shape');
    if (Number(parsed.data.messageExpiration) <= this.now()) {
      throw new PaymentDataRejected('payment_data_expired', 'The Google Pay message has expired');
    }
    const d = parsed.data.paymentMethodDetails;
    return {
      pan: d.pan,
      expMonth: d.expirationMonth,
      expYear: d.expirationYear,
      authMethod: d.authMethod,
      cryptogram: d.cryptogram,
      eciIndicator: d.eciIndicator,
      messageId: parsed.data.messageId,
    };
  }

  /** Returns the intermediate public key once a live root key vouches for it and it has not expired. */
  private verifyIntermediateKey(token: GooglePayToken): string {
    const { signedKey, signatures } = token.intermediateSigningKey;
    const signed = lengthPrefixed(SENDER, PROTOCOL, signedKey);
    const now = this.now();
    const roots = this.settings.rootKeys.filter(
      (k) => k.protocolVersion === PROTOCOL && (k.keyExpiration === undefined || Number(k.keyExpiration) > now),
    );
    const vouched = roots.some((root) => signatures.some((signature) => verifyEcdsa(root.keyValue, signed, signature)));
    if (!vouched)
      throw new PaymentDataRejected(
        'payment_data_signature_invalid',
        'The Google Pay intermediate signing key is not signed by a Google root key',
      );
    const key = parseSignedKey.safeParse(signedKey);
    if (!key.success) throw malformed();
    if (Number(key.data.keyExpiration) <= now) {
      throw new PaymentDataRejected('payment_data_expired', 'The Google Pay intermediate signing key has expired');
    }
    return key.data.keyValue;
  }

  private open(message: Parameters<typeof eciesDecrypt>[1]): unknown {
    for (const privateKey of this.privateKeys) {
      try {
        const plain = eciesDecrypt(privateKey, message);
        if (plain) return JSON.parse(plain.toString('utf8'));
      } catch {
        // A bad point or bad JSON: same answer as a bad tag, so nothing is learnt from the difference.
      }
    }
    throw new PaymentDataRejected('payment_data_decryption_failed', 'The Google Pay payment data cannot be decrypted');
  }
}

function parseToken(input: unknown): GooglePayToken {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw malformed();
    }
  }
  const parsed = googlePayToken.safeParse(value);
  if (!parsed.success) throw malformed();
  return parsed.data;
}

const malformed = () => new PaymentDataRejected('payment_data_malformed', 'The Google Pay payment data is not an ECv2 token');
