import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/admin/wallets/:id/adjustments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const adjust = (auth: Record<string, string>, walletId: string, body: object) =>
    t.http().post(`/api/v1/admin/wallets/${walletId}/adjustments`).set(auth).set('Idempotency-Key', randomUUID()).send(body);

  it('when an admin credits and debits, then the balance follows and who and why are recorded', async () => {
    const admin = await loginAdmin(t);
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const credit = await adjust(admin.auth, wallet.id, { amount: '700', reason: 'goodwill' });
    expect(credit.status).toBe(201);
    expect(credit.body.transfer).toMatchObject({ type: 'adjustment', description: 'goodwill' });
    expect((await adjust(admin.auth, wallet.id, { amount: '-200', reason: 'correction' })).status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(500n);
    const { rows } = await t.container.db.query<{ initiated_by: string }>(
      "SELECT initiated_by FROM transfers WHERE type = 'adjustment' AND (to_wallet_id = $1 OR from_wallet_id = $1)",
      [wallet.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.initiated_by.startsWith('usr_'))).toBe(true);
  });

  it('when a debit would go below zero, or the amount is zero, then it is refused and nothing changes', async () => {
    const admin = await loginAdmin(t);
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    expect((await adjust(admin.auth, wallet.id, { amount: '-1', reason: 'x' })).status).toBe(422);
    expect((await adjust(admin.auth, wallet.id, { amount: '0', reason: 'x' })).status).toBe(400);
    expect((await adjust(admin.auth, wallet.id, { amount: '5' })).status).toBe(400);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it('when a user calls it, then 403', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const res = await adjust(user.auth, wallet.id, { amount: '1000', reason: 'free money' });
    expect(res.status).toBe(403);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it('when 100 credits hit one currency at once, then all land and the ledger balances', async () => {
    const admin = await loginAdmin(t);
    const user = await registerUser(t);
    const wallets = [await createWallet(t, user), await createWallet(t, user)];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => adjust(admin.auth, wallets[i % 2]!.id, { amount: '10', reason: 'load' })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await balanceOf(t, wallets[0]!.id)) + (await balanceOf(t, wallets[1]!.id))).toBe(1_000n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0 });
  });
});
