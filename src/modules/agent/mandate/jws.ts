import { sign, verify, type KeyObject } from 'node:crypto';
import { b64url, fromB64url } from '../../../infra/crypto/base64url';
import { ES256_SIGNATURE_BYTES, lowS } from '../../../infra/crypto/es256';

/** RFC 7515 compact JWS with ES256 (ECDSA P-256, SHA-256, signature as r||s: IEEE P1363). */
export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function signEs256(payload: object, kid: string, privateKey: KeyObject): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${lowS(signature).toString('base64url')}`;
}

/**
 * The one spelling of a JWS that counts as itself, for the hash a budget is kept under: the
 * signature with the lower s (decodeJws already refused every other base64url spelling).
 */
export function canonicalJws(jws: DecodedJws): string {
  return `${jws.signingInput}.${lowS(jws.signature).toString('base64url')}`;
}

/** The parts of a compact JWS, each in strict base64url (one spelling), or null when it is not one (nothing is trusted yet). */
export function decodeJws(token: string): DecodedJws | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts.map(fromB64url);
  if (!h || !p || !s) return null;
  try {
    const header = JSON.parse(h.toString('utf8')) as unknown;
    const payload = JSON.parse(p.toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return null;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: s };
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
