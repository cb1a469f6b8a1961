import { randomUUID } from 'node:crypto';
import { PaymentHandlerResponseSchema, PaymentInstrumentSchema } from '@ucp-js/sdk';
import { paymentHandlerSettings } from '../../../src/app';
import { ocpPaymentHandler } from '../../../src/modules/agent';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { issueCredential, redeemCredential, redemptionOf } from '../../support/ucp-credentials';

describe('UCP payment credentials (OCP wallet payment handler)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com', UCP_PAYMENT_HANDLER_NAME: 'com.example.pay' });
  });
  afterAll(() => t.close());

  /** A merchant with an API client, and an agent of another user with 10,000 in USD. */
  async function shop(policy?: Record<string, unknown>) {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const client = await merchantClientAuth(t, owner, merchant.id);
    const agent = await registerAgent(t, { funds: 10_000, ...(policy ? { policy } : {}) });
    return { owner, merchant, client: client.auth, agent };
  }

  async function issued(agent: TestAgent, merchantId: string, body: Parameters<typeof issueCredential>[3] = {}) {
    const res = await issueCredential(t, agent, merchantId, body);
    if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as {
      id: string;
      credential: { type: string; token: string; expiry: string };
      instrument: Record<string, unknown>;
      checkout_id: string;
      amount: string;
      currency: string;
    };
  }

  it('when an agent asks for a credential and the business redeems it, then exactly the amount moves to the merchant once', async () => {
    const { merchant, client, agent } = await shop();
    const issue = await issueCredential(t, agent, merchant.id, { checkout_id: 'chk_42', amount: '5400' });
    expect(issue.status).toBe(201);
    const token = issue.body.credential.token as string;
    expect(token).toMatch(/^ocpwt_[A-Za-z0-9_-]{43}$/);
    expect(issue.body).toMatchObject({
      id: expect.stringMatching(/^pcr_/),
      credential: { type: 'ocp_wallet_token', token, expiry: issue.body.expires_at },
      instrument: { id: issue.body.id, handler_id: 'ocp_wallet', type: 'ocp_wallet', credential: { type: 'ocp_wallet_token', token } },
      business: { merchant_id: merchant.id },
      checkout_id: 'chk_42',
      amount: '5400',
      currency: 'USD',
    });
    expect(PaymentInstrumentSchema.safeParse(issue.body.instrument).success).toBe(true);
    const ttlMs = new Date(issue.body.expires_at).getTime() - Date.now();
    expect(ttlMs).toBeGreaterThan(590_000);
    expect(ttlMs).toBeLessThanOrEqual(600_000);
    // Issuing moves nothing.
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);

    const key = randomUUID();
    const paid = await redeemCredential(t, client, { token, checkout_id: 'chk_42', amount: '5400', currency: 'USD' }, key);
    expect(paid.status).toBe(201);
    expect(paid.body).toEqual({
      id: expect.stringMatching(/^apm_/),
      credential_id: issue.body.id,
      transfer_id: expect.any(String),
      amount: '5400',
      currency: 'USD',
      checkout_id: 'chk_42',
      merchant_id: merchant.id,
      agent_id: agent.id,
      status: 'completed',
      created_at: expect.any(String),
    });
    expect(await balanceOf(t, agent.walletId)).toBe(4_600n);
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);

    // The same request again replays; another request with the token is refused and moves nothing.
    const replay = await redeemCredential(t, client, { token, checkout_id: 'chk_42', amount: '5400', currency: 'USD' }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(paid.body);
    const again = await redeemCredential(t, client, { token, checkout_id: 'chk_42', amount: '5400', currency: 'USD' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('credential_already_redeemed');
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
    // A plain second redemption is turned away before any payment is attempted: the owner's audit log shows the one payment only.
    const audit = await t.http().get(`/api/v1/agents/${agent.id}/audit`).set(agent.owner.auth);
    expect(audit.body.data.map((e: { decision: string }) => e.decision)).toEqual(['allowed']);

    // The payment went through the agent's policy path: one agent payment, audited, spend counted.
    const rows = await t.container.db.query<{ source: string; reference: string; merchant_id: string; status: string }>(
      'SELECT source, reference, merchant_id, status FROM agent_payments WHERE agent_id = $1',
      [agent.id],
    );
    expect(rows.rows).toEqual([{ source: 'ucp_credential', reference: 'chk_42', merchant_id: merchant.id, status: 'completed' }]);
    const me = await t.http().get('/api/v1/a2a/me').set(agent.auth);
    expect(me.body.spent).toMatchObject({ day: '5400' });
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });

    // Only the token's hash is stored, and the token is in no log line.
    const stored = await t.container.db.query<{ row: string }>(
      'SELECT row_to_json(c)::text AS row FROM ucp_payment_credentials c WHERE id = $1',
      [issue.body.id],
    );
    expect(stored.rows[0]!.row).not.toContain(token.slice(6));
    expect(t.logs.text()).not.toContain(token.slice(6));
  });

  it('when the redemption names another amount, currency or checkout, then 422 credential_mismatch names the fields and nothing moves', async () => {
    const { merchant, client, agent } = await shop();
    const c = await issued(agent, merchant.id);
    const right = redemptionOf(c);
    for (const [wrong, fields] of [
      [{ amount: '5399' }, ['amount']],
      [{ amount: '54000' }, ['amount']],
      [{ currency: 'EUR' }, ['currency']],
      [{ checkout_id: 'chk_other' }, ['checkout_id']],
      [{ checkout_id: 'chk_other', amount: '1' }, ['checkout_id', 'amount']],
    ] as const) {
      const res = await redeemCredential(t, client, { ...right, ...wrong });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'credential_mismatch', details: { fields } });
    }
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    // The credential was not used up by the refusals.
    expect((await redeemCredential(t, client, right)).status).toBe(201);
  });

  it('when another business redeems it, then 403 credential_wrong_business; the owner may redeem for its own merchant', async () => {
    const { owner, merchant, agent } = await shop();
    const other = await shop();
    const c = await issued(agent, merchant.id);
    const byOtherClient = await redeemCredential(t, other.client, redemptionOf(c));
    expect(byOtherClient.status).toBe(403);
    expect(byOtherClient.body.error.code).toBe('credential_wrong_business');
    const byOtherOwner = await redeemCredential(t, other.owner.auth, redemptionOf(c));
    expect(byOtherOwner.status).toBe(403);
    expect(byOtherOwner.body.error.code).toBe('credential_wrong_business');
    // A second merchant of the same owner is another business too.
    const sibling = await createMerchant(t, owner);
    const siblingClient = await merchantClientAuth(t, owner, sibling.id);
    expect((await redeemCredential(t, siblingClient.auth, redemptionOf(c))).body.error.code).toBe('credential_wrong_business');
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);

    const byOwner = await redeemCredential(t, owner.auth, redemptionOf(c));
    expect(byOwner.status).toBe(201);
    expect(byOwner.body.merchant_id).toBe(merchant.id);
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
  });

  it('when the token is garbage or unknown, then 422 credential_invalid; an agent cannot redeem', async () => {
    const { merchant, client, agent } = await shop();
    const c = await issued(agent, merchant.id);
    for (const token of ['garbage', `ocpwt_${'A'.repeat(43)}`, c.credential.token.slice(0, -1), `${c.credential.token}x`]) {
      const res = await redeemCredential(t, client, { ...redemptionOf(c), token });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('credential_invalid');
    }
    const byAgent = await redeemCredential(t, agent.auth, redemptionOf(c));
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error).toMatchObject({ code: 'forbidden', details: { permission: 'merchant:payments:redeem' } });
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
  });

  it('when the agent is suspended after it got the credential, then redeeming is refused and nothing moves', async () => {
    const { merchant, client, agent } = await shop();
    const c = await issued(agent, merchant.id);
    expect((await t.http().post(`/api/v1/agents/${agent.id}/suspend`).set(agent.owner.auth)).status).toBe(200);
    const res = await redeemCredential(t, client, redemptionOf(c));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('agent_suspended_or_revoked');
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
  });

  it('when the budget is used up by the time the business redeems, then 403 daily_budget and the credential stays unredeemed', async () => {
    const { merchant, client, agent } = await shop({ dailyBudget: '6000' });
    const first = await issued(agent, merchant.id);
    const second = await issued(agent, merchant.id);
    expect((await redeemCredential(t, client, redemptionOf(first))).status).toBe(201);
    const res = await redeemCredential(t, client, redemptionOf(second));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'policy_violation', details: { rule: 'daily_budget', remaining: '600' } });
    const row = await t.container.db.query<{ redeemed_at: Date | null }>('SELECT redeemed_at FROM ucp_payment_credentials WHERE id = $1', [
      second.id,
    ]);
    expect(row.rows[0]!.redeemed_at).toBeNull();
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
  });

  it("when the credential carries the owner's mandate, then redeeming checks it: within it paid, outside it refused", async () => {
    const { merchant, client, agent } = await shop();
    const res = await t
      .http()
      .post(`/api/v1/agents/${agent.id}/mandates`)
      .set(agent.owner.auth)
      .send({ constraints: { amount_range: { max: '5000' } }, currency: 'USD', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    const mandate = res.body.mandate as string;
    const over = await issued(agent, merchant.id, { amount: '5400', mandate });
    const refused = await redeemCredential(t, client, redemptionOf(over));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('mandate_constraint_failed');
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    const within = await issued(agent, merchant.id, { amount: '5000', mandate });
    const paid = await redeemCredential(t, client, redemptionOf(within));
    expect(paid.status).toBe(201);
    const row = await t.container.db.query<{ mandate_hash: string | null }>('SELECT mandate_hash FROM agent_payments WHERE id = $1', [
      paid.body.id,
    ]);
    expect(row.rows[0]!.mandate_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the owner set an approval threshold after issuing, then redeeming is refused rather than left waiting', async () => {
    const { merchant, client, agent } = await shop({ maxPerTransaction: '9000' });
    const c = await issued(agent, merchant.id);
    const changed = await t
      .http()
      .patch(`/api/v1/agents/${agent.id}`)
      .set(agent.owner.auth)
      .send({ policy: { maxPerTransaction: '9000', approvalThreshold: '1000' } });
    expect(changed.status).toBe(200);
    const res = await redeemCredential(t, client, redemptionOf(c));
    expect(res.status).toBe(403);
    expect(res.body.error.details.rule).toBe('approval_threshold');
    const pending = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_payments WHERE agent_id = $1', [
      agent.id,
    ]);
    expect(pending.rows[0]!.n).toBe(0);
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
  });

  it("when the in-process redeemer's inTx throws, then nothing is paid and the credential can still be redeemed", async () => {
    const { merchant, agent } = await shop();
    const c = await issued(agent, merchant.id, { checkout_id: 'chk_inproc' });
    const redeemer = t.container.services.ucpCredentialRedeemer;
    const request = { merchantId: merchant.id, token: c.credential.token, checkoutId: 'chk_inproc', amount: 5400n, currency: 'USD' };
    await expect(
      redeemer.redeem(request, async () => {
        throw new Error('the order could not be written');
      }),
    ).rejects.toThrow('the order could not be written');
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);

    const seen: unknown[] = [];
    const paid = await redeemer.redeem(request, async (_tx, p) => {
      seen.push(p);
    });
    expect(paid).toEqual({
      paymentId: expect.stringMatching(/^apm_/),
      transferId: expect.any(String),
      credentialId: c.id,
      agentId: agent.id,
      ownerId: agent.owner.id,
      amount: 5400n,
      currency: 'USD',
      checkoutId: 'chk_inproc',
      merchantId: merchant.id,
      createdAt: expect.any(Date),
    });
    expect(seen).toEqual([paid]);
    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
    await expect(redeemer.redeem(request, async () => undefined)).rejects.toMatchObject({ code: 'credential_already_redeemed' });
  });

  describe('issuing', () => {
    it("when the amount is over the policy's per-transaction cap, then 403 max_per_transaction", async () => {
      const { merchant, agent } = await shop({ maxPerTransaction: '5000' });
      const res = await issueCredential(t, agent, merchant.id, { amount: '5400' });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'policy_violation', details: { rule: 'max_per_transaction' } });
      expect((await issueCredential(t, agent, merchant.id, { amount: '5000' })).status).toBe(201);
    });

    it('when the merchant is not on the allow-list, then 403 allowed_counterparties; listed by its merchant id, then 201', async () => {
      const { merchant, agent } = await shop({ allowedCounterparties: ['mer_someone_else'] });
      const res = await issueCredential(t, agent, merchant.id);
      expect(res.status).toBe(403);
      expect(res.body.error.details.rule).toBe('allowed_counterparties');
      const listed = await registerAgent(t, { funds: 10_000, policy: { allowedCounterparties: [merchant.id] } });
      expect((await issueCredential(t, listed, merchant.id)).status).toBe(201);
    });

    it("when the amount would need the owner's approval, then 403 approval_threshold (a credential cannot wait)", async () => {
      const { merchant, agent } = await shop({ approvalThreshold: '1000' });
      const res = await issueCredential(t, agent, merchant.id, { amount: '5400' });
      expect(res.status).toBe(403);
      expect(res.body.error.details.rule).toBe('approval_threshold');
      expect((await issueCredential(t, agent, merchant.id, { amount: '1000' })).status).toBe(201);
    });

    it('when the policy changed after issuing, then redeeming checks it again', async () => {
      const { merchant, client, agent } = await shop({ maxPerTransaction: '9000' });
      const c = await issued(agent, merchant.id);
      const changed = await t
        .http()
        .patch(`/api/v1/agents/${agent.id}`)
        .set(agent.owner.auth)
        .send({ policy: { maxPerTransaction: '5000' } });
      expect(changed.status).toBe(200);
      const res = await redeemCredential(t, client, redemptionOf(c));
      expect(res.status).toBe(403);
      expect(res.body.error.details.rule).toBe('max_per_transaction');
      expect(await balanceOf(t, merchant.walletId)).toBe(0n);
    });

    it('when the merchant is unknown or takes another currency, or the wallet holds another, then refused', async () => {
      const { merchant, agent } = await shop();
      expect((await issueCredential(t, agent, 'mer_nope')).body.error.code).toBe('merchant_not_found');
      const euroOwner = await registerUser(t);
      const euroShop = await createMerchant(t, euroOwner, 'EUR');
      const euro = await issueCredential(t, agent, euroShop.id, { currency: 'USD' });
      expect(euro.status).toBe(422);
      expect(euro.body.error).toMatchObject({ code: 'merchant_currency_mismatch', details: { currency: 'EUR' } });
      const usdAgentAtEuroShop = await issueCredential(t, agent, euroShop.id, { currency: 'EUR' });
      expect(usdAgentAtEuroShop.status).toBe(400);
      expect(usdAgentAtEuroShop.body.error.code).toBe('currency_mismatch');
      expect((await issueCredential(t, agent, merchant.id)).status).toBe(201);
    });

    it('when the body is malformed, then 400 naming the field; a user cannot ask for a credential', async () => {
      const { owner, merchant, agent } = await shop();
      const send = (body: Record<string, unknown>) =>
        t
          .http()
          .post('/api/v1/ucp/payment-credentials')
          .set(agent.auth)
          .send({ business: { merchant_id: merchant.id }, checkout_id: 'chk_1', amount: '100', currency: 'USD', ...body });
      for (const [body, field] of [
        [{ amount: 5400 }, 'body.amount'],
        [{ amount: '0' }, 'body.amount'],
        [{ amount: '1000000000000001' }, 'body.amount'],
        [{ checkout_id: '' }, 'body.checkout_id'],
        [{ checkout_id: 'x'.repeat(257) }, 'body.checkout_id'],
        [{ checkout_id: 'chk\n1' }, 'body.checkout_id'],
        [{ currency: 'usd' }, 'body.currency'],
        [{ payee: 'wal_x' }, 'body.payee'],
      ] as const) {
        const res = await send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
      const byUser = await t
        .http()
        .post('/api/v1/ucp/payment-credentials')
        .set(owner.auth)
        .send({ business: { merchant_id: merchant.id }, checkout_id: 'chk_1', amount: '100', currency: 'USD' });
      expect(byUser.status).toBe(403);
    });
  });

  describe("the merchant's lookups", () => {
    it('when the merchant lists its payments, then newest first, by checkout id and by id, for its owner and clients only', async () => {
      const { owner, merchant, client, agent } = await shop();
      const a = await issued(agent, merchant.id, { checkout_id: 'chk_a', amount: '100' });
      const b = await issued(agent, merchant.id, { checkout_id: 'chk_b', amount: '200' });
      await issued(agent, merchant.id, { checkout_id: 'chk_unpaid', amount: '300' });
      const paidA = (await redeemCredential(t, client, redemptionOf(a))).body;
      const paidB = (await redeemCredential(t, client, redemptionOf(b))).body;

      const all = await t.http().get(`/api/v1/merchants/${merchant.id}/payments`).set(client);
      expect(all.status).toBe(200);
      expect(all.body.data).toEqual([paidB, paidA]);
      const page1 = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?limit=1`).set(owner.auth);
      expect(page1.body.data).toEqual([paidB]);
      const page2 = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?limit=1&cursor=${page1.body.nextCursor}`).set(owner.auth);
      expect(page2.body).toEqual({ data: [paidA], nextCursor: null });
      const byCheckout = await t.http().get(`/api/v1/merchants/${merchant.id}/payments?checkoutId=chk_a`).set(client);
      expect(byCheckout.body.data).toEqual([paidA]);
      expect((await t.http().get(`/api/v1/merchants/${merchant.id}/payments?checkoutId=chk_unpaid`).set(client)).body.data).toEqual([]);
      const one = await t.http().get(`/api/v1/merchants/${merchant.id}/payments/${paidA.id}`).set(client);
      expect(one.body).toEqual(paidA);

      const stranger = await shop();
      for (const auth of [stranger.owner.auth, stranger.client, agent.owner.auth]) {
        const res = await t.http().get(`/api/v1/merchants/${merchant.id}/payments`).set(auth);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('merchant_not_found');
        expect((await t.http().get(`/api/v1/merchants/${merchant.id}/payments/${paidA.id}`).set(auth)).status).toBe(404);
      }
      // Another merchant's payment id under this merchant is not found either.
      const theirs = await issued(stranger.agent, stranger.merchant.id);
      const theirPayment = (await redeemCredential(t, stranger.client, redemptionOf(theirs))).body;
      const crossed = await t.http().get(`/api/v1/merchants/${merchant.id}/payments/${theirPayment.id}`).set(client);
      expect(crossed.status).toBe(404);
      expect(crossed.body.error.code).toBe('merchant_payment_not_found');
    });
  });

  describe('the handler documents', () => {
    it('when the handler object is built from the settings, then it passes the SDK schema and its schemas are served at absolute URLs', async () => {
      const handler = ocpPaymentHandler(paymentHandlerSettings(t.config));
      expect(PaymentHandlerResponseSchema.parse(handler)).toEqual(handler);
      expect(handler).toMatchObject({
        id: 'ocp_wallet',
        name: 'com.example.pay',
        version: '2026-01-11',
        spec: 'https://pay.example.com/ucp/handlers/ocp_wallet',
        config_schema: 'https://pay.example.com/ucp/schemas/ocp_wallet_config.json',
        instrument_schemas: ['https://pay.example.com/ucp/schemas/ocp_wallet_instrument.json'],
        config: {
          environment: 'sandbox',
          issuer: 'https://pay.example.com',
          credential_endpoint: 'https://pay.example.com/api/v1/ucp/payment-credentials',
          redeem_endpoint: 'https://pay.example.com/api/v1/ucp/payment-credentials/redeem',
        },
      });
      for (const url of [handler.config_schema, ...handler.instrument_schemas]) {
        const res = await t.http().get(new URL(url).pathname);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/schema\+json/);
        expect(JSON.parse(res.text).$id).toBe(url);
      }
      const spec = await t.http().get(new URL(handler.spec).pathname);
      expect(spec.status).toBe(200);
      expect(spec.text).toContain('# OCP wallet payment handler');

      const profile = await t.http().get('/.well-known/ucp');
      expect(profile.body.payment.handlers[0]).toMatchObject({ id: 'ocp_wallet', name: 'com.example.pay' });
      const doc = await t.http().get('/openapi.json');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/ucp/payment-credentials',
          '/api/v1/ucp/payment-credentials/redeem',
          '/api/v1/merchants/{id}/payments',
          '/api/v1/merchants/{id}/payments/{paymentId}',
        ]),
      );
      expect(Object.keys(doc.body.paths)).not.toContain('/api/v1/ucp/checkout/pay');
    });
  });
});

describe('UCP payment credentials: expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ UCP_CREDENTIAL_TTL_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('when the credential is redeemed after UCP_CREDENTIAL_TTL_SECONDS, then 409 credential_expired and nothing moves', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const client = await merchantClientAuth(t, owner, merchant.id);
    const agent = await registerAgent(t, { funds: 10_000 });
    const res = await issueCredential(t, agent, merchant.id);
    expect(res.status).toBe(201);
    expect(new Date(res.body.expires_at).getTime() - Date.now()).toBeLessThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const late = await redeemCredential(t, client.auth, redemptionOf(res.body));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('credential_expired');
    expect(await balanceOf(t, merchant.walletId)).toBe(0n);
  });
});
