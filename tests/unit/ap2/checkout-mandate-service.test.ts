import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { withLowS } from '../../support/es256';
import { CheckoutMandateService, type CheckoutMandateInput } from '../../../src/protocols/ucp/ap2/checkout-mandate.service';

// Each refusal of the business-side verifier, one malformed part at a time, without a database:
// the component tests (tests/component/ap2) cover the route and the usual attacks.

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const es256 = (input: string, key: KeyObject) =>
  sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
const digest = (text: string) => createHash('sha256').update(text, 'ascii').digest('base64url');
const jws = (header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${es256(input, key)}`;
};

const NOW = new Date('2026-12-06T12:00:00Z');
const nowS = NOW.getTime() / 1000;
const AUDIENCE = 'https://ocp.example/ucp/mer_1';
const CHECKOUT = {
  id: 'chk_1',
  currency: 'USD',
  line_items: [{ id: 'li_1', item: { id: 'mug', price: 1200 }, quantity: 1 }],
  totals: [{ type: 'total', amount: 1200 }],
  ap2: { merchant_authorization: 'merchant-jws' },
};
const owner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });

interface Knobs {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  checkout?: unknown;
  kbHeader?: Record<string, unknown>;
  kbClaims?: Record<string, unknown>;
  noKeyBinding?: boolean;
}

function mandate(k: Knobs = {}): string {
  const disclosure = b64([randomBytes(8).toString('base64url'), 'checkout', k.checkout === undefined ? CHECKOUT : k.checkout]);
  const claims = {
    iat: nowS,
    exp: nowS + 900,
    _sd_alg: 'sha-256',
    _sd: [digest(disclosure)],
    cnf: { jwk: holder.publicKey.export({ format: 'jwk' }) },
    ...k.claims,
  };
  const sdJwt = `${jws({ alg: 'ES256', typ: 'dc+sd-jwt', kid: 'mk_1', ...k.header }, claims, owner.privateKey)}~${disclosure}~`;
  if (k.noKeyBinding) return sdJwt;
  const kb = { iat: nowS, aud: AUDIENCE, nonce: CHECKOUT.id, sd_hash: digest(sdJwt), ...k.kbClaims };
  return `${sdJwt}${jws({ alg: 'ES256', typ: 'kb+jwt', ...k.kbHeader }, kb, holder.privateKey)}`;
}

function service(o: { keyOwner?: string; merchantSigned?: boolean } = {}) {
  const keys = {
    findOwnerMandateKey: async (kid: string) =>
      kid === 'mk_1'
        ? { kid, ownerId: o.keyOwner ?? 'usr_payer', publicJwk: owner.publicKey.export({ format: 'jwk' }) as Record<string, unknown> }
        : null,
  };
  const merchants = { verifyOwnAuthorization: async () => o.merchantSigned ?? true };
  return new CheckoutMandateService(keys, merchants, { insertUse: async () => true });
}

const input = (m: unknown, checkout: Record<string, unknown> = CHECKOUT): CheckoutMandateInput => ({
  mandate: m,
  merchantId: 'mer_1',
  audience: AUDIENCE,
  checkout,
  payerOwnerId: 'usr_payer',
  now: NOW,
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );

describe('CheckoutMandateService.verifyCheckoutMandate', () => {
  it('when every part is right, then it verifies and names the mandate by the hash of its issuer JWT with the lower s', async () => {
    const m = mandate();
    const verified = await service().verifyCheckoutMandate(input(m));
    expect(verified).toEqual({
      mandateHash: createHash('sha256')
        .update(withLowS(m.split('~')[0]!))
        .digest('hex'),
      issuerKid: 'mk_1',
    });
  });

  it.each<[string, Knobs | string | null, string]>([
    ['no mandate', null, 'mandate_required'],
    ['an empty mandate', '', 'mandate_required'],
    ['an HS256 issuer JWT', { header: { alg: 'HS256' } }, 'mandate_invalid_signature: The checkout mandate must be an ES256'],
    ['an issuer JWT of another type', { header: { typ: 'JWT' } }, 'mandate_invalid_signature: The checkout mandate must be an ES256'],
    ['no kid', { header: { kid: '' } }, 'agent_missing_key: The checkout mandate names no key'],
    ['a kid too long to be ours', { header: { kid: 'k'.repeat(129) } }, 'agent_missing_key: The checkout mandate names no key'],
    [
      'a kid OCP does not know',
      { header: { kid: 'mk_other' } },
      'agent_missing_key: The checkout mandate is signed by a key not registered',
    ],
    ['no exp', { claims: { exp: undefined } }, 'mandate_invalid_signature: The checkout mandate has no exp'],
    ['an exp that is not a number', { claims: { exp: '2030' } }, 'mandate_invalid_signature: The checkout mandate has no exp'],
    ['an expired mandate', { claims: { exp: nowS - 1 } }, 'mandate_expired'],
    ['an iat in the future', { claims: { iat: nowS + 3600 } }, 'mandate_invalid_signature: The checkout mandate is issued in the future'],
    ['an iat that is not a number', { claims: { iat: 'now' } }, 'mandate_invalid_signature: The checkout mandate is issued in the future'],
    ['an nbf in the future', { claims: { nbf: nowS + 3600 } }, 'mandate_invalid_signature: The checkout mandate is not valid yet'],
    ['an nbf that is not a number', { claims: { nbf: true } }, 'mandate_invalid_signature: The checkout mandate is not valid yet'],
    ['no key binding', { noKeyBinding: true }, 'mandate_invalid_signature: The checkout mandate has no key binding'],
    ['no holder key', { claims: { cnf: undefined } }, 'mandate_invalid_signature: The checkout mandate binds no P-256 holder key'],
    ['a holder key that is not P-256', { claims: { cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } } } }, 'binds no P-256 holder key'],
    ['a key binding of another type', { kbHeader: { typ: 'JWT' } }, 'The key binding of the checkout mandate does not verify'],
    ['a key binding for another business', { kbClaims: { aud: 'https://elsewhere.example' } }, 'bound to another business'],
    ['a key binding for another checkout', { kbClaims: { nonce: 'chk_2' } }, 'bound to another checkout'],
    ['a stale key binding', { kbClaims: { iat: nowS - 301 } }, 'The key binding of the checkout mandate is not fresh'],
    ['a key binding without iat', { kbClaims: { iat: undefined } }, 'The key binding of the checkout mandate is not fresh'],
    [
      'a key binding over another presentation',
      { kbClaims: { sd_hash: digest('other') } },
      'The key binding does not cover this presentation',
    ],
    ['no checkout in the claims', { checkout: 'not an object' }, 'mandate_invalid_signature: The checkout mandate carries no checkout'],
    ['a checkout without ap2', { checkout: { ...CHECKOUT, ap2: undefined } }, 'merchant_authorization_missing'],
    ['a checkout whose ap2 is not an object', { checkout: { ...CHECKOUT, ap2: 'x' } }, 'merchant_authorization_missing'],
    [
      'an empty merchant authorization',
      { checkout: { ...CHECKOUT, ap2: { merchant_authorization: '' } } },
      'merchant_authorization_missing',
    ],
    ['a checkout without line items', { checkout: { ...CHECKOUT, line_items: 'all' } }, 'mandate_scope_mismatch'],
    ['a checkout with other totals', { checkout: { ...CHECKOUT, totals: [{ type: 'total', amount: 1 }] } }, 'mandate_scope_mismatch'],
    ['line items and totals that are not objects', { checkout: { ...CHECKOUT, line_items: [7], totals: ['x'] } }, 'mandate_scope_mismatch'],
  ])('when the mandate has %s, then it is refused', async (_case, knobs, expected) => {
    const m = knobs === null || typeof knobs === 'string' ? knobs : mandate(knobs);
    expect(await refusal(service().verifyCheckoutMandate(input(m)))).toContain(expected);
  });

  it('when the key belongs to another owner, or the business did not sign the checkout, then it is refused', async () => {
    expect(await refusal(service({ keyOwner: 'usr_other' }).verifyCheckoutMandate(input(mandate())))).toContain(
      'does not verify with a key of the paying owner',
    );
    expect(await refusal(service({ merchantSigned: false }).verifyCheckoutMandate(input(mandate())))).toContain(
      'merchant_authorization_invalid',
    );
  });

  it('when the checkout being completed has changed since the mandate, then the terms do not match', async () => {
    const changed = { ...CHECKOUT, totals: [{ type: 'total', amount: 2400 }] };
    expect(await refusal(service().verifyCheckoutMandate(input(mandate(), changed)))).toContain('mandate_scope_mismatch');
  });
});
