import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('Idempotency-Key on transfers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function setup() {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    return { alice, bob, from, to, body: { fromWalletId: from.id, toWalletId: to.id, amount: '100' } };
  }

  it('when the same key and body come again, then the first reply is replayed and money moves once', async () => {
    const { alice, from, body } = await setup();
    const key = randomUUID();
    const first = await transfer(t, alice, body, key);
    const again = await transfer(t, alice, { amount: '100', toWalletId: body.toWalletId, fromWalletId: from.id }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await balanceOf(t, from.id)).toBe(900n);
  });

  it('when the retry spells the route another way the router accepts (case, trailing slash), then it is the same operation: replayed', async () => {
    const { alice, from, body } = await setup();
    const key = randomUUID();
    const first = await transfer(t, alice, body, key);
    expect(first.status).toBe(201);
    for (const path of ['/api/v1/WALLET/Transfer', '/api/v1/wallet/transfer/']) {
      const again = await t.http().post(path).set(alice.auth).set('Idempotency-Key', key).send(body);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
    }
    expect(await balanceOf(t, from.id)).toBe(900n);
  });

  it('when the Idempotency-Key header is missing, then 400 idempotency_key_missing naming the header, and no money moves', async () => {
    const { alice, from, body } = await setup();
    const res = await transfer(t, alice, body, null);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('idempotency_key_missing');
    expect(res.body.error.message).toMatch(/^The Idempotency-Key header is required/);
    expect(res.body.error.message).not.toMatch(/expected string|received undefined/);
    expect(await balanceOf(t, from.id)).toBe(1_000n);
  });

  it('when the same key comes with another body, then 422 idempotency_conflict', async () => {
    const { alice, from, body } = await setup();
    const key = randomUUID();
    await transfer(t, alice, body, key);
    const other = await transfer(t, alice, { ...body, amount: '101' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
    expect(await balanceOf(t, from.id)).toBe(900n);
  });

  it('when 50 requests share one key at once, then exactly one transfer happens and the rest replay or get 409', async () => {
    const { alice, from, body } = await setup();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => transfer(t, alice, body, key)));
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.transfer.id));
    expect(ids.size).toBe(1);
    for (const r of responses) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) {
        expect(r.body.error.code).toBe('idempotency_in_flight');
        expect(r.headers['retry-after']).toBe('1');
      }
    }
    expect(await balanceOf(t, from.id)).toBe(900n);
    const rows = await t.container.db.query('SELECT 1 FROM transactions WHERE wallet_id = $1 AND amount < 0', [from.id]);
    expect(rows.rowCount).toBe(1);
  });

  it('when two users use the same key, then each gets their own transfer', async () => {
    const one = await setup();
    const two = await setup();
    const key = randomUUID();
    expect((await transfer(t, one.alice, one.body, key)).status).toBe(201);
    expect((await transfer(t, two.alice, two.body, key)).status).toBe(201);
    expect(await balanceOf(t, two.from.id)).toBe(900n);
  });

  it('when a refused request is retried with its key after the cause is fixed, then it runs again', async () => {
    const { alice, from, to } = await setup();
    const key = randomUUID();
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '1500' };
    expect((await transfer(t, alice, body, key)).status).toBe(422);
    await fund(t, from.id, 1_000);
    const retried = await transfer(t, alice, body, key);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });
});
