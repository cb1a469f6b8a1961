import { createPublicKey, verify } from 'node:crypto';
import { CheckoutWithAp2MandateSchema, UcpDiscoveryProfileSchema } from '@ucp-js/sdk';
import { canonicalJson } from '../../../src/protocols/ucp/ap2';
import { registerAgent, type TestAgent } from '../../support/agents';
import { buildCheckoutMandate, registerOwnerMandateKey, unregisteredKey, type SigningKey } from '../../support/ap2';
import { balanceOf } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, completeCheckout, createCheckout, expectCheckout, expectUcpError, UCP_AGENT } from '../../support/ucp-checkout';
import { issueCredential } from '../../support/ucp-credentials';

/**
 * The SDK's generated CheckoutWithAp2MandateSchema makes `ap2.checkout_mandate` required in a
 * checkout *response*, where the spec (ap2_mandate.json, ap2_checkout_response) requires only
 * `merchant_authorization`: a response has no mandate to carry. Everything else must parse.
 */
function expectAp2Checkout(body: unknown) {
  const parsed = CheckoutWithAp2MandateSchema.safeParse(body);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  expect(issues.filter((p) => p !== 'ap2.checkout_mandate')).toEqual([]);
  const ap2 = (body as { ap2?: { merchant_authorization?: string } }).ap2;
  expect(ap2?.merchant_authorization).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
  return body as Record<string, unknown> & { id: string; ap2: { merchant_authorization: string } };
}

