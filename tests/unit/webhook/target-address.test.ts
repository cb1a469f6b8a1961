import { isKnownNonPublicHost, isPublicAddress } from '../../../src/modules/webhook/target-address';

describe('isPublicAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0/8'],
    ['10.0.0.5', '10/8'],
    ['10.255.255.255', '10/8, last'],
    ['100.64.0.1', 'carrier-grade NAT 100.64/10'],
    ['100.127.255.254', 'carrier-grade NAT, last'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback 127/8'],
    ['169.254.169.254', 'cloud metadata, link-local'],
    ['172.16.0.1', '172.16/12'],
    ['172.31.255.255', '172.16/12, last'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['192.168.1.1', '192.168/16'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.9', 'TEST-NET-3'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast, last block'],
    ['240.0.0.1', 'reserved 240/4'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'IPv6 unspecified'],
    ['::1', 'IPv6 loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped metadata address, long form'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['64:ff9b::7f00:1', 'NAT64 of a loopback'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['100::1', 'discard-only'],
    ['fc00::1', 'unique-local fc00::/7'],
    ['fd12:3456:789a::1', 'unique-local fd00::/8'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone id'],
    ['febf:ffff::1', 'link-local, last'],
    ['fec0::1', 'site-local (deprecated)'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'Teredo'],
    ['2002:7f00:1::1', '6to4'],
    ['3fff::1', 'documentation 3fff::/20'],
    ['example.com', 'not an IP address'],
    ['', 'empty'],
  ])('when %s (%s), then it is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['172.15.255.255'],
    ['172.32.0.0'],
    ['169.253.255.255'],
    ['223.255.255.255'],
    ['2606:4700::1111'],
    ['2001:4860:4860::8888'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
  ])('when %s, then it is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('isKnownNonPublicHost', () => {
  // Hosts as WHATWG URL leaves them: it rewrites decimal, hex and short IPv4 spellings.
  it.each([
    'http://2130706433/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://017700000001/',
    'http://127.0.0.1./',
    'https://0/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[0:0:0:0:0:ffff:a9fe:a9fe]/',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
  ])('when the URL is %s, then its host is known to be non-public', (url) => {
    expect(isKnownNonPublicHost(new URL(url).hostname)).toBe(true);
  });

  it.each(['https://example.com/', 'https://8.8.8.8/', 'https://[2606:4700::1111]/', 'https://localhost.example.com/'])(
    'when the URL is %s, then its host is not known to be non-public (DNS decides at delivery)',
    (url) => {
      expect(isKnownNonPublicHost(new URL(url).hostname)).toBe(false);
    },
  );
});
