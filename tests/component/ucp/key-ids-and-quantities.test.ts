import { registerAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, completeCheckout, createCheckout, expectCheckout, UCP_AGENT } from '../../support/ucp-checkout';
import { issueCredential } from '../../support/ucp-credentials';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/**
 * Found by a red-team pass. A key id inside a base64url JWS header passes the edge guard (it refuses
 * NUL bytes in JSON strings, not in encoded ones): {"kid":"k\u0000"} reached PostgreSQL, which
 * refused it, and the complete answered 500, for anyone, on any merchant that requires AP2. And lines
 * of one unlimited item were summed past PostgreSQL's INTEGER: a checkout offered as ready whose
 * complete was a 500 every time.
 */
describe('UCP complete: key ids that can name no key, and quantities past the stock bound', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const unhandled = () => t.logs.entries.filter((e) => e.level === 'error').length;

  async function shop(ap2Mandate?: 'required') {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    await addProduct(t, owner, merchant.id, { id: 'pen', title: 'Pen', price: 100 });
    if (ap2Mandate)
      expect((await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ ap2Mandate })).status).toBe(200);
    return merchant;
  }

  it('when anyone completes an AP2 merchant’s checkout with a mandate whose issuer kid holds a NUL, then agent_missing_key, not a 500', async () => {
    const merchant = await shop('required');
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'pen' }, quantity: 1 }] }), 201);
    const before = unhandled();
    const mandate = `${b64({ alg: 'ES256', typ: 'dc+sd-jwt', kid: 'k\u0000' })}.${b64({})}.${b64('sig')}~`;
    const res = await completeCheckout(t, merchant.id, checkout.id, {
      payment_data: {
        id: 'pi_1',
        handler_id: 'ocp_wallet',
        type: 'ocp_wallet',
        credential: { type: 'ocp_wallet_token', token: 'ocpwt_x' },
      },
      ap2: { checkout_mandate: mandate },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.messages[0].code).toBe('agent_missing_key');
    expect(unhandled()).toBe(before);
  });

  it('when an agent’s credential carries an owner mandate whose kid holds a NUL, then its complete is refused with a 4xx and nothing moves', async () => {
    const merchant = await shop();
    const agent = await registerAgent(t, { funds: 1_000 });
    const checkout = expectCheckout(await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'pen' }, quantity: 1 }] }), 201);
    const before = unhandled();
    const jws = `${b64({ alg: 'ES256', typ: 'JWT', kid: 'k\u0000' })}.${b64({ iss: 'x' })}.${b64('s'.repeat(64))}`;
    const issued = await issueCredential(t, agent, merchant.id, { checkout_id: checkout.id, amount: '100', currency: 'USD', mandate: jws });
    expect(issued.status).toBe(201);
    const res = await completeCheckout(t, merchant.id, checkout.id, { payment_data: issued.body.instrument }, UCP_AGENT);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(unhandled()).toBe(before);
    expect(await balanceOf(t, agent.walletId)).toBe(1_000n);
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
  });

  it('when one unlimited item is asked 3 × 10^9 over three lines, then the checkout is incomplete with invalid_quantity, not ready', async () => {
    const merchant = await shop();
    const res = await createCheckout(t, merchant.id, {
      line_items: [1, 2, 3].map(() => ({ item: { id: 'pen' }, quantity: 1_000_000_000 })),
    });
    const checkout = expectCheckout(res, 201);
    expect(checkout.status).toBe('incomplete');
    expect(checkout.messages.map((m: { code: string }) => m.code)).toEqual(['invalid_quantity', 'invalid_quantity']);
  });
});
