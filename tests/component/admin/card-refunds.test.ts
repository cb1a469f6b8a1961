import { randomUUID } from 'node:crypto';
import { auditRows, createOperator, type AdminRoleName } from '../../support/admin';
import { createWallet } from '../../support/ledger';
import { fakeStripe } from '../../support/fake-stripe';
import { createCardToken, fundWithCard } from '../../support/payments';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

type Auth = Record<string, string>;

/** Operators list card refunds and retry the failed ones (Stripe through a local fake). */
describe('admin card refunds', () => {
  const stripe = fakeStripe('sk_test_acr');
  let t: TestApp;
  const auth: Record<AdminRoleName | 'user', Auth> = {} as Record<AdminRoleName | 'user', Auth>;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      PAYMENT_PROCESSOR: 'stripe',
      STRIPE_API_URL: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_acr',
      PROVIDER_TIMEOUT_MS: '400',
      PROVIDER_RETRIES_MAX: '1',
      PROVIDER_BACKOFF_BASE_MS: '5',
    });
    auth.admin = (await loginAdmin(t)).auth;
    for (const role of ['support', 'finance', 'auditor'] as const) auth[role] = (await createOperator(t, role)).auth;
    auth.user = (await registerUser(t)).auth;
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });
  beforeEach(() => {
    stripe.clearFaults();
    stripe.state.refuseRefunds = false;
  });

  const settled = () => t.container.funding.cardRefunds.idle();

  /** A card funding refunded by its owner; the card refund settled (refused when `refuse`). */
  async function cardRefund(amount: string, { refuse = false, settle = true } = {}) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth);
    const funded = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount });
    expect(funded.status).toBe(201);
    const { rows } = await t.container.db.query<{ processor_charge_id: string }>(
      'SELECT processor_charge_id FROM card_charges WHERE id = $1',
      [funded.body.charge.id],
    );
    stripe.state.refuseRefunds = refuse;
    const spy = settle ? undefined : jest.spyOn(t.container.funding.cardRefunds, 'settle').mockImplementation(() => undefined);
    try {
      const res = await t
        .http()
        .post(`/api/v1/transactions/${funded.body.credit.id}/refund`)
        .set(alice.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ reason: 'test' });
      expect(res.status).toBe(201);
      await settled();
      stripe.state.refuseRefunds = false;
      return {
        id: res.body.externalRefund.id as string,
        refundTransferId: res.body.transfer.id as string,
        originalTransferId: funded.body.transfer.id as string,
        chargeId: funded.body.charge.id as string,
        intentId: rows[0]!.processor_charge_id,
      };
    } finally {
      spy?.mockRestore();
    }
  }

  const get = (who: Auth, id: string) => t.http().get(`/api/v1/admin/card-refunds/${id}`).set(who);
  const retry = (who: Auth, id: string, key = randomUUID(), body: object = { reason: 'customer called; dispute closed' }) =>
    t.http().post(`/api/v1/admin/card-refunds/${id}/retry`).set(who).set('Idempotency-Key', key).send(body);
  /** The Idempotency-Key of every refund request made for this payment intent. */
  const refundKeysOf = (intentId: string) =>
    stripe.requests.filter((r) => r.path === '/v1/refunds' && r.body.payment_intent === intentId).map((r) => r.headers['idempotency-key']);

  it('when the processor refused a card refund, then operators see it failed, without card or processor secrets', async () => {
    const r = await cardRefund('2100', { refuse: true });
    const res = await get(auth.auditor, r.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: r.id,
      refundTransferId: r.refundTransferId,
      originalTransferId: r.originalTransferId,
      chargeId: r.chargeId,
      processor: 'stripe',
      amount: '2100',
      currency: 'USD',
      status: 'failed',
      attempts: 1,
      lastError: 'processor_rejected',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.text).not.toContain(r.intentId);
    expect(res.text).not.toContain('sk_test');
    expect((await get(auth.support, 'crf_unknown')).body.error.code).toBe('card_refund_not_found');
  });

  it('when finance retries a failed refund after Stripe has forgotten the key, then it goes back to pending, is refunded exactly once under the same key, and the retry is audited', async () => {
    const r = await cardRefund('3000', { refuse: true });
    const before = stripe.state.refundsCreated;
    stripe.forgetIdempotencyKeys(); // 24 hours later
    const key = randomUUID();
    const res = await retry(auth.finance, r.id, key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: r.id, status: 'pending', attempts: 0, lastError: null });
    await settled();
    expect((await get(auth.finance, r.id)).body).toMatchObject({ status: 'succeeded', attempts: 1, lastError: null });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(r.intentId)).toBe(3000);
    // The refused attempt and the retry: both under the refund's own id.
    expect(refundKeysOf(r.intentId)).toEqual([r.id, r.id]);

    const replay = await retry(auth.finance, r.id, key);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
    await settled();
    expect(stripe.state.refundsCreated - before).toBe(1);

    const rows = await auditRows(t, { action: 'card_refund.retry', targetId: r.id });
    expect(rows).toEqual([
      expect.objectContaining({
        actor_role: 'finance',
        target_type: 'card_refund',
        outcome: 'succeeded',
        reason: 'customer called; dispute closed',
        before: { status: 'failed', attempts: 1, lastError: 'processor_rejected' },
        after: { status: 'pending', attempts: 0 },
        request_id: res.headers['x-request-id'],
        ip: expect.stringMatching(/127\.0\.0\.1/),
      }),
    ]);
  });

  it('when finance retries while Stripe still holds the refusal under that key, then the same refusal comes back and nothing is refunded', async () => {
    const r = await cardRefund('1200', { refuse: true });
    const before = stripe.state.refundsCreated;
    expect((await retry(auth.admin, r.id)).status).toBe(200);
    await settled();
    expect((await get(auth.admin, r.id)).body).toMatchObject({ status: 'failed', attempts: 1, lastError: 'processor_rejected' });
    expect(stripe.state.refundsCreated - before).toBe(0);
    expect(stripe.refundedOf(r.intentId)).toBe(0);
  });

  it('when a pending or succeeded refund is retried, then 409 and nothing changes (a refused row, no succeeded one)', async () => {
    const pending = await cardRefund('800', { settle: false });
    const succeeded = await cardRefund('900');
    for (const [r, status, attempts] of [
      [pending, 'pending', 0],
      [succeeded, 'succeeded', 1],
    ] as const) {
      const before = stripe.state.refundsCreated;
      const res = await retry(auth.finance, r.id);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'card_refund_not_failed', details: { status } });
      await settled();
      expect((await get(auth.finance, r.id)).body).toMatchObject({ status, attempts });
      expect(stripe.state.refundsCreated - before).toBe(0);
      const rows = await auditRows(t, { action: 'card_refund.retry', targetId: r.id });
      expect(rows).toEqual([
        expect.objectContaining({ outcome: 'refused', error_code: 'card_refund_not_failed', before: null, after: null }),
      ]);
    }
    expect((await retry(auth.finance, 'crf_unknown')).status).toBe(404);
  });

  it('when a retry fails validation, then 400 and no audit row', async () => {
    const r = await cardRefund('700', { refuse: true });
    expect((await retry(auth.finance, r.id, randomUUID(), {})).status).toBe(400);
    expect((await retry(auth.finance, r.id, randomUUID(), { reason: '   ' })).status).toBe(400);
    expect((await retry(auth.finance, r.id, randomUUID(), { reason: 'x', extra: 1 })).status).toBe(400);
    const noKey = await t.http().post(`/api/v1/admin/card-refunds/${r.id}/retry`).set(auth.finance).send({ reason: 'x' });
    expect(noKey.status).toBe(400);
    expect(await auditRows(t, { action: 'card_refund.retry', targetId: r.id })).toEqual([]);
    expect((await get(auth.finance, r.id)).body).toMatchObject({ status: 'failed' });
  });

  it('when 5 retries of one failed refund race, then one reopens it, the others get 409, and the card is refunded once', async () => {
    const r = await cardRefund('2500', { refuse: true });
    stripe.forgetIdempotencyKeys();
    const before = stripe.state.refundsCreated;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => retry(i % 2 ? auth.finance : auth.admin, r.id)));
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    await settled();
    expect((await get(auth.finance, r.id)).body).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(r.intentId)).toBe(2500);
    const rows = await auditRows(t, { action: 'card_refund.retry', targetId: r.id });
    expect(rows.filter((row) => row.outcome === 'succeeded')).toHaveLength(1);
    expect(rows.filter((row) => row.outcome === 'refused')).toHaveLength(4);
  });

  it('when the list is read by status with a small page size, then it pages newest first without gaps or repeats', async () => {
    const made = [
      await cardRefund('101', { refuse: true }),
      await cardRefund('102'),
      await cardRefund('103', { refuse: true }),
      await cardRefund('104', { settle: false }),
      await cardRefund('105', { refuse: true }),
    ];
    const pages = async (query: Record<string, string | number>) => {
      const seen: { id: string; status: string; createdAt: string }[] = [];
      let cursor: string | undefined;
      do {
        const res = await t
          .http()
          .get('/api/v1/admin/card-refunds')
          .query({ ...query, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(auth.support);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data);
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const all = await pages({});
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    const ours = all.filter((r) => made.some((m) => m.id === r.id)).map((r) => r.id);
    expect(ours).toEqual(made.map((m) => m.id).reverse());
    const sorted = [...all].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
    expect(all.map((r) => r.id)).toEqual(sorted.map((r) => r.id));

    const failed = await pages({ status: 'failed' });
    expect(failed.every((r) => r.status === 'failed')).toBe(true);
    expect(failed.map((r) => r.id).filter((id) => made.some((m) => m.id === id))).toEqual([made[4]!.id, made[2]!.id, made[0]!.id]);
    const pending = await pages({ status: 'pending' });
    expect(pending.map((r) => r.id)).toContain(made[3]!.id);
    expect(pending.every((r) => r.status === 'pending')).toBe(true);

    expect((await t.http().get('/api/v1/admin/card-refunds').query({ status: 'lost' }).set(auth.support)).status).toBe(400);
    expect((await t.http().get('/api/v1/admin/card-refunds').query({ limit: 101 }).set(auth.support)).status).toBe(400);
    expect((await t.http().get('/api/v1/admin/card-refunds').query({ cursor: 'nope' }).set(auth.support)).status).toBe(400);
  });

  it('when each role calls each route, then reading is for every operator and retrying for finance and admin only; a user gets 403', async () => {
    const r = await cardRefund('600');
    const routes = [
      {
        call: (a: Auth) => t.http().get('/api/v1/admin/card-refunds').set(a),
        allowed: ['admin', 'support', 'finance', 'auditor'],
        ok: 200,
      },
      { call: (a: Auth) => get(a, r.id), allowed: ['admin', 'support', 'finance', 'auditor'], ok: 200 },
      // A succeeded refund cannot be retried: allowed callers get past the permission check to 409.
      { call: (a: Auth) => retry(a, r.id), allowed: ['admin', 'finance'], ok: 409 },
    ];
    for (const { call, allowed, ok } of routes) {
      for (const who of ['admin', 'support', 'finance', 'auditor', 'user'] as const) {
        const res = await call(auth[who]);
        if (allowed.includes(who)) expect(res.status).toBe(ok);
        else expect({ who, status: res.status, code: res.body.error?.code }).toEqual({ who, status: 403, code: 'forbidden' });
      }
    }
  });
});
