import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import {
  addProduct,
  completeCheckout,
  createCheckout,
  expectCheckout,
  expectUcpError,
  totalOf,
  UCP_AGENT,
} from '../../support/ucp-checkout';
import { issueCredential } from '../../support/ucp-credentials';

describe('UCP complete: what a platform cannot make OCP pay', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function shop(stock: number | null = null) {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Tee', price: 2500, stock });
    return { owner, merchant };
  }

  async function instrumentFor(agent: TestAgent, merchantId: string, checkoutId: string, amount: number | string) {
    const res = await issueCredential(t, agent, merchantId, { checkout_id: checkoutId, amount: String(amount), currency: 'USD' });
    if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.instrument as Record<string, unknown>;
  }

  const ordersOf = async (merchantId: string) =>
    Number(
      (await t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM merchant_orders WHERE merchant_id = $1', [merchantId])).rows[0]!
        .n,
    );

  it('when the platform sends its own price and total and a credential for that amount, then the complete is refused and nothing is paid', async () => {
    const { merchant } = await shop();
    const agent = await registerAgent(t, { funds: 10_000 });
    const checkout = expectCheckout(
      await createCheckout(t, merchant.id, {
        line_items: [{ item: { id: 'tee', title: 'Tee', price: 1 }, quantity: 2 }],
        totals: [{ type: 'total', amount: 2 }],
      }),
      201,
    );
    expect(totalOf(checkout)).toBe(5000);
    const cheap = await instrumentFor(agent, merchant.id, checkout.id, 2);
    const res = await completeCheckout(t, merchant.id, checkout.id, { payment_data: cheap });
    const [message] = expectUcpError(res, 422, 'credential_mismatch');
    expect(message!.severity).toBe('recoverable');
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    expect(await ordersOf(merchant.id)).toBe(0);

    // The catalog's total pays.
    const right = await instrumentFor(agent, merchant.id, checkout.id, 5000);
    expect(expectCheckout(await completeCheckout(t, merchant.id, checkout.id, { payment_data: right }), 200).status).toBe('completed');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_000n);
  });

  it('when a credential issued for merchant B, or for another checkout, is used at merchant A, then it is refused and nothing moves', async () => {
    const a = await shop();
    const b = await shop();
    const agent = await registerAgent(t, { funds: 10_000 });
    const checkout = expectCheckout(await createCheckout(t, a.merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const forB = await instrumentFor(agent, b.merchant.id, checkout.id, 2500);
    expectUcpError(await completeCheckout(t, a.merchant.id, checkout.id, { payment_data: forB }), 403, 'credential_wrong_business');

    const other = expectCheckout(await createCheckout(t, a.merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const forOther = await instrumentFor(agent, a.merchant.id, other.id, 2500);
    expectUcpError(await completeCheckout(t, a.merchant.id, checkout.id, { payment_data: forOther }), 422, 'credential_mismatch');

    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
    expect(await balanceOf(t, a.merchant.walletId)).toBe(0n);
    expect(await balanceOf(t, b.merchant.walletId)).toBe(0n);
  });

  it('when the token is garbage or missing, or the handler is not OCP’s, then a UCP error and nothing moves', async () => {
    const { merchant } = await shop();
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const garbage = {
      id: 'pi_1',
      handler_id: 'ocp_wallet',
      type: 'ocp_wallet',
      credential: { type: 'ocp_wallet_token', token: 'ocpwt_nope' },
    };
    const invalid = await completeCheckout(t, merchant.id, checkout.id, { payment_data: garbage });
    expect(invalid.status).toBeGreaterThanOrEqual(400);
    expect(invalid.status).toBeLessThan(500);
    expect(invalid.body.messages[0].code).toBe('credential_invalid');
    const missing = await completeCheckout(t, merchant.id, checkout.id, {
      payment_data: { id: 'pi_1', handler_id: 'ocp_wallet', type: 'ocp_wallet' },
    });
    expect(expectUcpError(missing, 400, 'validation_failed')[0]!.path).toBe('$.payment_data.credential.token');
    const card = { id: 'pi_2', handler_id: 'com.google.pay', type: 'card', credential: { type: 'PAYMENT_GATEWAY', token: 'x' } };
    expectUcpError(await completeCheckout(t, merchant.id, checkout.id, { payment_data: card }), 422, 'payment_handler_unsupported');
    expectUcpError(await completeCheckout(t, merchant.id, checkout.id, {} as never), 400, 'validation_failed');
    expect(await ordersOf(merchant.id)).toBe(0);
  });

  it('when the checkout is incomplete, canceled or unknown, then complete is refused before any redemption', async () => {
    const { merchant } = await shop(1);
    const agent = await registerAgent(t, { funds: 10_000 });
    const incomplete = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 2 }] }), 201);
    expect(incomplete.status).toBe('incomplete');
    const instrument = await instrumentFor(agent, merchant.id, incomplete.id, 5000);
    expectUcpError(await completeCheckout(t, merchant.id, incomplete.id, { payment_data: instrument }), 409, 'checkout_not_ready');

    const canceled = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    expectCheckout(await t.http().post(`/ucp/${merchant.id}/checkout-sessions/${canceled.id}/cancel`).set(UCP_AGENT), 200);
    const forCanceled = await instrumentFor(agent, merchant.id, canceled.id, 2500);
    expectUcpError(await completeCheckout(t, merchant.id, canceled.id, { payment_data: forCanceled }), 409, 'checkout_canceled');
    expectUcpError(await completeCheckout(t, merchant.id, 'chk_nope', { payment_data: forCanceled }), 404, 'checkout_not_found');
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
  });

  it('when the stock is sold out by another order before this one completes, then it is refused and the credential stays unspent', async () => {
    const { merchant } = await shop(1);
    const agent = await registerAgent(t, { funds: 10_000 });
    const first = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const second = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    expectCheckout(
      await completeCheckout(t, merchant.id, first.id, { payment_data: await instrumentFor(agent, merchant.id, first.id, 2500) }),
      200,
    );
    const late = await instrumentFor(agent, merchant.id, second.id, 2500);
    expectUcpError(await completeCheckout(t, merchant.id, second.id, { payment_data: late }), 409, 'out_of_stock');
    expect(await balanceOf(t, agent.walletId)).toBe(7_500n);
    const unspent = await t.container.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM ucp_payment_credentials WHERE checkout_id = $1 AND redeemed_at IS NULL',
      [second.id],
    );
    expect(Number(unspent.rows[0]!.n)).toBe(1);
  });

  it('when many completes run at once, with one credential or with several, then one order and one payment', async () => {
    const { merchant } = await shop();
    const agent = await registerAgent(t, { funds: 100_000 });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const one = await instrumentFor(agent, merchant.id, checkout.id, 2500);
    const several = await Promise.all(Array.from({ length: 4 }, () => instrumentFor(agent, merchant.id, checkout.id, 2500)));
    const attempts = [...Array.from({ length: 4 }, () => one), ...several];
    const results = await Promise.all(attempts.map((payment_data) => completeCheckout(t, merchant.id, checkout.id, { payment_data })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect([409, 422]).toContain(r.status);
      expect(r.body.error).toBeUndefined();
      expect(['checkout_completed', 'checkout_changed', 'credential_already_redeemed', 'idempotency_in_flight']).toContain(
        r.body.messages[0].code,
      );
    }
    expect(await ordersOf(merchant.id)).toBe(1);
    expect(await balanceOf(t, merchant.walletId)).toBe(2_500n);
    expect(await balanceOf(t, agent.walletId)).toBe(97_500n);
  });
});

describe('UCP complete with an expired credential', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ UCP_CREDENTIAL_TTL_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('when the credential has expired by completion, then credential_expired as a UCP message and nothing moves', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Tee', price: 2500 });
    const agent = await registerAgent(t, { funds: 10_000 });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 201);
    const issued = await issueCredential(t, agent, merchant.id, { checkout_id: checkout.id, amount: '2500', currency: 'USD' });
    expect(issued.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(issued.body.expires_at) - Date.now()) + 50));
    expectUcpError(
      await completeCheckout(t, merchant.id, checkout.id, { payment_data: issued.body.instrument }),
      409,
      'credential_expired',
    );
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
  });
});
