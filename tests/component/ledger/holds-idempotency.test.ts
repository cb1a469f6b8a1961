import { randomUUID } from 'node:crypto';
import { captureHold, createHold, fundsOf, payerAndPayee, voidHold } from '../../support/holds';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('holds: Idempotency-Key on create, capture and void', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function holdsFrom(walletId: string): Promise<number> {
    const { rows } = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM holds WHERE from_wallet_id = $1', [
      walletId,
    ]);
    return rows[0]!.n;
  }

  it('when a create is sent twice with one key, then the second replays the first and holds nothing more', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const key = randomUUID();
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '1500' };
    const first = await createHold(t, payer.auth, body, key);
    const second = await createHold(t, payer.auth, body, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await holdsFrom(from.id)).toBe(1);
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 8_500n, held: 1_500n });

    const other = await createHold(t, payer.auth, { ...body, amount: '1600' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('when the same create races itself under one key, then one hold is made and the rest replay it or wait', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const key = randomUUID();
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '100' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => createHold(t, payer.auth, body, key)));
    expect(answers.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'idempotency_in_flight'))).toBe(true);
    expect(new Set(answers.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(1);
    expect(await holdsFrom(from.id)).toBe(1);
    expect((await fundsOf(t, payer.auth, from.id)).held).toBe(100n);
  });

  it('when a capture is retried with its key, then the reply is replayed and the money moved once', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '800' })).body;
    const key = randomUUID();
    const first = await captureHold(t, payee.auth, hold.id, { amount: '500' }, key);
    const again = await captureHold(t, payee.auth, hold.id, { amount: '500' }, key);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 500n, available: 500n, held: 0n });
    const { rows } = await t.container.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM transfers WHERE type = 'hold_capture' AND to_wallet_id = $1",
      [to.id],
    );
    expect(rows[0]!.n).toBe(1);
    // Another key is another capture: the hold is no longer pending.
    expect((await captureHold(t, payee.auth, hold.id, { amount: '500' })).status).toBe(409);
  });

  it('when a void is retried with its key, then the reply is replayed; a refused void stored nothing and answers again', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '300' })).body;
    const key = randomUUID();
    const first = await voidHold(t, payer.auth, hold.id, key);
    const again = await voidHold(t, payer.auth, hold.id, key);
    expect(first.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    const refusedKey = randomUUID();
    for (let i = 0; i < 2; i++) {
      const refused = await voidHold(t, payer.auth, hold.id, refusedKey);
      expect(refused.status).toBe(409);
      expect(refused.headers['idempotent-replayed']).toBeUndefined();
    }
  });

  it('when create, capture or void come without an Idempotency-Key, then 400 idempotency_key_missing and nothing changes', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '50' })).body;
    const answers = [
      await t.http().post('/api/v1/holds').set(payer.auth).send({ fromWalletId: from.id, toWalletId: to.id, amount: '50' }),
      await t.http().post(`/api/v1/holds/${hold.id}/capture`).set(payer.auth).send({}),
      await t.http().post(`/api/v1/holds/${hold.id}/void`).set(payer.auth),
    ];
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('idempotency_key_missing');
    }
    expect(await holdsFrom(from.id)).toBe(1);
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 9_950n, held: 50n });
  });
});
