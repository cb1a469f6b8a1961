import { randomUUID } from 'node:crypto';
import { OrderConfirmationSchema, PaymentInstrumentSchema, UcpDiscoveryProfileSchema } from '@ucp-js/sdk';
import { verifyWebhookSignature } from '../../../src/modules/webhook/signature';
import { registerAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, completeCheckout, expectCheckout, totalOf, UCP_AGENT, updateCheckout } from '../../support/ucp-checkout';
import { issueCredential } from '../../support/ucp-credentials';
import { createWebhook, drainWebhooks, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

describe('a merchant on OCP sells to an AI agent over UCP (round trip through the SDK’s schemas)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('when the agent discovers, creates, updates, gets a credential and completes, then the merchant is paid the total once, sees the order and gets a signed order.created', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    expect((await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ taxRateBps: 800 })).status).toBe(200);
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Red T-Shirt', price: 2500, stock: 10 });
    const hook = await createWebhook(t, owner.auth, receiver.url, ['order.created']);
    const agent = await registerAgent(t, { funds: 20_000 });

    // Discovery: the endpoint comes from the merchant's profile.
    const profile = UcpDiscoveryProfileSchema.parse((await t.http().get(`/ucp/${merchant.id}/.well-known/ucp`)).body);
    const endpoint = profile.ucp.services['dev.ucp.shopping']!.rest!.endpoint;
    expect(endpoint).toBe(`https://pay.example.com/ucp/${merchant.id}`);
    const path = new URL(endpoint).pathname;

    const created = expectCheckout(
      await t
        .http()
        .post(`${path}/checkout-sessions`)
        .set(UCP_AGENT)
        .send({ line_items: [{ item: { id: 'tee' }, quantity: 1 }] }),
      201,
    );
    const updated = expectCheckout(
      await updateCheckout(t, merchant.id, created.id, {
        line_items: [{ id: created.line_items[0]!.id, item: { id: 'tee' }, quantity: 2 }],
        buyer: { email: 'jane@example.com', first_name: 'Jane' },
      }),
      200,
    );
    expect(updated.status).toBe('ready_for_complete');
    // 2 × 2500 = 5000, 8 % tax = 400.
    expect(totalOf(updated)).toBe(5400);

    const issued = await issueCredential(t, agent, merchant.id, {
      checkout_id: created.id,
      amount: String(totalOf(updated)),
      currency: updated.currency,
    });
    expect(issued.status).toBe(201);
    // The instrument as OCP hands it out is a UCP payment instrument (the SDK's schema strips the token it does not know).
    expect(() => PaymentInstrumentSchema.parse(issued.body.instrument)).not.toThrow();
    const instrument = issued.body.instrument as Record<string, unknown>;

    const completeKey = { ...UCP_AGENT, 'Idempotency-Key': randomUUID() };
    const done = expectCheckout(await completeCheckout(t, merchant.id, created.id, { payment_data: instrument }, completeKey), 200);
    expect(done.status).toBe('completed');
    // A retry with the same key and body gets the same answer, and pays nothing more.
    const retried = await completeCheckout(t, merchant.id, created.id, { payment_data: instrument }, completeKey);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(expectCheckout(retried, 200)).toEqual(done);
    const order = OrderConfirmationSchema.parse(done.order);
    expect(order.id).toMatch(/^ord_/);
    expect(order.permalink_url).toBe(`https://pay.example.com/api/v1/merchants/${merchant.id}/orders/${order.id}`);

    expect(await balanceOf(t, agent.walletId)).toBe(20_000n - 5_400n);
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);

    const orders = await t.http().get(`/api/v1/merchants/${merchant.id}/orders`).set(owner.auth);
    expect(orders.body.data).toEqual([
      expect.objectContaining({
        id: order.id,
        checkoutId: created.id,
        total: '5400',
        tax: '400',
        buyer: { email: 'jane@example.com', first_name: 'Jane' },
      }),
    ]);
    const paymentId = orders.body.data[0].paymentId as string;

    // The merchant's server finds the payment by order id, by checkout id and by payment id.
    const client = await merchantClientAuth(t, owner, merchant.id);
    const byOrder = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?orderId=${order.id}`).set(client.auth);
    expect(byOrder.status).toBe(200);
    expect(byOrder.body.data).toEqual([
      expect.objectContaining({ id: paymentId, checkout_id: created.id, amount: '5400', agent_id: agent.id }),
    ]);
    const byCheckout = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?checkoutId=${created.id}`).set(client.auth);
    expect(byCheckout.body.data.map((p: { id: string }) => p.id)).toEqual([paymentId]);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}/payments/${paymentId}`).set(client.auth)).status).toBe(200);
    const unknownOrder = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?orderId=ord_nope`).set(client.auth);
    expect(unknownOrder.body.data).toEqual([]);

    await drainWebhooks(t);
    const delivered = receiver.received.filter((w) => w.body.type === 'order.created' && w.body.data.orderId === order.id);
    expect(delivered).toHaveLength(1);
    expect(verifyWebhookSignature(delivered[0]!.headers['ocp-signature'] as string, delivered[0]!.rawBody, hook.secret)).toBe(true);
    expect(delivered[0]!.body.data).toMatchObject({ checkoutId: created.id, paymentId, total: '5400', currency: 'USD' });

    // Completed is final: the same credential again, or any change, is refused and moves nothing.
    const again = await completeCheckout(t, merchant.id, created.id, { payment_data: instrument });
    expect(again.status).toBe(409);
    expect(again.body.messages[0].code).toBe('checkout_completed');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
    expect(await ledgerInvariants(t)).toMatchObject({
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
