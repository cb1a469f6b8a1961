import { createWallet, fund } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('merchants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com/' });
  });
  afterAll(() => t.close());

  const merchantCount = async () => Number((await t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM merchants')).rows[0]!.n);

  it('when a user binds one of their wallets, then 201 with a mer_ id, the wallet currency and an absolute UCP endpoint', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'EUR');
    const res = await t.http().post('/api/v1/merchants').set(user.auth).send({ walletId: wallet.id, displayName: '  Ada’s Books  ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ownerId: user.id, walletId: wallet.id, currency: 'EUR', displayName: 'Ada’s Books' });
    expect(res.body.id).toMatch(/^mer_/);
    expect(res.body.ucpEndpoint).toBe(`https://pay.example.com/ucp/${res.body.id}`);
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);

    const got = await t.http().get(`/api/v1/merchants/${res.body.id}`).set(user.auth);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('when a user lists merchants, then only their own come, newest first, page by page', async () => {
    const user = await registerUser(t);
    const other = await registerUser(t);
    await createMerchant(t, other);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createMerchant(t, user, 'USD', `Shop ${i}`)).id);
    const first = await t.http().get('/api/v1/merchants?limit=2').set(user.auth);
    expect(first.status).toBe(200);
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const second = await t.http().get(`/api/v1/merchants?limit=2&cursor=${first.body.nextCursor}`).set(user.auth);
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('when the owner renames a merchant, then the new name shows; an empty or control-character name is 400', async () => {
    const user = await registerUser(t);
    const merchant = await createMerchant(t, user);
    const res = await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(user.auth).send({ displayName: 'New Name' });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('New Name');
    for (const displayName of ['', '   ', 'line\nbreak', 'x'.repeat(101), 42]) {
      const bad = await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(user.auth).send({ displayName });
      expect(bad.status).toBe(400);
    }
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(user.auth)).body.displayName).toBe('New Name');
  });

  it("when the wallet is someone else's or a system wallet, then 404 wallet_not_found and no merchant is made", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const wallet = await createWallet(t, owner);
    await fund(t, wallet.id, 100); // an adjustment posts against a system wallet, so one exists
    const system = (await t.container.db.query<{ id: string }>("SELECT id FROM wallets WHERE kind = 'system' LIMIT 1")).rows[0]!.id;
    const before = await merchantCount();
    for (const walletId of [wallet.id, system, 'wal_does_not_exist']) {
      const res = await t.http().post('/api/v1/merchants').set(other.auth).send({ walletId, displayName: 'Mine' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('wallet_not_found');
    }
    expect(await merchantCount()).toBe(before);
  });

  it('when the wallet is frozen or closed, then 409 wallet_not_active and no merchant is made', async () => {
    const user = await registerUser(t);
    const frozen = await createWallet(t, user);
    const closed = await createWallet(t, user);
    await t.http().patch(`/api/v1/wallets/${frozen.id}`).set(user.auth).send({ status: 'frozen' }).expect(200);
    await t.http().patch(`/api/v1/wallets/${closed.id}`).set(user.auth).send({ status: 'closed' }).expect(200);
    const before = await merchantCount();
    for (const walletId of [frozen.id, closed.id]) {
      const res = await t.http().post('/api/v1/merchants').set(user.auth).send({ walletId, displayName: 'Shop' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('wallet_not_active');
    }
    expect(await merchantCount()).toBe(before);
  });

  it("when a user reads or renames another user's merchant, then 404 merchant_not_found without its data", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    for (const res of [
      await t.http().get(`/api/v1/merchants/${merchant.id}`).set(other.auth),
      await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(other.auth).send({ displayName: 'Stolen' }),
      await t.http().get(`/api/v1/merchants/${merchant.id}/products`).set(other.auth),
      await t.http().post(`/api/v1/merchants/${merchant.id}/api-clients`).set(other.auth).send({ name: 'x' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('merchant_not_found');
      expect(JSON.stringify(res.body)).not.toContain(owner.id);
    }
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(owner.auth)).body.displayName).toBe('Corner Shop');
  });

  it('when the body carries unknown fields, no token, or an over-long wallet id, then 4xx and nothing is made', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const before = await merchantCount();
    expect((await t.http().post('/api/v1/merchants').send({ walletId: wallet.id, displayName: 'x' })).status).toBe(401);
    for (const body of [
      { walletId: wallet.id, displayName: 'x', currency: 'EUR' },
      { walletId: wallet.id, displayName: 'x', ownerId: 'usr_other' },
      { walletId: 'w'.repeat(65), displayName: 'x' },
      { walletId: wallet.id },
    ]) {
      expect((await t.http().post('/api/v1/merchants').set(user.auth).send(body)).status).toBe(400);
    }
    expect(await merchantCount()).toBe(before);
  });
});
