/** A user keeps at most this many sign-in addresses (the least recently seen is replaced). */
export const CLIENT_ADDRESSES_PER_USER_MAX = 5;

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * One spelling per client address, as the sign-in records and the risk screen compare them: an IPv4
 * client seen through a dual-stack socket (::ffff:a.b.c.d) is a.b.c.d. Undefined when unknown or
 * longer than any address (64 characters).
 */
export function normalizedAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const address = (IPV4_MAPPED.exec(ip)?.[1] ?? ip).toLowerCase();
  return address.length <= 64 ? address : undefined;
}
