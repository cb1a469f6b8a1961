import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { LoginLocks } from '../../../src/modules/auth/login-locks';
import { SqlLockRecords } from '../../../src/modules/auth/adapters/sql-access-records';
import { createOperator } from '../../support/admin';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

describe('admin customer management', () => {
  let t: TestApp;
  let support: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp();
    support = await createOperator(t, 'support');
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) => t.http().post(`/api/v1/admin${path}`).set(support.auth).send(body);

  it('when searching by email prefix or by id, then the customer is found, and % matches only itself', async () => {
    const email = uniqueEmail('findme');
    const user = await registerUser(t, email);
    const byPrefix = await t
      .http()
      .get('/api/v1/admin/customers')
      .query({ q: email.slice(0, 12).toUpperCase() })
      .set(support.auth);
    expect(byPrefix.status).toBe(200);
    expect(byPrefix.body.data.map((c: { id: string }) => c.id)).toContain(user.id);
    const byId = await t.http().get('/api/v1/admin/customers').query({ q: user.id }).set(support.auth);
    expect(byId.body.data).toEqual([expect.objectContaining({ id: user.id, email, locked: false })]);
    const wildcard = await t.http().get('/api/v1/admin/customers').query({ q: '%' }).set(support.auth);
    expect(wildcard.body.data).toEqual([]);
  });

  it('when listing with limit 1, then the cursor walks every customer once', async () => {
    for (let i = 0; i < 3; i++) await registerUser(t);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t
        .http()
        .get('/api/v1/admin/customers')
        .query({ limit: 1, ...(cursor ? { cursor } : {}) })
        .set(support.auth);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    const { rows } = await t.container.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'user'");
    expect(seen).toHaveLength(rows[0]!.n);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when a profile is read, then it has wallets and recent transactions and no secret', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const a = await createWallet(t, alice);
    const b = await createWallet(t, bob);
    await fund(t, a.id, 1_000);
    await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '250' });
    const res = await t.http().get(`/api/v1/admin/customers/${alice.id}`).set(support.auth);
    expect(res.status).toBe(200);
    expect(res.body.customer.id).toBe(alice.id);
    expect(res.body.wallets).toEqual([expect.objectContaining({ id: a.id, balance: '750', status: 'active' })]);
    expect(res.body.recentTransactions.map((e: { direction: string; amount: string }) => [e.direction, e.amount])).toEqual([
      ['debit', '250'],
      ['credit', '1000'],
    ]);
    expect(res.body.agents).toEqual([]);
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|secret/i);
    expect((await t.http().get('/api/v1/admin/customers/usr_nobody').set(support.auth)).status).toBe(404);
  });

  it('when a wallet is frozen, then it can neither send nor receive, its owner cannot unfreeze it, and support can', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const a = await createWallet(t, alice);
    const b = await createWallet(t, bob);
    await fund(t, a.id, 500);
    const frozen = await post(`/wallets/${a.id}/freeze`, { reason: 'suspected fraud' });
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ status: 'frozen', frozenByOperator: true });
    expect((await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '1' })).status).toBe(409);
    expect((await transfer(t, bob, { fromWalletId: b.id, toWalletId: a.id, amount: '1' })).status).toBe(409);
    const byOwner = await t.http().patch(`/api/v1/wallets/${a.id}`).set(alice.auth).send({ status: 'active' });
    expect(byOwner.status).toBe(409);
    expect(byOwner.body.error.code).toBe('wallet_held');
    expect((await post(`/wallets/${a.id}/freeze`, { reason: 'again' })).status).toBe(409);
    expect((await post(`/wallets/${a.id}/unfreeze`, { reason: 'cleared' })).body.status).toBe('active');
    expect((await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '100' })).status).toBe(201);
    expect(await balanceOf(t, b.id)).toBe(100n);
  });

  it('when a whole customer is frozen and unfrozen, then every open wallet follows', async () => {
    const alice = await registerUser(t);
    const w1 = await createWallet(t, alice);
    const w2 = await createWallet(t, alice, 'EUR');
    const res = await post(`/customers/${alice.id}/freeze`, { reason: 'chargeback ring' });
    expect(res.status).toBe(200);
    expect(res.body.walletIds).toEqual([w1.id, w2.id].sort());
    const { rows } = await t.container.db.query<{ status: string }>('SELECT status FROM wallets WHERE user_id = $1', [alice.id]);
    expect(rows.every((r) => r.status === 'frozen')).toBe(true);
    expect((await post(`/customers/${alice.id}/unfreeze`, { reason: 'resolved' })).body.walletIds).toHaveLength(2);
    expect((await post('/customers/usr_nobody/freeze', { reason: 'x' })).status).toBe(404);
  });

  it('when a login is locked, then sign-in, refresh and its existing access token all fail; unlocking restores them', async () => {
    const user = await registerUser(t);
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(200);
    const locked = await post(`/customers/${user.id}/lock`, { reason: 'account takeover' });
    expect(locked.status).toBe(200);
    expect(locked.body).toMatchObject({ locked: true, lockedReason: 'account takeover' });
    const reuse = await t.http().get('/api/v1/wallets').set(user.auth);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('account_locked');
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'correct-horse-battery' });
    expect(login.body.error.code).toBe('account_locked');
    const refresh = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(refresh.body.error.code).toBe('account_locked');
    const wrongPassword = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-password-1' });
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');

    expect((await post(`/customers/${user.id}/unlock`, { reason: 'verified by phone' })).body.locked).toBe(false);
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(200);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(200);
  });

  it("when a merchant's owner is locked, then the merchant's API client is refused at once, with its token, and gets no new one", async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const client = await t.http().post(`/api/v1/merchants/${merchant.id}/api-clients`).set(owner.auth).send({ name: 'shop server' });
    expect(client.status).toBe(201);
    const exchange = () =>
      t.http().post('/api/v1/auth/token').send({ clientId: client.body.clientId, clientSecret: client.body.clientSecret });
    const before = { Authorization: `Bearer ${(await exchange()).body.accessToken}` };
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(before)).status).toBe(200);

    await post(`/customers/${owner.id}/lock`, { reason: 'fraud' });
    const res = await t.http().get(`/api/v1/merchants/${merchant.id}`).set(before);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('account_locked');
    const refused = await exchange();
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('account_locked');
    await post(`/customers/${owner.id}/unlock`, { reason: 'cleared' });
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(before)).status).toBe(200);
  });

  it('when the lock marker is gone from the cache (a restart), then warming from the database restores it', async () => {
    const user = await registerUser(t);
    await post(`/customers/${user.id}/lock`, { reason: 'restart test' });
    await t.container.cache.delete(`auth:locked:${user.id}`);
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(200);
    await new LoginLocks(t.container.cache, new SqlLockRecords(t.container.db), 60_000, t.container.logger).warm();
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(401);
  });
});
