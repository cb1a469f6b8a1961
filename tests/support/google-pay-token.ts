import { createCipheriv, createHmac, diffieHellman, generateKeyPairSync, hkdfSync, sign, type KeyObject } from 'node:crypto';
import { lengthPrefixed, pointToPublicKey, publicKeyToPoint } from '../../src/modules/payment/google-pay/google-pay-crypto';

const HOUR_MS = 3_600_000;

function ecKey() {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

const spkiBase64 = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');

/** Google's side, made locally: a root signing key (as in keys.json) and a merchant's ECv2 key pair. */
export function createGooglePayKeys() {
  const root = ecKey();
  const merchant = ecKey();
  return {
    root,
    rootKeysJson: {
      keys: [{ keyValue: spkiBase64(root.publicKey), protocolVersion: 'ECv2', keyExpiration: String(Date.now() + 24 * HOUR_MS) }],
    },
    merchantPrivateKeyPem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantPublicKey: merchant.publicKey,
  };
}

export function googlePayPlaintext(overrides: Record<string, unknown> = {}) {
  return {
    gatewayMerchantId: 'ocp-test',
    messageExpiration: String(Date.now() + HOUR_MS),
    messageId: 'AH2EjtfQ2jVOMgGlDtCq8bAz',
    paymentMethod: 'CARD',
    paymentMethodDetails: {
      expirationYear: 2029,
      expirationMonth: 12,
      pan: '4242424242424242',
      authMethod: 'CRYPTOGRAM_3DS',
      cryptogram: 'AAAAAA8xTVJ0UWdR9kYAAAA=',
      eciIndicator: '05',
    },
    ...overrides,
  };
}

export interface GoogleTokenOptions {
  rootPrivateKey: KeyObject;
  recipientId: string;
  merchantPublicKey: KeyObject;
  plaintext?: unknown;
  keyExpirationMs?: number;
  /** Signs the message with a key other than the intermediate it presents. */
  signMessageWith?: KeyObject;
  tamperTag?: boolean;
}

/** A real ECv2 PaymentMethodToken, built as Google's "Payment data cryptography" describes. */
export function buildGooglePayToken(options: GoogleTokenOptions) {
  const intermediate = ecKey();
  const signedKey = JSON.stringify({
    keyValue: spkiBase64(intermediate.publicKey),
    keyExpiration: String(options.keyExpirationMs ?? Date.now() + HOUR_MS),
  });
  const keySignature = sign('sha256', lengthPrefixed('Google', 'ECv2', signedKey), options.rootPrivateKey);

  const ephemeral = ecKey();
  const ephemeralPoint = publicKeyToPoint(ephemeral.publicKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: pointToPublicKey(publicKeyToPoint(options.merchantPublicKey)),
  });
  const keys = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeralPoint, shared]), Buffer.alloc(32), 'Google', 64));
  const cipher = createCipheriv('aes-256-ctr', keys.subarray(0, 32), Buffer.alloc(16, 0));
  const plaintext = Buffer.from(JSON.stringify(options.plaintext ?? googlePayPlaintext()));
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = createHmac('sha256', keys.subarray(32)).update(encrypted).digest();
  if (options.tamperTag) tag[0] = tag[0]! ^ 0x01;
  const signedMessage = JSON.stringify({
    encryptedMessage: encrypted.toString('base64'),
    ephemeralPublicKey: ephemeralPoint.toString('base64'),
    tag: tag.toString('base64'),
  });
  const signature = sign(
    'sha256',
    lengthPrefixed('Google', options.recipientId, 'ECv2', signedMessage),
    options.signMessageWith ?? intermediate.privateKey,
  );
  return {
    protocolVersion: 'ECv2',
    signature: signature.toString('base64'),
    intermediateSigningKey: { signedKey, signatures: [keySignature.toString('base64')] },
    signedMessage,
  };
}
