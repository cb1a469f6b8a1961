import { sign, verify, type KeyObject } from 'node:crypto';

/** RFC 7515 compact JWS with ES256 (ECDSA P-256, SHA-256, signature as r||s: IEEE P1363). */
export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const B64URL = /^[A-Za-z0-9_-]+$/;
const ES256_SIGNATURE_BYTES = 64;
const ES256_HALF_BYTES = 32;
/** The order of P-256's group: for a valid signature (r, s), (r, n − s) is valid too. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export function signEs256(payload: object, kid: string, privateKey: KeyObject): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${lowS(signature).toString('base64url')}`;
}

/**
 * The one spelling of a JWS that counts as itself: a token is single-use or carries a budget by its
 * hash, and ECDSA lets anyone turn a valid (r, s) into another valid (r, n − s) without the key. So
 * the signature is taken with the lower s (decodeJws already refused every other base64url spelling).
 */
export function canonicalJws(jws: DecodedJws): string {
  return `${jws.signingInput}.${lowS(jws.signature).toString('base64url')}`;
}

function lowS(signature: Buffer): Buffer {
  if (signature.length !== ES256_SIGNATURE_BYTES) return signature;
  const s = BigInt(`0x${signature.subarray(ES256_HALF_BYTES).toString('hex')}`);
  if (s <= P256_ORDER / 2n) return signature;
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(ES256_HALF_BYTES * 2, '0'), 'hex');
  return Buffer.concat([signature.subarray(0, ES256_HALF_BYTES), flipped]);
}

/**
 * The parts of a compact JWS, or null when it is not one (nothing is trusted yet). Each part must be
 * base64url as an encoder writes it: the last character of a part can carry bits a decoder ignores,
 * so the same bytes would otherwise have several spellings.
 */
export function decodeJws(token: string): DecodedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p) && b64url(Buffer.from(p, 'base64url')) === p)) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return null;
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
  } catch {
    return null;
  }
}

export function verifyEs256(jws: DecodedJws, publicKey: KeyObject): boolean {
  if (jws.header.alg !== 'ES256' || jws.signature.length !== ES256_SIGNATURE_BYTES) return false;
  return verify('sha256', Buffer.from(jws.signingInput), { key: publicKey, dsaEncoding: 'ieee-p1363' }, jws.signature);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
