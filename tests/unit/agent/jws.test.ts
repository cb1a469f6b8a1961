import { generateKeyPairSync } from 'node:crypto';
import { decodeJws, signEs256, verifyEs256 } from '../../../src/modules/agent/mandate/jws';

describe('ES256 compact JWS', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('when signed and verified with the matching key, then it verifies and decodes to the same claims', () => {
    const token = signEs256({ sub: 'agt_1', n: 1 }, 'mk_1', privateKey);
    const jws = decodeJws(token)!;
    expect(jws.header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'mk_1' });
    expect(jws.payload).toEqual({ sub: 'agt_1', n: 1 });
    expect(jws.signature).toHaveLength(64);
    expect(verifyEs256(jws, publicKey)).toBe(true);
  });

  it('when the header says another algorithm, or another key verifies, then it does not verify', () => {
    const token = signEs256({ a: 1 }, 'k', privateKey);
    const [, p, s] = token.split('.');
    const none = decodeJws(`${Buffer.from('{"alg":"none","kid":"k"}').toString('base64url')}.${p}.${s}`)!;
    expect(verifyEs256(none, publicKey)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyEs256(decodeJws(token)!, other)).toBe(false);
  });

  it('when the text is not a compact JWS, then decode gives null', () => {
    for (const bad of ['', 'a.b', 'a.b.c.d', 'x.y.z', '!!.e30.AA', `${Buffer.from('[1]').toString('base64url')}.e30.AA`]) {
      expect(decodeJws(bad)).toBeNull();
    }
  });
});
