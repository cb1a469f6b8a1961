import { randomUUID } from 'node:crypto';
import { SqlIdempotencyRepository } from '../../../src/modules/idempotency/adapters/sql-idempotency.repository';
import { IdempotencyService } from '../../../src/modules/idempotency/idempotency.service';
import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const LEASE_MS = 1_000;

describe('Idempotency-Key lease on transfers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
  });
  afterAll(() => t.close());

  it('when the instance running a transfer dies mid-request, then the retry gets 409 only until the lease lapses, then runs once', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    const key = randomUUID();

    // Another instance sharing the cache claims the key, then dies before committing anything.
    const crashed = new IdempotencyService(new SqlIdempotencyRepository(t.container.db), t.container.cache, {
      keyTtlMs: 86_400_000,
      leaseMs: LEASE_MS,
    });
    await crashed.claim(alice.id, key, 'whatever the dead request hashed');
    crashed.stopRenewals();

    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '100' };
    const blocked = await transfer(t, alice, body, key);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('idempotency_in_flight');
    expect(blocked.headers['retry-after']).toBe('1');

    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
    const retried = await transfer(t, alice, body, key);
    expect(retried.status).toBe(201);
    const replayed = await transfer(t, alice, body, key);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await balanceOf(t, from.id)).toBe(900n);
  });
});
