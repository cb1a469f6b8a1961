import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { b64url } from '../../../infra/crypto/base64url';
import { jsonObjectOf, signEs256, verifyEs256 } from './jose';

/** Finds the public key a `kid` names; null when it names none. */
export type KeyResolver = (kid: string) => KeyObject | null | Promise<KeyObject | null>;

/** Header plus separator plus signature, all base64url: the UCP schema's pattern for merchant_authorization. */
const DETACHED = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/;
/** A header is a few short claims; anything longer is not ours to parse. */
const HEADER_CHARS_MAX = 1024;

/**
 * JWS with detached content (RFC 7515 Appendix F) over the JCS form of `payload`, as UCP's AP2
 * extension signs a checkout: `<b64url header>..<b64url signature>`, the signing input being
 * `header + "." + b64url(canonicalJson(payload))`. The header is `{"alg":"ES256","kid":…}`.
 */
export function signDetached(payload: unknown, key: { kid: string; privateKey: KeyObject }): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: key.kid }));
  return `${header}..${signEs256(`${header}.${b64url(canonicalJson(payload))}`, key.privateKey)}`;
}

/**
 * Whether `jws` is a valid ES256 detached signature over `payload` by the key its `kid` resolves
 * to. Any other algorithm, a missing kid, malformed parts, a signature of the wrong length or a
 * payload that is not JSON answer false; it never throws for what a caller sent.
 */
export async function verifyDetached(jws: unknown, payload: unknown, resolveKey: KeyResolver): Promise<boolean> {
  if (typeof jws !== 'string') return false;
  const parts = DETACHED.exec(jws);
  if (!parts || parts[1]!.length > HEADER_CHARS_MAX) return false;
  const header = jsonObjectOf(parts[1]!);
  if (!header || header.alg !== 'ES256' || typeof header.kid !== 'string' || header.kid.length === 0) return false;
  if (header.crit !== undefined || header.b64 !== undefined) return false;
  let canonical: string;
  try {
    canonical = canonicalJson(payload);
  } catch {
    return false;
  }
  const key = await resolveKey(header.kid);
  return key !== null && verifyEs256(`${parts[1]}.${b64url(canonical)}`, parts[2]!, key);
}
