import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a webhook may reach when private targets are not allowed (SSRF): only globally
 * routable unicast. The ranges follow the IANA IPv4 and IPv6 special-purpose address registries.
 */
const IPV4_NOT_PUBLIC: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 connects to the local host
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, where cloud metadata services live (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast 255.255.255.255
];

/** Special ranges inside 2000::/3, the only IPv6 block with global unicast in it. */
const IPV6_NOT_PUBLIC: readonly [string, number][] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: tunnels to an embedded IPv4 address
  ['3fff::', 20], // documentation
];

const notPublic = new BlockList();
for (const [network, prefix] of IPV4_NOT_PUBLIC) notPublic.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of IPV6_NOT_PUBLIC) notPublic.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (zone id removed), a dotted IPv4 tail included. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head = '', tail] = text.split('::');
  if (tail === undefined) return parse(head);
  const [before, after] = [parse(head), parse(tail)];
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * The IPv4 address an IPv6 one stands for, when it does: IPv4-mapped (::ffff:a.b.c.d, which a
 * dual-stack socket connects to over IPv4) and NAT64 (64:ff9b::a.b.c.d, which a gateway
 * translates; DNS64 networks give every IPv4-only host such an address).
 */
function embeddedIpv4(groups: number[]): string | undefined {
  const high = groups.slice(0, 6).join(':');
  if (high !== '0:0:0:0:0:65535' && high !== '100:65435:0:0:0:0') return undefined;
  const [g6 = 0, g7 = 0] = groups.slice(6);
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/**
 * True when `address` (an IPv4 or IPv6 literal) is globally routable unicast: not private,
 * loopback, link-local, unique-local, carrier-grade NAT, multicast, unspecified, documentation or
 * otherwise reserved. Anything that is not an IP address is not public either.
 */
export function isPublicAddress(address: string): boolean {
  // A zone id ("fe80::1%eth0") only makes sense on link-local addresses, refused below anyway.
  const ip = address.split('%')[0] ?? '';
  switch (isIP(ip)) {
    case 4:
      return !notPublic.check(ip, 'ipv4');
    case 6: {
      const groups = ipv6Groups(ip);
      const ipv4 = embeddedIpv4(groups);
      if (ipv4 !== undefined) return isPublicAddress(ipv4);
      // Outside 2000::/3: unspecified, loopback, IPv4-compatible, discard-only, unique-local
      // fc00::/7, link-local fe80::/10, site-local, multicast ff00::/8, local-use NAT64.
      if (((groups[0] ?? 0) & 0xe000) !== 0x2000) return false;
      return !notPublic.check(ip, 'ipv6');
    }
    default:
      return false;
  }
}

/**
 * True when the host of a URL (`URL.hostname`: IPv6 in brackets, IPv4 already normalised from
 * spellings such as 2130706433 or 0x7f.1) is known without DNS to be no public target: an IP
 * literal outside the public ranges, or a localhost name (RFC 6761: always the loopback).
 */
export function isKnownNonPublicHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (isIP(host) !== 0) return !isPublicAddress(host);
  return host === 'localhost' || host.endsWith('.localhost');
}
