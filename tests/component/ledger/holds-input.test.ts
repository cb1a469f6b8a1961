import { captureHold, createHold, fundsOf, payerAndPayee } from '../../support/holds';
import { createWallet, type TestUser } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

const DAY_MS = 86_400_000;

describe('holds: bad input is a 4xx that changes nothing', () => {
  let t: TestApp;
  let payer: TestUser;
  let from: { id: string };
  let to: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    ({ payer, from, to } = await payerAndPayee(t));
  });
  afterAll(() => t.close());

  const valid = () => ({ fromWalletId: from.id, toWalletId: to.id, amount: '100' });

  it.each([
    ['a JSON number amount', { amount: 100 }, 'body.amount'],
    ['a zero amount', { amount: '0' }, 'body.amount'],
    ['a negative amount', { amount: '-5' }, 'body.amount'],
    ['a decimal amount', { amount: '1.5' }, 'body.amount'],
    ['an amount past 2^63', { amount: '9223372036854775808' }, 'body.amount'],
    ['an amount above the maximum', { amount: '1000000000000001' }, 'body.amount'],
    ['an expiry in the past', { expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'body.expiresAt'],
    ['an expiry more than 30 days ahead', { expiresAt: new Date(Date.now() + 31 * DAY_MS).toISOString() }, 'body.expiresAt'],
    ['an impossible date', { expiresAt: '2027-02-30T10:00:00Z' }, 'body.expiresAt'],
    ['a date without an offset', { expiresAt: '2027-01-01T10:00:00' }, 'body.expiresAt'],
    ['year 0000', { expiresAt: '0000-01-01T00:00:00Z' }, 'body.expiresAt'],
    ['a lowercase currency', { currency: 'usd' }, 'body.currency'],
    ['an unknown field', { note: 'x' }, 'body.note'],
    ['a wallet id too long', { toWalletId: 'w'.repeat(65) }, 'body.toWalletId'],
    ['a description too long', { description: 'x'.repeat(501) }, 'body.description'],
    ['a NUL byte in the description', { description: 'a\u0000b' }, 'body.description'],
    ['a lone surrogate in the description', { description: 'a\ud800b' }, 'body.description'],
  ])('when a hold is asked with %s, then 400 names the field', async (_case, change, field) => {
    const res = await createHold(t, payer.auth, { ...valid(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain(field);
  });

  it('when the wallets are the same, differ in currency or do not exist, then 400 or 404 with the reason', async () => {
    const euro = await createWallet(t, payer, 'EUR');
    const same = await createHold(t, payer.auth, { ...valid(), toWalletId: from.id });
    expect([same.status, same.body.error.code]).toEqual([400, 'same_wallet']);
    const mixed = await createHold(t, payer.auth, { ...valid(), toWalletId: euro.id });
    expect([mixed.status, mixed.body.error.code]).toEqual([400, 'currency_mismatch']);
    const named = await createHold(t, payer.auth, { ...valid(), currency: 'EUR' });
    expect([named.status, named.body.error.code]).toEqual([400, 'currency_mismatch']);
    const nowhere = await createHold(t, payer.auth, { ...valid(), toWalletId: 'wal_missing' });
    expect([nowhere.status, nowhere.body.error.code]).toEqual([404, 'wallet_not_found']);
  });

  it('when a capture, a read or a list is malformed, then 4xx and the hold is untouched', async () => {
    const hold = (await createHold(t, payer.auth, valid())).body;
    for (const body of [{ amount: 50 }, { amount: '0' }, { amount: 'ten' }, { extra: true }]) {
      const res = await captureHold(t, payer.auth, hold.id, body);
      expect(res.status).toBe(400);
    }
    expect((await captureHold(t, payer.auth, 'hld_missing')).status).toBe(404);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/holds/${'h'.repeat(65)}`)
          .set(payer.auth)
      ).status,
    ).toBe(400);
    for (const query of ['status=open', 'limit=0', 'limit=101', 'cursor=not-a-cursor', 'x=1']) {
      const res = await t.http().get(`/api/v1/wallets/${from.id}/holds?${query}`).set(payer.auth);
      expect(res.status).toBe(400);
    }
    expect((await t.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth)).body.status).toBe('pending');
  });

  it('after all of it, only the valid holds hold money', async () => {
    const { rows } = await t.container.db.query<{ n: number; total: string }>(
      'SELECT count(*)::int AS n, COALESCE(sum(amount), 0)::text AS total FROM holds WHERE from_wallet_id = $1',
      [from.id],
    );
    expect(rows[0]).toEqual({ n: 1, total: '100' });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 9_900n, held: 100n });
  });
});
