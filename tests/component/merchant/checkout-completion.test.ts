import { newId } from '../../../src/infra/crypto/ids';
import type { CheckoutPaymentRequest, CheckoutPayments, CheckoutResult, CompleteHooks } from '../../../src/modules/merchant';
import { AppError, Unprocessable } from '../../../src/shared/errors';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, createCheckout, expectCheckout, UCP_AGENT, updateCheckout } from '../../support/ucp-checkout';
import { createWebhook } from '../../support/webhook-receiver';

/**
 * Completing a checkout against a small fake of the merchant module's payment port: it "pays" in
 * its own database transaction and runs the completion inside it, as the real redeemer does. The
 * real one is wired and tested end to end in tests/component/ucp.
 */
function fakePayments(t: TestApp) {
  const paid: CheckoutPaymentRequest[] = [];
  const port: CheckoutPayments = {
    handlerId: 'ocp_wallet',
    redeem: async (request, inTx) => {
      if (request.token === 'refused') throw new Unprocessable('payment_handler_unsupported', 'refused by the fake');
      const payment = { paymentId: newId('pay'), payerOwnerId: 'usr_payer' };
      await t.container.db.transaction(async (tx) => inTx(tx, payment));
      paid.push(request);
      return payment;
    },
  };
  return { port, paid };
}

