import { createHash, randomBytes } from 'node:crypto';

/** Opaque, prefixed, unguessable ids: `usr_3kq…`. The prefix tells a reader what the id names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** A high-entropy secret (refresh tokens, client secrets): hashing with SHA-256 is enough to store it. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
