import { createHash, randomBytes } from 'node:crypto';

// Random bytes are drawn from the CSPRNG 4 KiB at a time (as crypto.randomUUID does), not per id:
// a posting makes several ids and the per-call cost showed in profiles. A new pool replaces the old
// one, so bytes handed out are never reused.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` fresh random bytes (at most 4096) for ids, not for keys or secrets. */
export function randomIdBytes(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  offset += bytes;
  return pool.subarray(offset - bytes, offset);
}

/** Opaque, prefixed, unguessable ids: `usr_3kq…`. The prefix tells a reader what the id names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomIdBytes(12).toString('base64url')}`;
}

/** A high-entropy secret (refresh tokens, client secrets): hashing with SHA-256 is enough to store it. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
