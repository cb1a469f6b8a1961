import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  key: Buffer; // 32 bytes
}

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * AES-256-GCM with key ids. The first key encrypts; every key decrypts what it wrote, so keys can be
 * rotated without a flag day. `aad` binds a ciphertext to its context (a record id), so a ciphertext
 * copied onto another record fails to decrypt.
 * Format: v1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts.
 */
export class Encryptor {
  private readonly byId: Map<string, Buffer>;
  private readonly active: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const [active] = keys;
    if (!active) throw new Error('Encryptor needs at least one key');
    this.active = active;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  encrypt(plaintext: string | Buffer, aad = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [VERSION, this.active.id, ...parts].join('.');
  }

  decrypt(envelope: string, aad = ''): Buffer {
    const [version, keyId, iv, tag, body, extra] = envelope.split('.');
    if (version !== VERSION || !keyId || !iv || !tag || body === undefined || extra !== undefined) {
      throw new Error('Malformed ciphertext');
    }
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`No decryption key with id "${keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  /** Key id of a ciphertext, to find what a rotation still has to re-encrypt. */
  keyIdOf(envelope: string): string | undefined {
    return envelope.split('.')[1];
  }

  needsRotation(envelope: string): boolean {
    return this.keyIdOf(envelope) !== this.active.id;
  }
}
