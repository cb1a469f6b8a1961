import type { Principal } from '../../../src/shared/principal';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { PaymentSessionService } from '../../../src/modules/payment/session/payment-session.service';
import type { Wallet } from '../../../src/modules/wallet/wallet.repository';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

const TTL_MS = 15 * 60_000;
const owner: Principal = { sub: 'usr_owner', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
const wallet = { id: 'wal_1', userId: 'usr_owner', currency: 'USD', status: 'active' } as Wallet;

describe('PaymentSessionService', () => {
  let nowMs = 1_000_000;
  const cache = new MemoryCache(() => nowMs);
  const sessions = new PaymentSessionService(cache, { get: async () => wallet }, TTL_MS, () => nowMs);
  afterAll(() => cache.close());

  it('when 15 minutes have passed, then the session is gone', async () => {
    const session = await sessions.create(owner, 'apple_pay', { walletId: 'wal_1', amount: 500n, currency: 'USD' });
    nowMs += TTL_MS - 1;
    await expect(sessions.get(owner, 'apple_pay', session.id)).resolves.toMatchObject({ amount: 500n });
    nowMs += 1;
    await expect(sessions.claim(owner, 'apple_pay', session.id)).rejects.toMatchObject({ code: 'payment_session_not_found' });
  });

  it('when a session was claimed, then every later claim and read says used, until it expires', async () => {
    const session = await sessions.create(owner, 'google_pay', { walletId: 'wal_1', amount: 500n, currency: 'USD' });
    await sessions.claim(owner, 'google_pay', session.id, { walletId: 'wal_1', amount: 500n, currency: 'USD' });
    await expect(sessions.claim(owner, 'google_pay', session.id)).rejects.toMatchObject({ code: 'payment_session_used' });
    nowMs += TTL_MS - 1;
    await expect(sessions.get(owner, 'google_pay', session.id)).rejects.toMatchObject({ code: 'payment_session_used' });
  });

  it('when the expected wallet, amount or currency differ, then payment_session_mismatch names the fields', async () => {
    const session = await sessions.create(owner, 'apple_pay', { walletId: 'wal_1', amount: 500n, currency: 'USD' });
    await expect(sessions.claim(owner, 'apple_pay', session.id, { walletId: 'wal_2', amount: 501n })).rejects.toMatchObject({
      code: 'payment_session_mismatch',
      details: { fields: ['walletId', 'amount'] },
    });
  });

  it('when the wallet is frozen or of another currency, then no session is created', async () => {
    const frozen = new PaymentSessionService(cache, { get: async () => ({ ...wallet, status: 'frozen' }) }, TTL_MS);
    await expect(frozen.create(owner, 'apple_pay', { walletId: 'wal_1', amount: 1n, currency: 'USD' })).rejects.toMatchObject({
      code: 'wallet_not_active',
    });
    await expect(sessions.create(owner, 'apple_pay', { walletId: 'wal_1', amount: 1n, currency: 'EUR' })).rejects.toMatchObject({
      code: 'currency_mismatch',
    });
  });
});
