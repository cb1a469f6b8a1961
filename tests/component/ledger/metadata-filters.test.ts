import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('metadata on transfers and wallets, and metadata[key]=value filters', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let aliceWallet: string;
  let bobWallet: string;
  beforeAll(async () => {
    t = await startTestApp();
    alice = await registerUser(t);
    bob = await registerUser(t);
    aliceWallet = (await createWallet(t, alice)).id;
    bobWallet = (await createWallet(t, bob)).id;
    await fund(t, aliceWallet, 100_000);
    await fund(t, bobWallet, 100_000);
  });
  afterAll(() => t.close());

  const get = (user: TestUser, path: string) => t.http().get(path).set(user.auth);
  const pay = async (from: TestUser, fromWalletId: string, toWalletId: string, metadata?: Record<string, unknown>) => {
    const res = await transfer(t, from, { fromWalletId, toWalletId, amount: '10', ...(metadata ? { metadata } : {}) });
    expect(res.status).toBe(201);
    return res.body.transfer.id as string;
  };
  const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((d) => d.id);

  it('when transfers carry metadata, then GET /transfers finds the caller’s by it, newest first, and no one else’s', async () => {
    const order = `ord_${randomUUID()}`;
    const first = await pay(alice, aliceWallet, bobWallet, { orderId: order, step: 'deposit' });
    const second = await pay(bob, bobWallet, aliceWallet, { orderId: order, step: 'refund', attempt: 2 });
    await pay(alice, aliceWallet, bobWallet, { orderId: `${order}-other` });
    await pay(alice, aliceWallet, bobWallet);
    const carol = await registerUser(t);
    const carolWallets = [(await createWallet(t, carol)).id, (await createWallet(t, carol)).id];
    await fund(t, carolWallets[0]!, 100);
    await pay(carol, carolWallets[0]!, carolWallets[1]!, { orderId: order });

    const found = await get(alice, `/api/v1/transfers?metadata[orderId]=${order}`);
    expect(found.status).toBe(200);
    expect(ids(found)).toEqual([second, first]);
    expect(found.body.data[0]).toMatchObject({ metadata: { orderId: order, step: 'refund', attempt: 2 }, journalId: null, amount: '10' });
    expect(ids(await get(alice, `/api/v1/transfers?metadata[orderId]=${order}&metadata[step]=deposit`))).toEqual([first]);
    // A number's JSON text finds the number.
    expect(ids(await get(alice, `/api/v1/transfers?metadata[orderId]=${order}&metadata[attempt]=2`))).toEqual([second]);
    // Carol's transfer with the same order id is hers alone.
    expect(ids(await get(carol, `/api/v1/transfers?metadata[orderId]=${order}`))).toHaveLength(1);

    const paged = await get(alice, `/api/v1/transfers?metadata[orderId]=${order}&limit=1`);
    expect(ids(paged)).toEqual([second]);
    const next = await get(alice, `/api/v1/transfers?metadata[orderId]=${order}&limit=1&cursor=${paged.body.nextCursor}`);
    expect([ids(next), next.body.nextCursor]).toEqual([[first], null]);
  });

  it('when a multi-leg transaction carries metadata, then its legs are found by it, each with the journal id', async () => {
    const order = `ord_${randomUUID()}`;
    const legs = [
      { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '90', currency: 'USD' },
      { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '10', currency: 'USD' },
    ];
    const res = await t
      .http()
      .post('/api/v1/transactions')
      .set(alice.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ legs, metadata: { orderId: order } });
    expect(res.status).toBe(201);
    const found = await get(bob, `/api/v1/transfers?metadata[orderId]=${order}`);
    expect(found.body.data.map((d: { journalId: string }) => d.journalId)).toEqual([res.body.id, res.body.id]);
    expect(new Set(ids(found))).toEqual(new Set(res.body.legs.map((l: { transferId: string }) => l.transferId)));
  });

  it("when a wallet's history is filtered by metadata, then only the entries of matching transfers come back", async () => {
    const order = `ord_${randomUUID()}`;
    const matching = await pay(alice, aliceWallet, bobWallet, { orderId: order });
    await pay(alice, aliceWallet, bobWallet, { orderId: 'someone-else' });
    const history = await get(bob, `/api/v1/wallets/${bobWallet}/transactions?metadata[orderId]=${order}`);
    expect(history.status).toBe(200);
    expect(history.body.data.map((e: { transferId: string; direction: string }) => [e.transferId, e.direction])).toEqual([
      [matching, 'credit'],
    ]);
    const none = await get(bob, `/api/v1/wallets/${bobWallet}/transactions?metadata[orderId]=${order}&type=refund`);
    expect(none.body.data).toEqual([]);
  });

  it('when wallets are listed by metadata, then only the matching ones come back, strings and numbers alike', async () => {
    const dave = await registerUser(t);
    const savings = await createWallet(t, dave, 'USD', { metadata: { purpose: 'savings', tier: 2 } });
    const spending = await createWallet(t, dave, 'USD', { metadata: { purpose: 'spending', tier: '2' } });
    await createWallet(t, dave, 'USD', { metadata: { purpose: 'savings', tier: 3 } });
    expect(ids(await get(dave, '/api/v1/wallets?metadata[tier]=2'))).toEqual([spending.id, savings.id]);
    expect(ids(await get(dave, '/api/v1/wallets?metadata[purpose]=savings&metadata[tier]=2'))).toEqual([savings.id]);
    expect(ids(await get(dave, '/api/v1/wallets?metadata[purpose]=none'))).toEqual([]);
    expect(ids(await get(dave, '/api/v1/wallets'))).toHaveLength(3);
    // Not another user's wallets with the same metadata.
    expect(ids(await get(alice, '/api/v1/wallets?metadata[purpose]=savings'))).toEqual([]);
  });

  it.each([
    ['no filter on /transfers', '/api/v1/transfers', 'query.metadata'],
    ['six filters', `/api/v1/transfers?${[1, 2, 3, 4, 5, 6].map((i) => `metadata[k${i}]=v`).join('&')}`, 'query.metadata'],
    ['an empty key', '/api/v1/transfers?metadata[]=v', 'query.metadata.'],
    ['a key past 40 characters', `/api/v1/wallets?metadata[${'k'.repeat(41)}]=v`, `query.metadata.${'k'.repeat(41)}`],
    ['a value past 500 characters', `/api/v1/wallets?metadata[k]=${'v'.repeat(501)}`, 'query.metadata.k'],
    ['a repeated filter', '/api/v1/wallets?metadata[k]=a&metadata[k]=b', 'query.metadata.k'],
    ['metadata beside filters', '/api/v1/wallets?metadata=x&metadata[k]=a', 'query.metadata'],
    ['an unknown parameter', '/api/v1/transfers?metadata[k]=a&colour=red', 'query.colour'],
  ])('when a list is asked with %s, then 400 naming the field', async (_case, path, field) => {
    const res = await get(alice, path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('when metadata is too large, has too many keys, long values or NUL bytes, then 400 and nothing is written', async () => {
    const before = await balanceOf(t, aliceWallet);
    const tooBig = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'x'.repeat(450)])); // ~4.6 KB
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    const cases: Array<[Record<string, unknown>, string]> = [
      [tooBig, 'body.metadata'],
      [tooMany, 'body.metadata'],
      [{ note: 'x'.repeat(501) }, 'body.metadata.note'],
      [{ note: 'a\u0000b' }, 'body.metadata.note'],
      [{ 'a\u0000b': 'note' }, 'body.metadata'],
      [{ nested: { deep: true } }, 'body.metadata.nested'],
    ];
    const legs = [
      { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '1', currency: 'USD' },
      { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '1', currency: 'USD' },
    ];
    for (const [metadata, field] of cases) {
      const single = await transfer(t, alice, { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '1', metadata });
      const multi = await t
        .http()
        .post('/api/v1/transactions')
        .set(alice.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ legs, metadata });
      const wallet = await t.http().post('/api/v1/wallets').set(alice.auth).send({ currency: 'USD', metadata });
      for (const res of [single, multi, wallet]) {
        expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
        expect(res.body.error.details.fields.map((f: { field: string }) => f.field).join(' ')).toContain(field);
      }
    }
    expect(await balanceOf(t, aliceWallet)).toBe(before);
  });
});