describe('checkout completion (merchant module, fake payment port)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
  });
  afterAll(() => t.close());

  async function readyCheckout(stock: number | null = 5) {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Tee', price: 2500, stock });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 2 }] }), 201);
    expect(checkout.status).toBe('ready_for_complete');
    return { owner, merchant, checkout };
  }

  const stockOf = async (merchantId: string) =>
    (
      await t.container.db.query<{ stock: number | null }>("SELECT stock FROM merchant_products WHERE merchant_id = $1 AND id = 'tee'", [
        merchantId,
      ])
    ).rows[0]!.stock;
  const ordersOf = async (merchantId: string) =>
    Number(
      (await t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM merchant_orders WHERE merchant_id = $1', [merchantId])).rows[0]!
        .n,
    );
  const instrument = { handlerId: 'ocp_wallet', token: 'tok' };
  const noHook: CompleteHooks<CheckoutResult> = { check: async () => undefined, answer: async (r) => r, inTx: async () => undefined };

  it('when a ready checkout is completed, then it pays exactly its total to its merchant, places one order, takes the stock and enqueues order.created', async () => {
    const { owner, merchant, checkout } = await readyCheckout();
    await createWebhook(t, owner.auth, 'https://hooks.example.com/ocp', ['order.created']);
    const { port, paid } = fakePayments(t);
    const result = await t.container.services.merchants.completion(port).complete(merchant.id, checkout.id, instrument, noHook);

    expect(paid).toEqual([{ merchantId: merchant.id, token: 'tok', checkoutId: checkout.id, amount: 5000n, currency: 'USD' }]);
    expect(result.session.status).toBe('completed');
    expect(result.order).toMatchObject({
      merchantId: merchant.id,
      checkoutId: checkout.id,
      totalMinor: 5000n,
    });
    expect(await stockOf(merchant.id)).toBe(3);

    const deliveries = await t.container.db.query<{ event_type: string; payload: Record<string, unknown> }>(
      "SELECT event_type, payload FROM webhook_deliveries WHERE event_type = 'order.created' AND payload->>'merchantId' = $1",
      [merchant.id],
    );
    expect(deliveries.rows).toHaveLength(1);
    expect(deliveries.rows[0]!.payload).toMatchObject({
      orderId: result.order!.id,
      checkoutId: checkout.id,
      total: '5000',
      currency: 'USD',
    });

    const got = expectCheckout(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/${checkout.id}`).set(UCP_AGENT), 200);
    expect(got.status).toBe('completed');
    expect(got.order).toEqual({
      id: result.order!.id,
      permalink_url: `https://pay.example.com/api/v1/merchants/${merchant.id}/orders/${result.order!.id}`,
    });

    const list = await t.http().get(`/api/v1/merchants/${merchant.id}/orders`).set(owner.auth);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: result.order!.id,
        checkoutId: checkout.id,
        total: '5000',
        subtotal: '5000',
        tax: '0',
        currency: 'USD',
      }),
    ]);
    expect(list.body.data[0].lineItems).toEqual([
      expect.objectContaining({ itemId: 'tee', title: 'Tee', price: '2500', quantity: 2, subtotal: '5000' }),
    ]);
    const client = await merchantClientAuth(t, owner, merchant.id);
    const one = await t.http().get(`/api/v1/merchants/${merchant.id}/orders/${result.order!.id}`).set(client.auth);
    expect(one.status).toBe(200);
    const stranger = await registerUser(t);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}/orders`).set(stranger.auth)).status).toBe(404);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}/orders/${result.order!.id}`).set(stranger.auth)).status).toBe(404);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}/orders/ord_nope`).set(owner.auth)).body.error.code).toBe(
      'order_not_found',
    );

    await expect(
      t.container.services.merchants.completion(port).complete(merchant.id, checkout.id, instrument, noHook),
    ).rejects.toMatchObject({
      code: 'checkout_completed',
    });
    expect(paid).toHaveLength(1);
    await expect(updateCheckout(t, merchant.id, checkout.id, { line_items: [] }).then((r) => r.status)).resolves.toBe(409);
  });

  it('when the checkout is not ready or the handler is another, then nothing is redeemed', async () => {
    const { port, paid } = fakePayments(t);
    const completion = t.container.services.merchants.completion(port);
    const { merchant, checkout } = await readyCheckout();
    await expect(completion.complete(merchant.id, checkout.id, { handlerId: 'com.google.pay', token: 'x' }, noHook)).rejects.toMatchObject({
      code: 'payment_handler_unsupported',
    });
    expectCheckout(await updateCheckout(t, merchant.id, checkout.id, { line_items: [{ item: { id: 'gone' }, quantity: 1 }] }), 200);
    await expect(completion.complete(merchant.id, checkout.id, instrument, noHook)).rejects.toMatchObject({ code: 'checkout_not_ready' });
    await expect(completion.complete(merchant.id, 'chk_nope', instrument, noHook)).rejects.toMatchObject({ code: 'checkout_not_found' });
    expect(paid).toEqual([]);
  });

  it('when the stock is gone by completion, then it is refused and the payment, order and status all roll back', async () => {
    const { owner, merchant, checkout } = await readyCheckout(2);
    const patched = await t.http().patch(`/api/v1/merchants/${merchant.id}/products/tee`).set(owner.auth).send({ stock: 1 });
    expect(patched.status).toBe(200);
    const { port, paid } = fakePayments(t);
    await expect(
      t.container.services.merchants.completion(port).complete(merchant.id, checkout.id, instrument, noHook),
    ).rejects.toMatchObject({
      code: 'out_of_stock',
    });
    expect(paid).toEqual([]);
    expect(await ordersOf(merchant.id)).toBe(0);
    expect(await stockOf(merchant.id)).toBe(1);
    expect(expectCheckout(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/${checkout.id}`).set(UCP_AGENT), 200).status).toBe(
      'ready_for_complete',
    );
  });

  it('when the caller’s in-transaction step throws, then nothing is kept', async () => {
    const { merchant, checkout } = await readyCheckout();
    const { port, paid } = fakePayments(t);
    const boom: CompleteHooks<CheckoutResult> = {
      ...noHook,
      inTx: async () => {
        throw new Unprocessable('payment_handler_unsupported', 'the mandate step refused');
      },
    };
    await expect(
      t.container.services.merchants.completion(port).complete(merchant.id, checkout.id, instrument, boom),
    ).rejects.toBeInstanceOf(AppError);
    expect(paid).toEqual([]);
    expect(await ordersOf(merchant.id)).toBe(0);
    expect(await stockOf(merchant.id)).toBe(5);
  });

  it('when the checkout changes between the read and the payment, then the payment rolls back (checkout_changed)', async () => {
    const { merchant, checkout } = await readyCheckout();
    const paid: CheckoutPaymentRequest[] = [];
    const racing: CheckoutPayments = {
      handlerId: 'ocp_wallet',
      redeem: async (request, inTx) => {
        // An update lands after complete read the session and before its payment commits.
        expectCheckout(await updateCheckout(t, merchant.id, checkout.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] }), 200);
        const payment = { paymentId: newId('pay'), payerOwnerId: 'usr_payer' };
        await t.container.db.transaction(async (tx) => inTx(tx, payment));
        paid.push(request);
        return payment;
      },
    };
    await expect(
      t.container.services.merchants.completion(racing).complete(merchant.id, checkout.id, instrument, noHook),
    ).rejects.toMatchObject({
      code: 'checkout_changed',
    });
    expect(paid).toEqual([]);
    expect(await ordersOf(merchant.id)).toBe(0);
  });

  it('when several completes run at once, then one order is placed and one payment kept', async () => {
    const { merchant, checkout } = await readyCheckout(null);
    const { port, paid } = fakePayments(t);
    const completion = t.container.services.merchants.completion(port);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => completion.complete(merchant.id, checkout.id, instrument, noHook)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(['checkout_completed', 'checkout_changed']).toContain((o.reason as AppError).code);
    }
    expect(paid).toHaveLength(1);
    expect(await ordersOf(merchant.id)).toBe(1);
    expect(await stockOf(merchant.id)).toBeNull();
  });
});
