import { createHash, randomBytes } from 'node:crypto';
import { DISCLOSURES_MAX, MANDATE_CHARS_MAX, parseSdJwt, resolveDisclosures } from '../../../src/protocols/ucp/ap2/sd-jwt';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const digest = (d: string) => createHash('sha256').update(d, 'ascii').digest('base64url');
const disclose = (...parts: unknown[]) => b64([randomBytes(8).toString('base64url'), ...parts]);

describe('resolveDisclosures (RFC 9901)', () => {
  it('when claims are disclosed at several depths and in arrays, with decoys, then each is put back where its digest is', () => {
    const city = disclose('city', 'Paris');
    const second = disclose('mug');
    const address = disclose('address', { street: 'Rue 1', _sd: [digest(city)] });
    const payload = {
      _sd_alg: 'sha-256',
      _sd: [digest(address), digest('decoy')],
      items: ['tee', { '...': digest(second) }, { '...': digest('decoy2') }],
    };
    expect(resolveDisclosures(payload, [address, city, second])).toEqual({
      address: { street: 'Rue 1', city: 'Paris' },
      items: ['tee', 'mug'],
    });
  });

  it('when a disclosure is named __proto__, then it stays a plain claim and pollutes nothing', () => {
    const evil = disclose('__proto__', { polluted: true });
    const claims = resolveDisclosures({ _sd: [digest(evil)] }, [evil]);
    expect(Object.keys(claims)).toEqual(['__proto__']);
    expect((claims as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each([
    ['a disclosure no digest references', () => [{ _sd: [] }, [disclose('x', 1)]]],
    ['a digest listed twice', () => ((d) => [{ _sd: [digest(d), digest(d)] }, [d]])(disclose('x', 1))],
    ['a claim disclosed over a clear one', () => ((d) => [{ x: 0, _sd: [digest(d)] }, [d]])(disclose('x', 1))],
    ['a disclosure named _sd', () => ((d) => [{ _sd: [digest(d)] }, [d]])(disclose('_sd', []))],
    ['an object disclosure in an array', () => ((d) => [{ a: [{ '...': digest(d) }] }, [d]])(disclose('x', 1))],
    ['a disclosure that is not an array', () => ((d) => [{ _sd: [digest(d)] }, [d]])(b64({ x: 1 }))],
    ['another _sd_alg', () => [{ _sd_alg: 'sha-512' }, []]],
    ['an _sd that is not an array', () => [{ _sd: 'x' }, []]],
  ])('when there is %s, then it is mandate_invalid_signature', (_name, make) => {
    const [payload, disclosures] = make() as [Record<string, unknown>, string[]];
    expect(() => resolveDisclosures(payload, disclosures)).toThrow(expect.objectContaining({ code: 'mandate_invalid_signature' }));
  });
});

describe('parseSdJwt', () => {
  const jwt = `${b64({ alg: 'ES256' })}.${b64({ exp: 1 })}.${Buffer.alloc(64).toString('base64url')}`;

  it('when the presentation is issuer JWT, disclosures and key binding, then each part is split out as sent', () => {
    const disclosure = disclose('x', 1);
    const parsed = parseSdJwt(`${jwt}~${disclosure}~${jwt}`);
    expect(parsed).toMatchObject({
      issuerJwt: { signingInput: jwt.slice(0, jwt.lastIndexOf('.')) },
      disclosures: [disclosure],
      sdHashInput: `${jwt}~${disclosure}~`,
    });
    expect(parsed.keyBinding?.header).toEqual({ alg: 'ES256' });
    expect(parseSdJwt(`${jwt}~`).keyBinding).toBeNull();
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['longer than the bound', 'a'.repeat(MANDATE_CHARS_MAX + 1)],
    ['a JWT without any ~', jwt],
    ['more disclosures than the bound', `${jwt}~${'x~'.repeat(DISCLOSURES_MAX + 1)}`],
    ['a disclosure that is not base64url', `${jwt}~not base64!~`],
    ['an issuer part of two segments', `${b64({ alg: 'ES256' })}.${b64({})}~`],
    ['an issuer header that is not JSON', `bm90IGpzb24.${b64({})}.${Buffer.alloc(64).toString('base64url')}~`],
    ['an issuer signature that is not base64url', `${b64({ alg: 'ES256' })}.${b64({})}.sig=~`],
    ['a key binding that is not a JWS', `${jwt}~a.b`],
  ])('when the presentation is %s, then it is mandate_invalid_signature', (_name, text) => {
    expect(() => parseSdJwt(text)).toThrow(expect.objectContaining({ code: 'mandate_invalid_signature' }));
  });
});
