import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './target-address';

/** The error code a delivery records when its target is not a public address. */
export const TARGET_ADDRESS_NOT_ALLOWED = 'target_address_not_allowed';

export class TargetAddressNotAllowed extends Error {
  override readonly name = 'TargetAddressNotAllowed';
  readonly code = TARGET_ADDRESS_NOT_ALLOWED;
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, which is not a public address`);
  }
}

/**
 * A `lookup` for http(s) agents that fails when the name resolves to any non-public address.
 * It runs for every connection, so the address checked is the address connected to: a name that
 * resolved to a public address at registration and to 169.254.169.254 now (DNS rebinding) is
 * refused. All the answers must be public, not just one, whichever of them the socket would try
 * (Node 20 tries several when autoSelectFamily asks for all of them).
 * IP literals never reach a lookup: the sender checks those itself.
 */
export function publicOnlyLookup(lookup: LookupFunction = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const refused = addresses.find((a) => !isPublicAddress(a));
      if (refused !== undefined) return callback(new TargetAddressNotAllowed(hostname, refused), address, family);
      callback(null, address, family);
    });
  };
}
