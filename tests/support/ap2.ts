import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { TestUser } from './ledger';
import type { TestApp } from './test-app';

/**
 * AP2 checkout mandates (SD-JWT+kb, RFC 9901) built here, independently of OCP's verifier, so a
 * test proves OCP reads what another implementation writes. Knobs make each refusal.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json64 = (value: unknown) => b64(JSON.stringify(value));
const es256 = (input: string, key: KeyObject) => b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }));
const digest = (text: string) => createHash('sha256').update(text, 'ascii').digest('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

/** A P-256 key pair whose public half the owner registers through POST /api/v1/agents/mandate-keys. */
export async function registerOwnerMandateKey(t: TestApp, owner: TestUser): Promise<SigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const res = await t
    .http()
    .post('/api/v1/agents/mandate-keys')
    .set(owner.auth)
    .send({ publicJwk: publicKey.export({ format: 'jwk' }) });
  if (res.status !== 201) throw new Error(`register mandate key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { kid: res.body.kid as string, privateKey };
}

/** A key OCP has never seen, under a kid it does not know. */
export function unregisteredKey(): SigningKey {
  return {
    kid: `mk_unregistered_${randomBytes(4).toString('hex')}`,
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  };
}

export interface IssueOptions {
  /** The owner's key that signs the issuer JWT. */
  key: SigningKey;
  /** The checkout as the business answered it, with ap2.merchant_authorization. */
  checkout: Record<string, unknown>;
  /** Changes the embedded checkout after the business signed it (price tampering). */
  tamper?: (checkout: Record<string, unknown>) => void;
  /** Seconds until exp; negative for an expired mandate. Default 900. */
  expiresInSeconds?: number;
  /** Put the checkout in a disclosure (default) or in the clear in the signed claims. */
  discloseCheckout?: boolean;
  /** Issuer header typ; default dc+sd-jwt. */
  typ?: string;
  /** Extra disclosures appended that no digest references. */
  unreferencedDisclosures?: number;
  /** The same disclosure sent twice. */
  duplicateDisclosure?: boolean;
}

export interface IssuedMandate {
  /** Issuer JWT and disclosures, ending with `~`: what the KB-JWT's sd_hash covers. */
  sdJwt: string;
  holderKey: KeyObject;
}

/** The owner-signed part: the checkout (disclosed), the holder's key in cnf.jwk, exp. */
export function issueCheckoutMandate(o: IssueOptions): IssuedMandate {
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const checkout = structuredClone(o.checkout);
  o.tamper?.(checkout);
  const disclosure = json64([b64(randomBytes(16)), 'checkout', checkout]);
  const disclose = o.discloseCheckout ?? true;
  const claims: Record<string, unknown> = {
    iss: 'https://platform.example',
    iat: nowS(),
    exp: nowS() + (o.expiresInSeconds ?? 900),
    vct: 'mandate.checkout.1',
    _sd_alg: 'sha-256',
    // A decoy digest, as RFC 9901 allows: it matches no disclosure and must be ignored.
    _sd: [...(disclose ? [digest(disclosure)] : []), digest(b64(randomBytes(32)))],
    cnf: { jwk: holder.publicKey.export({ format: 'jwk' }) },
    ...(disclose ? {} : { checkout }),
  };
  const input = `${json64({ alg: 'ES256', typ: o.typ ?? 'dc+sd-jwt', kid: o.key.kid })}.${json64(claims)}`;
  const disclosures = disclose ? [disclosure] : [];
  if (o.duplicateDisclosure) disclosures.push(disclosure);
  for (let i = 0; i < (o.unreferencedDisclosures ?? 0); i++) disclosures.push(json64([b64(randomBytes(16)), `extra${i}`, i]));
  return { sdJwt: `${input}.${es256(input, o.key.privateKey)}~${disclosures.map((d) => `${d}~`).join('')}`, holderKey: holder.privateKey };
}

export interface PresentOptions {
  /** The business's UCP endpoint. */
  audience: string;
  /** The checkout id the presentation is for. */
  nonce: string;
  /** Seconds to shift the KB-JWT's iat by (stale or future key binding). */
  iatOffsetSeconds?: number;
  /** Sign the KB-JWT with another key than cnf.jwk. */
  wrongHolderKey?: boolean;
  /** Leave the key binding off (the presentation ends with `~`). */
  omitKeyBinding?: boolean;
  /** A sd_hash over something else. */
  wrongSdHash?: boolean;
}

/** The holder's presentation: the issued SD-JWT plus a KB-JWT for this audience and checkout. */
export function presentCheckoutMandate(issued: IssuedMandate, p: PresentOptions): string {
  if (p.omitKeyBinding) return issued.sdJwt;
  const key = p.wrongHolderKey ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : issued.holderKey;
  const claims = {
    iat: nowS() + (p.iatOffsetSeconds ?? 0),
    aud: p.audience,
    nonce: p.nonce,
    sd_hash: digest(p.wrongSdHash ? `${issued.sdJwt}x` : issued.sdJwt),
  };
  const input = `${json64({ alg: 'ES256', typ: 'kb+jwt' })}.${json64(claims)}`;
  return `${issued.sdJwt}${input}.${es256(input, key)}`;
}

/** Issue and present in one go: the usual case. */
export function buildCheckoutMandate(o: IssueOptions & Omit<PresentOptions, 'nonce'> & { nonce?: string }): string {
  return presentCheckoutMandate(issueCheckoutMandate(o), { ...o, nonce: o.nonce ?? String(o.checkout.id) });
}

/** A checkout as UCP answers it (2026-01-11), hand-built from a merchant's terms; `ap2` left for the caller. */
export function sampleCheckout(id: string, currency = 'USD'): Record<string, unknown> & { id: string } {
  return {
    ucp: { version: '2026-01-11', capabilities: [{ name: 'dev.ucp.shopping.checkout', version: '2026-01-11' }] },
    id,
    status: 'ready_for_complete',
    currency,
    line_items: [
      {
        id: 'li_1',
        item: { id: 'sku_widget', title: 'Widget', price: 2500 },
        quantity: 2,
        totals: [
          { type: 'subtotal', amount: 5000 },
          { type: 'total', amount: 5000 },
        ],
      },
    ],
    totals: [
      { type: 'subtotal', amount: 5000 },
      { type: 'total', amount: 5000 },
    ],
    links: [],
    payment: { handlers: [] },
  };
}
