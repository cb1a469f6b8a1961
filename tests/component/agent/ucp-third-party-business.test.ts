import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { CheckoutCreateRequestSchema, CheckoutResponseSchema, PaymentDataSchema, PaymentHandlerResponseSchema } from '@ucp-js/sdk';
import { paymentHandlerSettings } from '../../../src/app';
import { ocpPaymentHandler } from '../../../src/modules/agent';
import { registerAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const UCP_VERSION = '2026-01-11';

/**
 * A tiny third-party UCP business (not an OCP merchant's checkout: its own server, its own catalog)
 * that accepts the OCP wallet handler. It prices checkouts from its catalog and, on complete, redeems
 * the credential from `payment_data.credential.token` at OCP with its merchant API client token, for
 * its own total, never the platform's.
 */
function tinyBusiness(ocp: { baseUrl: string; auth: string }, handler: Record<string, unknown>) {
  const catalog: Record<string, { title: string; price: number }> = { sku_tee: { title: 'Red T-Shirt', price: 2500 } };
  const sessions = new Map<string, Record<string, unknown> & { status: string; totals: { type: string; amount: number }[] }>();
  const seenAgents: string[] = [];
  const app = express();
  app.use(express.json());

  app.post('/checkout-sessions', (req, res) => {
    seenAgents.push(String(req.get('ucp-agent')));
    const lines = (req.body.line_items as { item: { id: string }; quantity: number }[]).map((line, i) => {
      const product = catalog[line.item.id]!;
      const subtotal = product.price * line.quantity;
      return {
        id: `li_${i + 1}`,
        item: { id: line.item.id, title: product.title, price: product.price },
        quantity: line.quantity,
        totals: [{ type: 'subtotal', amount: subtotal }],
      };
    });
    const subtotal = lines.reduce((sum, l) => sum + l.totals[0]!.amount, 0);
    const tax = Math.round(subtotal * 0.08);
    const checkout = {
      ucp: { version: UCP_VERSION, capabilities: [{ name: 'dev.ucp.shopping.checkout', version: UCP_VERSION }] },
      id: `chk_${randomUUID()}`,
      status: 'ready_for_complete',
      currency: 'USD',
      line_items: lines,
      totals: [
        { type: 'subtotal', amount: subtotal },
        { type: 'tax', amount: tax },
        { type: 'total', amount: subtotal + tax },
      ],
      links: [{ type: 'terms_of_service', url: 'https://tiny.example/terms' }],
      payment: { handlers: [handler], instruments: [] },
    };
    sessions.set(checkout.id, checkout);
    res.status(201).json(checkout);
  });

  app.post('/checkout-sessions/:id/complete', async (req, res) => {
    const checkout = sessions.get(req.params.id);
    if (!checkout) return void res.status(404).json({ messages: [{ type: 'error', code: 'not_found', content: 'No such checkout' }] });
    if (checkout.status === 'completed') {
      return void res.json({ ...checkout, messages: [{ type: 'error', code: 'checkout_completed', content: 'Already completed' }] });
    }
    const instrument = req.body.payment_data as { handler_id: string; credential?: { type: string; token?: string } };
    if (instrument.handler_id !== 'ocp_wallet' || instrument.credential?.type !== 'ocp_wallet_token') {
      return void res.json({ ...checkout, messages: [{ type: 'error', code: 'payment_handler_unsupported', content: 'OCP wallet only' }] });
    }
    const total = checkout.totals.find((x) => x.type === 'total')!.amount;
    const redeemed = await fetch(`${ocp.baseUrl}/api/v1/ucp/payment-credentials/redeem`, {
      method: 'POST',
      headers: { authorization: ocp.auth, 'content-type': 'application/json', 'idempotency-key': `complete-${checkout.id}` },
      body: JSON.stringify({
        token: instrument.credential.token,
        checkout_id: checkout.id,
        amount: String(total),
        currency: checkout.currency,
      }),
    });
    const answer = (await redeemed.json()) as { id?: string; error?: { code: string; message: string } };
    if (redeemed.status !== 201) {
      // The handler spec's error mapping: a refused credential is a payment the buyer must fix.
      return void res.json({
        ...checkout,
        messages: [
          {
            type: 'error',
            code: 'payment_declined',
            severity: 'requires_buyer_input',
            content: `${answer.error!.code}: ${answer.error!.message}`,
          },
        ],
      });
    }
    checkout.status = 'completed';
    Object.assign(checkout, { order: { id: `ord_${answer.id}`, permalink_url: `https://tiny.example/orders/${answer.id}` } });
    res.json(checkout);
  });

  return { app, seenAgents };
}

describe('a third-party UCP business accepting the OCP wallet handler', () => {
  let t: TestApp;
  let ocpServer: Server;
  let business: Server;
  let businessUrl: string;
  let seenAgents: string[];
  let merchant: Awaited<ReturnType<typeof createMerchant>>;
  let ownerAuth: { Authorization: string };

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
    ocpServer = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => ocpServer.once('listening', resolve));
    // Prerequisites: the business opens an OCP account, a merchant (its wallet) and an API client.
    const owner = await registerUser(t);
    ownerAuth = owner.auth;
    merchant = await createMerchant(t, owner, 'USD', 'Tiny Tees');
    const client = await merchantClientAuth(t, owner, merchant.id);
    // Its handler declaration: OCP's handler object with its merchant id.
    const handler = ocpPaymentHandler(paymentHandlerSettings(t.config), { merchantId: merchant.id });
    const tiny = tinyBusiness(
      { baseUrl: `http://127.0.0.1:${(ocpServer.address() as AddressInfo).port}`, auth: client.auth.Authorization },
      handler,
    );
    seenAgents = tiny.seenAgents;
    business = tiny.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => business.once('listening', resolve));
    businessUrl = `http://127.0.0.1:${(business.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => business.close(resolve));
    await new Promise((resolve) => ocpServer.close(resolve));
    await t.close();
  });

  const ucpHeaders = { 'content-type': 'application/json', 'ucp-agent': 'profile="https://platform.example/profile"' };

  /** The platform creates a checkout, with the SDK's create schema for what it sends and response schema for what it gets. */
  async function createCheckout() {
    const request = CheckoutCreateRequestSchema.parse({ line_items: [{ item: { id: 'sku_tee' }, quantity: 2 }] });
    const res = await fetch(`${businessUrl}/checkout-sessions`, { method: 'POST', headers: ucpHeaders, body: JSON.stringify(request) });
    expect(res.status).toBe(201);
    const raw = (await res.json()) as Record<string, unknown> & { payment: { handlers: unknown[] } };
    const checkout = CheckoutResponseSchema.parse(raw);
    const handler = PaymentHandlerResponseSchema.parse(raw.payment.handlers.find((h) => (h as { id: string }).id === 'ocp_wallet'));
    return { checkout, handler };
  }

  async function complete(checkoutId: string, instrument: unknown) {
    const body = PaymentDataSchema.parse({ payment_data: instrument });
    // The SDK's base credential keeps only `type`: send the instrument as OCP issued it, token included.
    const res = await fetch(`${businessUrl}/checkout-sessions/${checkoutId}/complete`, {
      method: 'POST',
      headers: ucpHeaders,
      body: JSON.stringify({ ...body, payment_data: instrument }),
    });
    expect(res.status).toBe(200);
    return CheckoutResponseSchema.parse(await res.json());
  }

  /** The platform (an agent) asks OCP for a credential from the handler's config. */
  async function credentialFor(
    agent: Awaited<ReturnType<typeof registerAgent>>,
    handler: { config: Record<string, string> },
    c: { id: string; amount: number },
  ) {
    const res = await t
      .http()
      .post(new URL(handler.config.credential_endpoint!).pathname)
      .set(agent.auth)
      .send({ business: { merchant_id: handler.config.merchant_id }, checkout_id: c.id, amount: String(c.amount), currency: 'USD' });
    expect(res.status).toBe(201);
    return res.body.instrument as Record<string, unknown>;
  }

  it('when the agent pays its checkout with an OCP credential, then the business is paid its own total once and the checkout completes', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const { checkout, handler } = await createCheckout();
    expect(checkout.status).toBe('ready_for_complete');
    expect(handler.name).toBe('dev.ocp.wallet');
    expect(handler.config.merchant_id).toBe(merchant.id);
    const total = checkout.totals.find((x) => x.type === 'total')!.amount;
    expect(total).toBe(5400);

    const instrument = await credentialFor(agent, handler, { id: checkout.id, amount: total });
    const completed = await complete(checkout.id, instrument);
    expect(completed.status).toBe('completed');
    expect(completed.order?.id).toMatch(/^ord_apm_/);
    expect(seenAgents[seenAgents.length - 1]).toBe('profile="https://platform.example/profile"');
    expect(await balanceOf(t, agent.walletId)).toBe(4_600n);
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);

    // The merchant finds the payment by the checkout id.
    const found = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?checkoutId=${checkout.id}`).set(ownerAuth);
    expect(found.body.data).toEqual([expect.objectContaining({ amount: '5400', checkout_id: checkout.id, agent_id: agent.id })]);

    // The same instrument on another checkout of the same total is refused: bound to its checkout, and used.
    const second = await createCheckout();
    const replay = await complete(second.checkout.id, instrument);
    expect(replay.status).toBe('ready_for_complete');
    expect(replay.messages?.[0]).toMatchObject({ type: 'error', code: 'payment_declined' });
    expect(replay.messages?.[0]?.content).toContain('credential_mismatch');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
  });

  it('when the platform got a credential for less than the checkout total, then the business refuses it and nothing moves', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const { checkout, handler } = await createCheckout();
    const cheap = await credentialFor(agent, handler, { id: checkout.id, amount: 100 });
    const res = await complete(checkout.id, cheap);
    expect(res.status).toBe('ready_for_complete');
    expect(res.messages?.[0]?.content).toContain('credential_mismatch');
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
  });
});
