import type { Cache } from '../../../src/infra/cache/cache';
import type { IdempotencyRepository, StoredReply } from '../../../src/modules/idempotency/idempotency.repository';
import { IdempotencyService } from '../../../src/modules/idempotency/idempotency.service';
import { openTestCache } from '../../support/test-app';

const LEASE_MS = 300;

/** Stores nothing: these tests are about the in-flight marker, not the stored reply. */
const noReplies: IdempotencyRepository = {
  find: async (): Promise<StoredReply | null> => null,
  save: async () => true,
  deleteExpired: async () => 0,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function inFlightCode(service: IdempotencyService, key: string): Promise<string | undefined> {
  try {
    await (await service.claim('user-1', key, 'hash')).release();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('Idempotency-Key lease', () => {
  // The in-memory cache, or Redis when REDIS_URL is set (as several instances would share it).
  let cache: Cache;
  beforeEach(() => {
    cache = openTestCache();
  });
  afterEach(() => cache.close());

  it('when the process running a request dies, then a retry is admitted once the lease has lapsed', async () => {
    // Two processes sharing one cache (as with Redis): the first claims the key, then crashes.
    const crashed = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    const survivor = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    await crashed.claim('user-1', 'key-1', 'hash');
    crashed.stopRenewals(); // what a crash does: no release, no more renewals

    expect(await inFlightCode(survivor, 'key-1')).toBe('idempotency_in_flight');
    await sleep(LEASE_MS + 100);
    expect(await inFlightCode(survivor, 'key-1')).toBeUndefined();
  });

  it('when a live request runs longer than the lease, then it keeps its key until it releases it', async () => {
    const owner = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    const other = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    const claim = await owner.claim('user-1', 'key-2', 'hash');

    await sleep(LEASE_MS * 3);
    expect(await inFlightCode(other, 'key-2')).toBe('idempotency_in_flight');

    await claim.release();
    expect(await inFlightCode(other, 'key-2')).toBeUndefined();
  });

  it('when a lapsed claim releases after another request took the key, then the other keeps its marker', async () => {
    const slow = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    const next = new IdempotencyService(noReplies, cache, { keyTtlMs: 86_400_000, leaseMs: LEASE_MS });
    const stale = await slow.claim('user-1', 'key-3', 'hash');
    slow.stopRenewals(); // stalled past its lease
    await sleep(LEASE_MS + 100);
    const fresh = await next.claim('user-1', 'key-3', 'hash');

    await stale.release();
    expect(await inFlightCode(slow, 'key-3')).toBe('idempotency_in_flight');
    await fresh.release();
  });
});
