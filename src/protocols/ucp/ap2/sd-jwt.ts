import { createHash } from 'node:crypto';
import { Ap2Refused } from './ap2-errors';
import { fromB64url } from '../../../infra/crypto/base64url';
import { isJsonObject, jsonObjectOf } from './jose';

/**
 * SD-JWT with key binding (RFC 9901), read strictly and bounded before anything is trusted:
 * `<issuer JWT>~<disclosure>~…~<KB-JWT>`. Every failure here is `mandate_invalid_signature`: the
 * caller learns that the mandate does not verify, not which byte was wrong.
 */
export interface CompactJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload`, as signed. */
  signingInput: string;
  signature: string;
}

export interface SdJwtPresentation {
  issuerJwt: CompactJws;
  disclosures: string[];
  keyBinding: CompactJws | null;
  /** Everything up to and including the last `~`: the input of the KB-JWT's sd_hash. */
  sdHashInput: string;
}

/** A checkout with a hundred line items fits many times over; beyond this nothing is parsed. */
export const MANDATE_CHARS_MAX = 256 * 1024;
export const DISCLOSURES_MAX = 256;
const NESTING_MAX = 32;

const invalid = (message: string) => new Ap2Refused('mandate_invalid_signature', message);

export const sdHashOf = (text: string): string => createHash('sha256').update(text, 'ascii').digest('base64url');

/** Splits and decodes the presentation; nothing is verified yet. */
export function parseSdJwt(text: unknown): SdJwtPresentation {
  if (typeof text !== 'string' || text.length === 0 || text.length > MANDATE_CHARS_MAX)
    throw invalid('The checkout mandate is not an SD-JWT');
  const parts = text.split('~');
  if (parts.length < 2 || parts.length > DISCLOSURES_MAX + 2) throw invalid('The checkout mandate is not an SD-JWT with key binding');
  const kb = parts[parts.length - 1]!;
  const disclosures = parts.slice(1, -1);
  if (disclosures.some((d) => fromB64url(d) === null)) throw invalid('A disclosure of the checkout mandate is not base64url');
  const issuerJwt = compactJws(parts[0]!);
  if (!issuerJwt) throw invalid('The issuer part of the checkout mandate is not a compact JWS');
  const keyBinding = kb === '' ? null : compactJws(kb);
  if (kb !== '' && !keyBinding) throw invalid('The key binding of the checkout mandate is not a compact JWS');
  return { issuerJwt, disclosures, keyBinding, sdHashInput: text.slice(0, text.length - kb.length) };
}

function compactJws(text: string): CompactJws | null {
  const parts = text.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = jsonObjectOf(h);
  const payload = jsonObjectOf(p);
  if (!header || !payload || fromB64url(s) === null) return null;
  return { header, payload, signingInput: `${h}.${p}`, signature: s };
}

/**
 * The claims with every disclosure put back where its digest is (objects' `_sd`, arrays'
 * `{"...": digest}`), recursively, `_sd` and `_sd_alg` removed. Each disclosure must be a JSON
 * array of the right shape and referenced exactly once; a digest may not repeat, a disclosed name
 * may not be `_sd`, `...` or one the object already has. Digests that match no disclosure are
 * decoys and are dropped, as RFC 9901 §7.3 says.
 */
export function resolveDisclosures(payload: Record<string, unknown>, disclosures: string[]): Record<string, unknown> {
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') throw invalid('The checkout mandate uses an unsupported _sd_alg');
  const byDigest = new Map<string, unknown[]>();
  for (const disclosure of disclosures) {
    const digest = sdHashOf(disclosure);
    if (byDigest.has(digest)) throw invalid('The checkout mandate repeats a disclosure');
    byDigest.set(digest, decodeDisclosure(disclosure));
  }
  const used = new Set<string>();
  const seen = new Set<string>();
  const take = (digest: unknown): unknown[] | null => {
    if (typeof digest !== 'string' || seen.has(digest)) throw invalid('The checkout mandate has a malformed or repeated digest');
    seen.add(digest);
    const found = byDigest.get(digest);
    if (found) used.add(digest);
    return found ?? null;
  };
  const resolve = (value: unknown, depth: number): unknown => {
    if (depth > NESTING_MAX) throw invalid('The checkout mandate is nested too deeply');
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        if (isJsonObject(item) && '...' in item) {
          if (Object.keys(item).length !== 1) throw invalid('The checkout mandate has a malformed array disclosure reference');
          const found = take(item['...']);
          if (found && found.length !== 2) throw invalid('An array element disclosure must be [salt, value]');
          if (found) out.push(resolve(found[1], depth + 1));
        } else out.push(resolve(item, depth + 1));
      }
      return out;
    }
    if (!isJsonObject(value)) return value;
    // No prototype: a claim named "__proto__" (JSON.parse makes it an own property) stays a claim.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [name, inner] of Object.entries(value)) {
      if (name !== '_sd' && !(depth === 0 && name === '_sd_alg')) out[name] = resolve(inner, depth + 1);
    }
    if (value._sd !== undefined) {
      if (!Array.isArray(value._sd)) throw invalid('The checkout mandate has a malformed _sd');
      for (const digest of value._sd) {
        const found = take(digest);
        if (!found) continue;
        if (found.length !== 3 || typeof found[1] !== 'string') throw invalid('An object property disclosure must be [salt, name, value]');
        const name = found[1];
        if (name === '_sd' || name === '...' || Object.hasOwn(out, name)) throw invalid('The checkout mandate discloses a claim twice');
        out[name] = resolve(found[2], depth + 1);
      }
    }
    return out;
  };
  const claims = resolve(payload, 0) as Record<string, unknown>;
  if (used.size !== byDigest.size) throw invalid('The checkout mandate has a disclosure no digest references');
  return claims;
}

function decodeDisclosure(disclosure: string): unknown[] {
  const bytes = fromB64url(disclosure);
  let value: unknown;
  try {
    value = bytes ? (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown) : null;
  } catch {
    value = null;
  }
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3) || typeof value[0] !== 'string') {
    throw invalid('A disclosure of the checkout mandate is malformed');
  }
  return value;
}