describe('UCP checkouts of a merchant that requires AP2 mandates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
  });
  afterAll(() => t.close());

  async function ap2Shop() {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const patched = await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ ap2Mandate: 'required' });
    expect(patched.body.ap2Mandate).toBe('required');
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Tee', price: 2500 });
    return merchant;
  }

  /** A buyer: an agent with money, its owner's registered mandate key. */
  async function buyer(): Promise<{ agent: TestAgent; key: SigningKey }> {
    const agent = await registerAgent(t, { funds: 10_000 });
    return { agent, key: await registerOwnerMandateKey(t, agent.owner) };
  }

  async function readyCheckout(merchantId: string) {
    const created = expectCheckout(await createCheckout(t, merchantId, { line_items: [{ item: { id: 'tee' }, quantity: 2 }] }), 201);
    const current = (await t.http().get(`/ucp/${merchantId}/checkout-sessions/${created.id}`).set(UCP_AGENT)).body;
    return expectAp2Checkout(current);
  }

  async function instrument(agent: TestAgent, merchantId: string, checkoutId: string) {
    const res = await issueCredential(t, agent, merchantId, { checkout_id: checkoutId, amount: '5000', currency: 'USD' });
    expect(res.status).toBe(201);
    return res.body.instrument as Record<string, unknown>;
  }

  const audience = (merchantId: string) => `https://pay.example.com/ucp/${merchantId}`;

  it('when the merchant requires AP2, then its profile says so with its keys, and every checkout is signed with them', async () => {
    const merchant = await ap2Shop();
    const profile = UcpDiscoveryProfileSchema.parse((await t.http().get(`/ucp/${merchant.id}/.well-known/ucp`)).body);
    expect(profile.ucp.capabilities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'dev.ucp.shopping.ap2_mandate',
          extends: 'dev.ucp.shopping.checkout',
          config: { vp_formats_supported: { 'dc+sd-jwt': {} } },
        }),
      ]),
    );
    const [key] = profile.signing_keys!;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^msk_/) });

    const created = expectAp2Checkout((await createCheckout(t, merchant.id, { line_items: [{ item: { id: 'tee' }, quantity: 1 }] })).body);
    expect((created.ucp as { capabilities: { name: string }[] }).capabilities.map((c) => c.name)).toEqual([
      'dev.ucp.shopping.checkout',
      'dev.ucp.shopping.ap2_mandate',
    ]);
    // Verified here without OCP's code: the detached JWS over the JCS form of the response minus ap2.
    const [header, , signature] = created.ap2.merchant_authorization.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'ES256', kid: key!.kid });
    const { ap2: _ap2, ...signed } = created;
    const input = `${header}.${Buffer.from(canonicalJson(signed)).toString('base64url')}`;
    const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: key!.x, y: key!.y }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(
      true,
    );

    // A merchant that does not require AP2 answers without it.
    const plain = await createMerchant(t, await registerUser(t));
    const plainProfile = (await t.http().get(`/ucp/${plain.id}/.well-known/ucp`)).body;
    expect(plainProfile.ucp.capabilities.map((c: { name: string }) => c.name)).toEqual(['dev.ucp.shopping.checkout']);
  });

  it('when the platform completes with a valid checkout mandate of the paying agent’s owner, then it is paid once and the mandate is spent', async () => {
    const merchant = await ap2Shop();
    const { agent, key } = await buyer();
    const checkout = await readyCheckout(merchant.id);
    const mandate = buildCheckoutMandate({ key, checkout, audience: audience(merchant.id) });
    const res = await completeCheckout(t, merchant.id, checkout.id, {
      payment_data: await instrument(agent, merchant.id, checkout.id),
      ap2: { checkout_mandate: mandate },
    });
    expect(res.status).toBe(200);
    const done = expectAp2Checkout(res.body);
    expect(done.status).toBe('completed');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_000n);
    const used = await t.container.db.query('SELECT checkout_id FROM ap2_used_mandates WHERE merchant_id = $1', [merchant.id]);
    expect(used.rows).toEqual([{ checkout_id: checkout.id }]);

    // Replayed: the same mandate (and checkout) again is refused, nothing moves.
    const again = await completeCheckout(t, merchant.id, checkout.id, {
      payment_data: await instrument(agent, merchant.id, checkout.id),
      ap2: { checkout_mandate: mandate },
    });
    expectUcpError(again, 409, 'checkout_completed');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_000n);
  });

  describe('when the mandate is not acceptable, then the spec’s error as a UCP message and nothing is paid', () => {
    const cases: [
      string,
      number,
      string,
      (c: {
        key: SigningKey;
        other: SigningKey;
        checkout: Record<string, unknown>;
        otherCheckout: Record<string, unknown>;
        aud: string;
      }) => string | undefined,
    ][] = [
      ['missing', 400, 'mandate_required', () => undefined],
      ['garbage', 403, 'mandate_invalid_signature', () => 'not-a-mandate'],
      [
        'tampered (price lowered after the merchant signed)',
        403,
        'merchant_authorization_invalid',
        ({ key, checkout, aud }) =>
          buildCheckoutMandate({
            key,
            checkout,
            audience: aud,
            tamper: (c) => ((c.line_items as { item: { price: number } }[])[0]!.item.price = 1),
          }),
      ],
      [
        'expired',
        403,
        'mandate_expired',
        ({ key, checkout, aud }) => buildCheckoutMandate({ key, checkout, audience: aud, expiresInSeconds: -60 }),
      ],
      [
        'signed by a key OCP does not know',
        403,
        'agent_missing_key',
        ({ checkout, aud }) => buildCheckoutMandate({ key: unregisteredKey(), checkout, audience: aud }),
      ],
      [
        'signed by another owner’s registered key',
        403,
        'mandate_invalid_signature',
        ({ other, checkout, aud }) => buildCheckoutMandate({ key: other, checkout, audience: aud }),
      ],
      [
        'for another checkout',
        403,
        'mandate_scope_mismatch',
        ({ key, otherCheckout, checkout, aud }) =>
          buildCheckoutMandate({ key, checkout: otherCheckout, audience: aud, nonce: String(checkout.id) }),
      ],
      [
        'bound to another checkout id',
        403,
        'mandate_invalid_signature',
        ({ key, checkout, aud }) => buildCheckoutMandate({ key, checkout, audience: aud, nonce: 'chk_other' }),
      ],
      [
        'bound to another business',
        403,
        'mandate_invalid_signature',
        ({ key, checkout }) => buildCheckoutMandate({ key, checkout, audience: 'https://elsewhere.example/ucp' }),
      ],
      [
        'without key binding',
        403,
        'mandate_invalid_signature',
        ({ key, checkout, aud }) => buildCheckoutMandate({ key, checkout, audience: aud, omitKeyBinding: true }),
      ],
    ];

    it.each(cases)('%s', async (_name, status, code, make) => {
      const merchant = await ap2Shop();
      const { agent, key } = await buyer();
      const other = await registerOwnerMandateKey(t, await registerUser(t));
      const checkout = await readyCheckout(merchant.id);
      const otherCheckout = await readyCheckout(merchant.id);
      const mandate = make({ key, other, checkout, otherCheckout, aud: audience(merchant.id) });
      const res = await completeCheckout(t, merchant.id, checkout.id, {
        payment_data: await instrument(agent, merchant.id, checkout.id),
        ...(mandate !== undefined ? { ap2: { checkout_mandate: mandate } } : {}),
      });
      expectUcpError(res, status, code);
      expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
      expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    });
  });

  it('when the mandate is the consent of another owner than the paying agent’s, then the payment rolls back and the credential stays unspent', async () => {
    const merchant = await ap2Shop();
    const signer = await buyer();
    const payer = await buyer();
    const checkout = await readyCheckout(merchant.id);
    const mandate = buildCheckoutMandate({ key: signer.key, checkout, audience: audience(merchant.id) });
    const res = await completeCheckout(t, merchant.id, checkout.id, {
      payment_data: await instrument(payer.agent, merchant.id, checkout.id),
      ap2: { checkout_mandate: mandate },
    });
    expectUcpError(res, 403, 'mandate_invalid_signature');
    expect(await balanceOf(t, payer.agent.walletId)).toBe(10_000n);
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    const unspent = await t.container.db.query(
      'SELECT count(*)::int AS n FROM ucp_payment_credentials WHERE checkout_id = $1 AND redeemed_at IS NULL',
      [checkout.id],
    );
    expect(unspent.rows[0]).toEqual({ n: 1 });
    const used = await t.container.db.query('SELECT count(*)::int AS n FROM ap2_used_mandates WHERE merchant_id = $1', [merchant.id]);
    expect(used.rows[0]).toEqual({ n: 0 });
  });
});
