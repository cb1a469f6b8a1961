import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/wallet/transfer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function fundedPair(amount = 1_000) {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, amount);
    return { alice, bob, from, to };
  }

  it('when funds suffice, then 201 with the transfer, a debit and a credit linked by one transferId', async () => {
    const { alice, from, to } = await fundedPair();
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '250', description: 'rent' });
    expect(res.status).toBe(201);
    expect(res.body.transfer).toMatchObject({ type: 'transfer', status: 'completed', amount: '250', currency: 'USD' });
    expect(res.body.debit).toMatchObject({ walletId: from.id, direction: 'debit', amount: '250', balanceAfter: '750' });
    expect(res.body.credit).toMatchObject({ walletId: to.id, direction: 'credit', amount: '250', balanceAfter: '250' });
    expect(res.body.debit.transferId).toBe(res.body.transfer.id);
    expect(res.body.credit.transferId).toBe(res.body.transfer.id);
    expect(await balanceOf(t, from.id)).toBe(750n);
    expect(await balanceOf(t, to.id)).toBe(250n);
  });

  it.each([
    ['a float', 10.5],
    ['a decimal string', '10.50'],
    ['negative', '-5'],
    ['zero', '0'],
    ['non-numeric', 'ten'],
    ['beyond 2^63-1', '9223372036854775808'],
    ['missing', undefined],
  ])('when the amount is %s, then 400 and nothing moves', async (_label, amount) => {
    const { alice, from, to } = await fundedPair();
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.amount');
    expect(await balanceOf(t, from.id)).toBe(1_000n);
  });

  it('when the request is refused for any reason, then it writes nothing', async () => {
    const { alice, bob, from, to } = await fundedPair();
    const euros = await createWallet(t, bob, 'EUR');
    const stranger = await createWallet(t, bob);
    const cases: [Record<string, unknown>, number, string, (string | null)?][] = [
      [{ fromWalletId: from.id, toWalletId: to.id, amount: '5000' }, 422, 'insufficient_funds'],
      [{ fromWalletId: from.id, toWalletId: from.id, amount: '1' }, 400, 'same_wallet'],
      [{ fromWalletId: from.id, toWalletId: euros.id, amount: '1' }, 400, 'currency_mismatch'],
      [{ fromWalletId: from.id, toWalletId: to.id, amount: '1', currency: 'EUR' }, 400, 'currency_mismatch'],
      [{ fromWalletId: stranger.id, toWalletId: to.id, amount: '1' }, 404, 'wallet_not_found'],
      [{ fromWalletId: from.id, toWalletId: 'wal_doesnotexist', amount: '1' }, 404, 'wallet_not_found'],
      [{ fromWalletId: from.id, toWalletId: 'sys_adjustments_USD_0', amount: '1' }, 404, 'wallet_not_found'],
      [{ fromWalletId: from.id, toWalletId: to.id, amount: '1' }, 400, 'idempotency_key_missing', null],
      [{ fromWalletId: from.id, toWalletId: to.id, amount: '1', balance: '99' }, 400, 'validation_failed'],
    ];
    const before = await t.container.db.query('SELECT count(*)::int AS n FROM transactions');
    for (const [body, status, code, key] of cases) {
      const res = await transfer(t, alice, body, key === null ? null : undefined);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    const after = await t.container.db.query('SELECT count(*)::int AS n FROM transactions');
    expect(after.rows).toEqual(before.rows);
    expect(await balanceOf(t, from.id)).toBe(1_000n);
  });

  it('when either wallet is frozen or closed, then 409 wallet_not_active and nothing moves', async () => {
    const { alice, bob, from, to } = await fundedPair();
    const setStatus = async (user: typeof alice, walletId: string, status: string) =>
      expect((await t.http().patch(`/api/v1/wallets/${walletId}`).set(user.auth).send({ status })).status).toBe(200);
    const refused = async (fromWalletId: string, toWalletId: string) => {
      const res = await transfer(t, alice, { fromWalletId, toWalletId, amount: '1' });
      expect([res.status, res.body.error?.code]).toEqual([409, 'wallet_not_active']);
    };
    const closed = await createWallet(t, bob);
    await setStatus(bob, closed.id, 'closed');
    await refused(from.id, closed.id);

    await setStatus(bob, to.id, 'frozen');
    await refused(from.id, to.id);

    await setStatus(alice, from.id, 'frozen');
    await refused(from.id, (await createWallet(t, bob)).id);
    expect(await balanceOf(t, from.id)).toBe(1_000n);
    expect(await balanceOf(t, to.id)).toBe(0n);
  });

  it('when a service client with wallet:transfer moves money between wallets it does not own, then 201', async () => {
    const { from, to } = await fundedPair();
    const admin = await t.http().post('/api/v1/auth/login').send({ email: 'admin@ocp.test', password: 'admin-password-123' });
    const client = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set({ Authorization: `Bearer ${admin.body.accessToken}` })
      .send({ name: 'payouts', permissions: ['wallet:transfer'] });
    const token = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ clientId: client.body.clientId, clientSecret: client.body.clientSecret });
    const service = { auth: { Authorization: `Bearer ${token.body.accessToken}` } } as Parameters<typeof transfer>[1];
    const res = await transfer(t, service, { fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    expect(res.status).toBe(201);
    expect(await balanceOf(t, to.id)).toBe(100n);
  });

  it('after everything above, then the ledger invariants hold', async () => {
    const invariants = await ledgerInvariants(t);
    expect(invariants).toEqual({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
