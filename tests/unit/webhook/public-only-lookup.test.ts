import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { publicOnlyLookup, TargetAddressNotAllowed } from '../../../src/modules/webhook/public-only-lookup';

/** A resolver that answers `addresses` the way dns.lookup does, one or all depending on options.all. */
function fakeLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

function resolve(lookup: LookupFunction, options: LookupOptions) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
    lookup('hooks.example.com', options, (error, address) => done({ error, address })),
  );
}

describe('publicOnlyLookup', () => {
  it('when every answer is public, then they are passed on, one or all', async () => {
    const answers = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    const lookup = publicOnlyLookup(fakeLookup(answers));
    expect(await resolve(lookup, {})).toEqual({ error: null, address: '93.184.216.34' });
    expect(await resolve(lookup, { all: true })).toEqual({ error: null, address: answers });
  });

  it.each([
    [[{ address: '127.0.0.1', family: 4 }]],
    [[{ address: '169.254.169.254', family: 4 }]],
    [[{ address: '::ffff:10.0.0.1', family: 6 }]],
    [
      [
        { address: '93.184.216.34', family: 4 },
        { address: 'fd00::1', family: 6 },
      ],
    ],
  ])('when an answer is not public (%j), then the lookup fails with target_address_not_allowed', async (answers) => {
    const { error } = await resolve(publicOnlyLookup(fakeLookup(answers)), { all: true });
    expect(error).toBeInstanceOf(TargetAddressNotAllowed);
    expect(error).toMatchObject({ code: 'target_address_not_allowed', hostname: 'hooks.example.com' });
  });

  it('when the resolver fails, then its error is passed on', async () => {
    const failing: LookupFunction = (hostname, _options, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    const { error } = await resolve(publicOnlyLookup(failing), {});
    expect(error?.code).toBe('ENOTFOUND');
  });
});
