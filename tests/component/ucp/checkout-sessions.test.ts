import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import {
  addProduct,
  createCheckout,
  expectCheckout,
  expectUcpError,
  PLATFORM_PROFILE,
  totalOf,
  UCP_AGENT,
  updateCheckout,
} from '../../support/ucp-checkout';

describe('UCP checkout sessions: create, get, update, cancel', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
  });
  afterAll(() => t.close());

  async function shop({ taxRateBps = 0 } = {}) {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    if (taxRateBps > 0) {
      const res = await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ taxRateBps });
      expect(res.status).toBe(200);
    }
    await addProduct(t, owner, merchant.id, {
      id: 'tee',
      title: 'Red T-Shirt',
      price: 2500,
      stock: 5,
      imageUrl: 'https://img.example.com/tee.jpg',
    });
    await addProduct(t, owner, merchant.id, { id: 'mug', title: 'Mug', price: 999 });
    return { owner, merchant };
  }

  it('when a platform creates a checkout, then OCP prices it from the catalog, records the UCP-Agent and answers 201 as UCP', async () => {
    const { merchant } = await shop();
    const res = await createCheckout(t, merchant.id, {
      line_items: [
        { item: { id: 'tee' }, quantity: 2 },
        { item: { id: 'mug' }, quantity: 1 },
      ],
    });
    const checkout = expectCheckout(res, 201);
    expect(checkout.id).toMatch(/^chk_/);
    expect(checkout.status).toBe('ready_for_complete');
    expect(checkout.currency).toBe('USD');
    expect(checkout.ucp).toEqual({ version: '2026-01-11', capabilities: [{ name: 'dev.ucp.shopping.checkout', version: '2026-01-11' }] });
    expect(checkout.line_items).toEqual([
      {
        id: expect.stringMatching(/^li_/),
        item: { id: 'tee', title: 'Red T-Shirt', price: 2500, image_url: 'https://img.example.com/tee.jpg' },
        quantity: 2,
        totals: [
          { type: 'subtotal', amount: 5000 },
          { type: 'total', amount: 5000 },
        ],
      },
      {
        id: expect.stringMatching(/^li_/),
        item: { id: 'mug', title: 'Mug', price: 999 },
        quantity: 1,
        totals: [
          { type: 'subtotal', amount: 999 },
          { type: 'total', amount: 999 },
        ],
      },
    ]);
    expect(checkout.totals).toEqual([
      { type: 'subtotal', amount: 5999 },
      { type: 'total', amount: 5999 },
    ]);
    expect(checkout.messages).toEqual([]);
    expect(checkout.links).toEqual([]);
    expect(checkout.payment.handlers).toEqual([expect.objectContaining({ id: 'ocp_wallet', name: 'dev.ocp.wallet' })]);
    expect(Date.parse(checkout.expires_at) - Date.now()).toBeGreaterThan(3_500_000);
    expect(checkout).not.toHaveProperty('continue_url');

    const stored = await t.container.db.query<{ ucp_agent_profile: string }>(
      'SELECT ucp_agent_profile FROM checkout_sessions WHERE id = $1',
      [checkout.id],
    );
    expect(stored.rows[0]!.ucp_agent_profile).toBe(PLATFORM_PROFILE);

    const got = expectCheckout(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/${checkout.id}`).set(UCP_AGENT), 200);
    expect(got).toEqual(checkout);
  });

  it('when the request carries its own titles, prices and totals, then they are ignored and OCP’s catalog prices stand', async () => {
    const { merchant } = await shop();
    const res = await createCheckout(t, merchant.id, {
      line_items: [{ id: 'li_mine', item: { id: 'tee', title: 'Free stuff', price: 1 }, quantity: 1 }],
      totals: [{ type: 'total', amount: 1 }],
    });
    const checkout = expectCheckout(res, 201);
    expect(checkout.line_items[0]).toMatchObject({ id: 'li_mine', item: { title: 'Red T-Shirt', price: 2500 } });
    expect(totalOf(checkout)).toBe(2500);
  });

  it('when the merchant charges tax, then it is subtotal × rate rounded half-up once per checkout', async () => {
    const { merchant } = await shop({ taxRateBps: 825 });
    // 999 × 3 = 2997; 2997 × 8.25 % = 247.2525 → 247
    const a = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'mug' }, quantity: 3 }] }), 201);
    expect(a.totals).toEqual([
      { type: 'subtotal', amount: 2997 },
      { type: 'tax', amount: 247 },
      { type: 'total', amount: 3244 },
    ]);
    // 2500 × 2 + 999 × 2 = 6998; × 8.25 % = 577.335 → 577; and 2000 × 8.25 % = 165 exactly: half-up shows at .5
    const b = expectCheckout(
      await createCheckout(t, merchant.id, {
        line_items: [
          { item: { id: 'tee' }, quantity: 2 },
          { item: { id: 'mug' }, quantity: 2 },
        ],
      }),
      201,
    );
    expect(totalOf(b, 'tax')).toBe(577);
    expect(totalOf(b)).toBe(6998 + 577);
  });

  it('when the cart has problems, then they are UCP messages with the spec’s severity and JSON paths, and the session is incomplete', async () => {
    const { merchant } = await shop();
    const res = await createCheckout(t, merchant.id, {
      line_items: [
        { item: { id: 'nope' }, quantity: 1 },
        { item: { id: 'mug' }, quantity: 0 },
        { item: { id: 'tee' }, quantity: 6 },
        { item: { id: 'mug' }, quantity: 1 },
      ],
      context: { currency: 'EUR' },
    });
    const checkout = expectCheckout(res, 201);
    expect(checkout.status).toBe('incomplete');
    expect(checkout.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'error', code: 'currency_not_supported', severity: 'recoverable', path: '$.context.currency' }),
        expect.objectContaining({ type: 'error', code: 'item_not_found', severity: 'recoverable', path: '$.line_items[0].item.id' }),
        expect.objectContaining({ type: 'error', code: 'invalid_quantity', severity: 'recoverable', path: '$.line_items[1].quantity' }),
        expect.objectContaining({ type: 'error', code: 'insufficient_stock', severity: 'recoverable', path: '$.line_items[2].quantity' }),
      ]),
    );
    expect(checkout.messages).toHaveLength(4);
    // Unknown items and quantities ≤ 0 are left out; the over-stock line stays, priced.
    expect(checkout.line_items.map((l) => [l.item.id, l.quantity])).toEqual([
      ['tee', 6],
      ['mug', 1],
    ]);
    expect(totalOf(checkout)).toBe(6 * 2500 + 999);

    const empty = expectCheckout(await createCheckout(t, merchant.id, { line_items: [] }), 201);
    expect(empty.status).toBe('incomplete');
    expect(empty.messages).toEqual([expect.objectContaining({ code: 'missing', path: '$.line_items' })]);
    expect(totalOf(empty)).toBe(0);
  });

  it('when a line of one product is split over several lines, then the stock check sums them', async () => {
    const { merchant } = await shop();
    const checkout = expectCheckout(
      await createCheckout(t, merchant.id, {
        line_items: [
          { item: { id: 'tee' }, quantity: 3 },
          { item: { id: 'tee' }, quantity: 3 },
        ],
      }),
      201,
    );
    expect(checkout.status).toBe('incomplete');
    expect(checkout.messages).toEqual([expect.objectContaining({ code: 'insufficient_stock', path: '$.line_items[1].quantity' })]);
  });

  it('when the total would pass the per-operation maximum, then no line is kept and a message says why', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    await addProduct(t, owner, merchant.id, { id: 'yacht', title: 'Yacht', price: 1_000_000_000_000_000 });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'yacht' }, quantity: 2 }] }), 201);
    expect(checkout.status).toBe('incomplete');
    expect(checkout.line_items).toEqual([]);
    expect(checkout.messages).toEqual([expect.objectContaining({ code: 'total_too_large', path: '$.line_items' })]);
    expect(totalOf(checkout)).toBe(0);
  });

  it('when the platform updates the checkout, then it is a full replacement priced again, buyer included', async () => {
    const { merchant } = await shop();
    const created = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'nope' }, quantity: 1 }] }), 201);
    expect(created.status).toBe('incomplete');
    const buyer = { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' };
    const updated = expectCheckout(
      await updateCheckout(t, merchant.id, created.id, {
        id: created.id,
        line_items: [{ id: 'li_1', item: { id: 'tee' }, quantity: 2 }],
        buyer,
      }),
      200,
    );
    expect(updated).toMatchObject({ id: created.id, status: 'ready_for_complete', buyer, messages: [] });
    expect(updated.line_items).toEqual([expect.objectContaining({ id: 'li_1', quantity: 2 })]);
    expect(totalOf(updated)).toBe(5000);

    const again = expectCheckout(
      await updateCheckout(t, merchant.id, created.id, { line_items: [{ id: 'li_1', item: { id: 'tee' }, quantity: 1 }] }),
      200,
    );
    expect(again).not.toHaveProperty('buyer');
    expect(totalOf(again)).toBe(2500);

    const mismatch = await updateCheckout(t, merchant.id, created.id, { id: 'chk_other', line_items: [] });
    expectUcpError(mismatch, 400, 'validation_failed');
  });

  it('when the platform cancels, then the session is canceled and no longer changes (409 as UCP messages)', async () => {
    const { merchant } = await shop();
    const created = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201);
    const canceled = expectCheckout(await t.http().post(`/ucp/${merchant.id}/checkout-sessions/${created.id}/cancel`).set(UCP_AGENT), 200);
    expect(canceled.status).toBe('canceled');

    const again = await t.http().post(`/ucp/${merchant.id}/checkout-sessions/${created.id}/cancel`).set(UCP_AGENT);
    expectUcpError(again, 409, 'checkout_canceled');
    expect(again.body).toMatchObject({ id: created.id, status: 'canceled' });
    expect(again.body.messages[0].severity).toBe('requires_buyer_input');
    const update = await updateCheckout(t, merchant.id, created.id, { line_items: [{ item: { id: 'mug' }, quantity: 2 }] });
    expectUcpError(update, 409, 'checkout_canceled');
    expect(expectCheckout(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/${created.id}`).set(UCP_AGENT), 200).status).toBe(
      'canceled',
    );
  });

  it('when the merchant links its terms, then checkouts carry a terms_of_service link', async () => {
    const { owner, merchant } = await shop();
    const patched = await t
      .http()
      .patch(`/api/v1/merchants/${merchant.id}`)
      .set(owner.auth)
      .send({ termsOfServiceUrl: 'https://shop.example.com/terms' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ termsOfServiceUrl: 'https://shop.example.com/terms', taxRateBps: 0 });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201);
    expect(checkout.links).toEqual([{ type: 'terms_of_service', url: 'https://shop.example.com/terms' }]);

    const bad = await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ taxRateBps: 10_001 });
    expect(bad.status).toBe(400);
    const plain = await t
      .http()
      .patch(`/api/v1/merchants/${merchant.id}`)
      .set(owner.auth)
      .send({ termsOfServiceUrl: 'http://shop.example.com/terms' });
    expect(plain.status).toBe(400);
  });

  it('when a session or merchant does not exist, then the answer is a 404 UCP message', async () => {
    const { merchant } = await shop();
    expectUcpError(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/chk_nope`).set(UCP_AGENT), 404, 'checkout_not_found');
    expectUcpError(await createCheckout(t, 'mer_nope', { line_items: [] }), 404, 'merchant_not_found');
    // Another merchant's session is not found at this merchant's endpoint.
    const other = await shop();
    const created = expectCheckout(await createCheckout(t, other.merchant.id, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201);
    expectUcpError(await t.http().get(`/ucp/${merchant.id}/checkout-sessions/${created.id}`).set(UCP_AGENT), 404, 'checkout_not_found');
    expectUcpError(await t.http().get(`/ucp/${merchant.id}/nothing-here`).set(UCP_AGENT), 404, 'route_not_found');
  });
});
