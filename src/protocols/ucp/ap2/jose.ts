import { createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { fromB64url } from '../../../infra/crypto/base64url';
import { ES256_SIGNATURE_BYTES } from '../../../infra/crypto/es256';

/** A base64url-encoded JSON object, or null for anything else (arrays, numbers, bad UTF-8, bad JSON). */
export function jsonObjectOf(text: string): Record<string, unknown> | null {
  const bytes = fromB64url(text);
  if (!bytes) return null;
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function signEs256(signingInput: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

export function verifyEs256(signingInput: string, signature: string, publicKey: KeyObject): boolean {
  const bytes = fromB64url(signature);
  if (!bytes || bytes.length !== ES256_SIGNATURE_BYTES) return false;
  try {
    return verify('sha256', Buffer.from(signingInput), { key: publicKey, dsaEncoding: 'ieee-p1363' }, bytes);
  } catch {
    return false;
  }
}

/** An EC P-256 public key from a JWK, or null (other curves and types, private members, garbage). */
export function p256PublicKey(jwk: unknown): KeyObject | null {
  if (!isJsonObject(jwk) || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return null;
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : null;
  } catch {
    return null;
  }
}
