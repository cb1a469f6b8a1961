import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, signDetached, verifyDetached } from '../../../src/protocols/ucp/ap2';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const resolve = (kid: string) => (kid === 'k1' ? publicKey : null);
const checkout = { id: 'chk_1', currency: 'USD', totals: [{ type: 'total', amount: 5400 }], line_items: [] };
const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

describe('detached JWS over JCS (UCP AP2 merchant_authorization)', () => {
  it('when signed, then it is header..signature, the header is {"alg":"ES256","kid"} and it verifies', async () => {
    const jws = signDetached(checkout, { kid: 'k1', privateKey });
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'ES256', kid: 'k1' });
    expect(await verifyDetached(jws, checkout, resolve)).toBe(true);
  });

  it('when the payload differs only in key order or whitespace, then it still verifies (JCS)', async () => {
    const jws = signDetached(checkout, { kid: 'k1', privateKey });
    const reordered = JSON.parse(
      JSON.stringify({ totals: checkout.totals, line_items: [], currency: 'USD', id: 'chk_1' }, null, 2),
    ) as unknown;
    expect(await verifyDetached(jws, reordered, resolve)).toBe(true);
  });

  it('when the signing input is built by hand per the spec, then verifyDetached agrees (interoperability)', async () => {
    const header = b64(JSON.stringify({ kid: 'k1', alg: 'ES256' }));
    const signature = sign('sha256', Buffer.from(`${header}.${b64(canonicalJson(checkout))}`), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    expect(await verifyDetached(`${header}..${b64(signature)}`, checkout, resolve)).toBe(true);
  });

  it('when the payload is changed after signing, then it does not verify', async () => {
    const jws = signDetached(checkout, { kid: 'k1', privateKey });
    expect(await verifyDetached(jws, { ...checkout, totals: [{ type: 'total', amount: 1 }] }, resolve)).toBe(false);
  });

  it('when signed by another key under the same kid, or under a kid that resolves to nothing, then it does not verify', async () => {
    expect(await verifyDetached(signDetached(checkout, { kid: 'k1', privateKey: other.privateKey }), checkout, resolve)).toBe(false);
    expect(await verifyDetached(signDetached(checkout, { kid: 'k2', privateKey }), checkout, resolve)).toBe(false);
  });

  it('when the header names another algorithm, then it answers false without asking for a key', async () => {
    const jws = signDetached(checkout, { kid: 'k1', privateKey });
    const signature = jws.split('..')[1]!;
    const resolver = jest.fn(resolve);
    for (const alg of ['none', 'HS256', 'ES384', 'RS256']) {
      expect(await verifyDetached(`${b64(JSON.stringify({ alg, kid: 'k1' }))}..${signature}`, checkout, resolver)).toBe(false);
    }
    expect(resolver).not.toHaveBeenCalled();
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['an attached payload', 'aGVhZA.cGF5bG9hZA.c2ln'],
    ['three dots', 'a...b'],
    ['a header that is not JSON', `${b64('not json')}..${b64('x'.repeat(64))}`],
    ['a header that is an array', `${b64('["ES256"]')}..${b64('x'.repeat(64))}`],
    ['a header without kid', `${b64('{"alg":"ES256"}')}..${b64('x'.repeat(64))}`],
    ['a signature of the wrong length', `${b64('{"alg":"ES256","kid":"k1"}')}..${b64('x'.repeat(63))}`],
    ['padding in the signature', `${b64('{"alg":"ES256","kid":"k1"}')}..${b64('x'.repeat(64))}==`],
    ['a crit header', `${b64('{"alg":"ES256","kid":"k1","crit":["b64"],"b64":false}')}..${b64('x'.repeat(64))}`],
  ])('when the JWS is %s, then it answers false and never throws', async (_name, jws) => {
    await expect(verifyDetached(jws, checkout, resolve)).resolves.toBe(false);
  });

  it('when the payload is not JSON (NaN), then it answers false', async () => {
    const jws = signDetached(checkout, { kid: 'k1', privateKey });
    await expect(verifyDetached(jws, { ...checkout, x: NaN }, resolve)).resolves.toBe(false);
  });
});
