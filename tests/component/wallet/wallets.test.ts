import { createWallet, fund } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('wallets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when a user opens a wallet, then it starts at zero and shows in their list', async () => {
    const user = await registerUser(t);
    const res = await t.http().post('/api/v1/wallets').set(user.auth).send({ currency: 'EUR', label: 'Travel' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ userId: user.id, currency: 'EUR', balance: '0', status: 'active', label: 'Travel' });
    const list = await t.http().get('/api/v1/wallets').set(user.auth);
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([res.body.id]);
  });

  it('when the body tries to set balance or status, or names an unknown currency, then 400 and nothing is created', async () => {
    const user = await registerUser(t);
    for (const body of [
      { currency: 'USD', balance: '100' },
      { currency: 'USD', status: 'frozen' },
      { currency: 'XYZ' },
      { currency: 'usd' },
      {},
    ]) {
      const res = await t.http().post('/api/v1/wallets').set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const list = await t.http().get('/api/v1/wallets').set(user.auth);
    expect(list.body.data).toHaveLength(0);
  });

  it("when a user asks for another user's wallet, then 404 without its data", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const wallet = await createWallet(t, owner);
    for (const res of [
      await t.http().get(`/api/v1/wallets/${wallet.id}`).set(other.auth),
      await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(other.auth).send({ label: 'mine' }),
      await t.http().get(`/api/v1/wallets/${wallet.id}/transactions`).set(other.auth),
    ]) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(owner.id);
    }
  });

  it('when a wallet with money is closed, then 409; once empty it closes and stays closed', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    await fund(t, wallet.id, 500);
    const refused = await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'closed' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('wallet_not_empty');

    await fund(t, wallet.id, -500);
    const closed = await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    const reopen = await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'active' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe('wallet_closed');
  });

  it('when a user has many wallets, then the list pages newest first with a cursor', async () => {
    const user = await registerUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createWallet(t, user, 'USD', { label: `w${i}` })).id);
    const first = await t.http().get('/api/v1/wallets?limit=2').set(user.auth);
    const second = await t.http().get(`/api/v1/wallets?limit=2&cursor=${first.body.nextCursor}`).set(user.auth);
    const third = await t.http().get(`/api/v1/wallets?limit=2&cursor=${second.body.nextCursor}`).set(user.auth);
    const seen = [...first.body.data, ...second.body.data, ...third.body.data].map((w: { id: string }) => w.id);
    expect(seen).toEqual([...ids].reverse());
    expect(third.body.nextCursor).toBeNull();
    const bad = await t.http().get('/api/v1/wallets?limit=500').set(user.auth);
    expect(bad.status).toBe(400);
  });
});
