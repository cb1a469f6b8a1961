import { normalizedAddress } from '../../src/shared/client-address';

describe('client address spelling (sign-in records and the risk screen compare them)', () => {
  it('when an IPv4 client is seen through a dual-stack socket, then it is written as IPv4', () => {
    expect(normalizedAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizedAddress('::FFFF:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizedAddress('203.0.113.9')).toBe('203.0.113.9');
  });

  it('when the address is IPv6, then it is kept in lower case; unknown or oversized is undefined', () => {
    expect(normalizedAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizedAddress(undefined)).toBeUndefined();
    expect(normalizedAddress('')).toBeUndefined();
    expect(normalizedAddress('x'.repeat(65))).toBeUndefined();
  });
});
