import { createDecipheriv, createHash, diffieHellman, type KeyObject } from 'node:crypto';

const GCM_IV = Buffer.alloc(16, 0);
const GCM_TAG_BYTES = 16;
const ALGORITHM_ID = Buffer.concat([Buffer.from([0x0d]), Buffer.from('id-aes256-GCM', 'ascii')]);
const PARTY_U = Buffer.from('Apple', 'ascii');

/**
 * The symmetric key of an EC_v1 token: NIST SP 800-56A single-step KDF with SHA-256, one round
 * (counter 1), other info = algorithm id || "Apple" || SHA-256(merchant identifier).
 */
export function deriveApplePayKey(sharedSecret: Buffer, merchantId: string): Buffer {
  const partyV = createHash('sha256').update(merchantId, 'utf8').digest();
  return createHash('sha256')
    .update(Buffer.from([0, 0, 0, 1]))
    .update(sharedSecret)
    .update(ALGORITHM_ID)
    .update(PARTY_U)
    .update(partyV)
    .digest();
}

/** ECDH with the merchant's private key; throws when the ephemeral key is not a P-256 point. */
export function applePaySharedSecret(merchantPrivateKey: KeyObject, ephemeralPublicKey: KeyObject): Buffer {
  return diffieHellman({ privateKey: merchantPrivateKey, publicKey: ephemeralPublicKey });
}

/** AES-256-GCM with Apple's all-zero 16-byte IV; the last 16 bytes of `data` are the tag. Throws on a bad tag. */
export function decryptApplePayData(key: Buffer, data: Buffer): Buffer {
  if (data.length <= GCM_TAG_BYTES) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, GCM_IV);
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)), decipher.final()]);
}
