import { createHmac, hkdfSync } from 'node:crypto';
import type { EncryptionKey } from '../../infra/crypto/envelope';

/**
 * Card fingerprints: HMAC-SHA256 of the number under a secret key, so the same card gives the same
 * fingerprint (to spot duplicates) while the fingerprint cannot be reversed by hashing all card
 * numbers, as a plain hash of a 16-digit number can.
 */
export class Fingerprinter {
  constructor(private readonly key: Buffer) {}

  /**
   * The key is TOKEN_FINGERPRINT_KEY when set; otherwise derived with HKDF from the oldest
   * encryption key (the last entry), which stays in place longest while keys rotate.
   */
  static fromConfig(explicit: Buffer | undefined, encryptionKeys: readonly EncryptionKey[]): Fingerprinter {
    if (explicit) return new Fingerprinter(explicit);
    const oldest = encryptionKeys[encryptionKeys.length - 1]!;
    return new Fingerprinter(Buffer.from(hkdfSync('sha256', oldest.key, Buffer.alloc(0), 'ocp:card-fingerprint:v1', 32)));
  }

  of(number: string): string {
    return createHmac('sha256', this.key).update(number.replace(/\D/g, '')).digest('base64url');
  }
}
