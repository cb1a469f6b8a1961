import jwt from 'jsonwebtoken';
import { TokenIssuer } from '../../src/modules/auth/token-issuer';
import type { Principal } from '../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../src/shared/tenant-settings';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256-use';
const user: Principal = { sub: 'usr_1', role: 'user', permissions: ['wallet:read'], tenantId: DEFAULT_TENANT_ID };

describe('access tokens verified once and remembered', () => {
  it('when a remembered token is presented again, then it gives the same principal, which no caller can change', () => {
    const issuer = new TokenIssuer(SECRET, 60);
    const token = issuer.sign(user);

    const first = issuer.verify(token);
    const again = issuer.verify(token);

    expect(again).toEqual({ ...user, tokenId: expect.any(String), tokenExpiresAtMs: expect.any(Number) });
    expect(again).toBe(first);
    expect(Object.isFrozen(again) && Object.isFrozen(again.permissions)).toBe(true);
  });

  it('when a principal of another tenant is signed, then the token carries its tenant (claim tid) and verifies to it', () => {
    const issuer = new TokenIssuer(SECRET, 60);
    const token = issuer.sign({ ...user, tenantId: 'ten_b' });
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ tid: 'ten_b' });
    expect(issuer.verify(token).tenantId).toBe('ten_b');
  });

  it("when a token names no tenant (issued before tenants), then it verifies to the default tenant's principal", () => {
    const issuer = new TokenIssuer(SECRET, 60);
    const token = jwt.sign({ role: 'user', permissions: ['wallet:read'] }, SECRET, {
      algorithm: 'HS256',
      subject: 'usr_1',
      issuer: 'ocp',
      expiresIn: 60,
    });
    expect(issuer.verify(token).tenantId).toBe(DEFAULT_TENANT_ID);
  });

  it('when a token differs from a remembered one by one character, then it is still checked and refused', () => {
    const issuer = new TokenIssuer(SECRET, 60);
    const token = issuer.sign(user);
    issuer.verify(token);
    const last = token.at(-1)!;
    const tampered = token.slice(0, -1) + (last === 'A' ? 'B' : 'A');

    expect(() => issuer.verify(tampered)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
  });

  it('when a remembered token expires, then it is refused as expired', () => {
    jest.useFakeTimers({ now: Date.now() });
    try {
      const issuer = new TokenIssuer(SECRET, 60);
      const token = issuer.sign(user, 1);
      expect(issuer.verify(token).sub).toBe('usr_1');

      jest.setSystemTime(Date.now() + 1_100);

      expect(() => issuer.verify(token)).toThrow(expect.objectContaining({ code: 'token_expired' }));
    } finally {
      jest.useRealTimers();
    }
  });

  it('when a token was signed with another secret, then remembering tokens does not let it in', () => {
    const issuer = new TokenIssuer(SECRET, 60);
    const foreign = new TokenIssuer(`${SECRET}-other`, 60).sign(user);
    issuer.verify(issuer.sign(user));

    expect(() => issuer.verify(foreign)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
  });
});
