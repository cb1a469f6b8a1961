import { randomUUID } from 'node:crypto';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { fakeStripe } from '../../support/fake-stripe';
import type { FakeRequest } from '../../support/fake-http-server';
import { balanceOf as balanceInDefaultTenant, createWallet, transfer } from '../../support/ledger';
import { cardData, createCardToken, fundWithCard, TEST_CARDS } from '../../support/payments';
import { createPayout, settledPayout } from '../../support/payouts';
import { addTenants, MemoryTenantConfiguration, registerTenantUser, TENANT_B } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

const ENV_KEY = 'sk_test_environment';
const B_KEY = 'sk_test_tenant_b';
const B_NEW_KEY = 'sk_test_tenant_b_rotated';
const D_KEY = 'sk_test_tenant_d';
const TENANT_C = 'ten_c';

/**
 * The card processor per tenant (settings payments + credentials stripeSecretKey): the default
 * tenant tokenizes at the environment's Stripe account (TOKEN_PROVIDER=stripe) and charges through
 * the sandbox; tenant B tokenizes and charges at Stripe under its own key, and its refunds and
 * payouts go to the same account. The fake keeps each account's objects apart, as Stripe does, so
 * a card tokenized under one account cannot be charged under another.
 */
describe('card processor per tenant', () => {
  // B's two keys are one account's: the second is the first rolled.
  const stripe = fakeStripe(ENV_KEY, [B_KEY, B_NEW_KEY], D_KEY);
  const tenants = new MemoryTenantConfiguration()
    .set(TENANT_B, { payments: { processor: 'stripe' } })
    .setCredentials(TENANT_B, { stripeSecretKey: B_KEY })
    // C chose Stripe but has not set its key.
    .set(TENANT_C, { payments: { processor: 'stripe' } });
  let t: TestApp;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp(
      {
        TOKEN_PROVIDER: 'stripe',
        PAYMENT_PROCESSOR: 'sandbox',
        STRIPE_API_URL: stripe.url,
        STRIPE_SECRET_KEY: ENV_KEY,
        PROVIDER_TIMEOUT_MS: '400',
        PROVIDER_RETRIES_MAX: '1',
        PROVIDER_BACKOFF_BASE_MS: '5',
      },
      { tenants },
    );
    await addTenants(t, TENANT_B, TENANT_C);
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  /** The Stripe calls to a path since `from`, by the key they carried. */
  const keysOf = (path: string, from: number) =>
    stripe.requests
      .slice(from)
      .filter((r: FakeRequest) => r.method === 'POST' && r.path === path)
      .map((r) => String(r.headers.authorization).replace(/^Bearer /, ''));

  async function fundedCustomer(tenantId: string, amount = '5000') {
    const user = await registerTenantUser(t, tenantId);
    const wallet = await createWallet(t, user);
    const card = await createCardToken(t, user.auth);
    const funded = await fundWithCard(t, user.auth, wallet.id, { tokenId: card.id, amount });
    return { user, wallet, card, funded };
  }

  // Rows of any tenant: the owner's view.
  const balanceOf = (app: TestApp, walletId: string) => inSystemScope(() => balanceInDefaultTenant(app, walletId));
  const chargeOf = async (chargeId: string) =>
    (
      await inSystemScope(() =>
        t.container.db.query<{ processor: string; tenant_id: string; status: string }>(
          'SELECT processor, tenant_id, status FROM card_charges WHERE id = $1',
          [chargeId],
        ),
      )
    ).rows[0];

  it("when tenant B funds a wallet by card, then the card is tokenized and charged at Stripe with B's key, while the default tenant's card goes to the environment's account and its charge stays in the sandbox", async () => {
    const from = stripe.requests.length;
    const b = await fundedCustomer(TENANT_B);
    expect(b.funded.status).toBe(201);
    expect(keysOf('/v1/payment_methods', from)).toEqual([B_KEY]);
    expect(keysOf('/v1/payment_intents', from)).toEqual([B_KEY]);
    expect(await chargeOf(b.funded.body.charge.id)).toMatchObject({ processor: 'stripe', tenant_id: TENANT_B, status: 'credited' });
    expect(await balanceOf(t, b.wallet.id)).toBe(5000n);

    const afterB = stripe.requests.length;
    const a = await fundedCustomer(DEFAULT_TENANT_ID);
    expect(a.funded.status).toBe(201);
    expect(keysOf('/v1/payment_methods', afterB)).toEqual([ENV_KEY]);
    expect(keysOf('/v1/payment_intents', afterB)).toEqual([]);
    expect(await chargeOf(a.funded.body.charge.id)).toMatchObject({ processor: 'sandbox', tenant_id: DEFAULT_TENANT_ID });
  });

  it("when tenant B's card-funded transfer is refunded, then the card refund goes to Stripe with B's key", async () => {
    const b = await fundedCustomer(TENANT_B);
    const from = stripe.requests.length;
    const refund = await t
      .http()
      .post(`/api/v1/transactions/${b.funded.body.credit.id}/refund`)
      .set(b.user.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ reason: 'test' });
    expect(refund.status).toBe(201);
    await t.container.funding.cardRefunds.idle();
    expect(keysOf('/v1/refunds', from)).toEqual([B_KEY]);
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ status: string; processor: string }>('SELECT status, processor FROM card_refunds WHERE charge_id = $1', [
        b.funded.body.charge.id,
      ]),
    );
    expect(rows).toEqual([{ status: 'succeeded', processor: 'stripe' }]);
  });

  it("when tenant B pays out to its card, then the payout goes to Stripe with B's key", async () => {
    const b = await fundedCustomer(TENANT_B);
    const from = stripe.requests.length;
    const res = await createPayout(t, b.user.auth, {
      walletId: b.wallet.id,
      amount: '1000',
      destination: { type: 'card', tokenId: b.card.id },
    });
    expect(res.status).toBe(201);
    expect(await settledPayout(t, b.user.auth, res.body.id)).toMatchObject({ status: 'paid' });
    expect(keysOf('/v1/payouts', from)).toEqual([B_KEY]);
  });

  it("when tenant B's charge outcome was lost to a timeout, then the recovery sweep asks Stripe again with B's key and credits it once", async () => {
    const user = await registerTenantUser(t, TENANT_B);
    const wallet = await createWallet(t, user);
    const card = await createCardToken(t, user.auth);
    const from = stripe.requests.length;
    let release!: () => void;
    stripe.state.gate = new Promise<void>((resolve) => (release = resolve));
    const res = await fundWithCard(t, user.auth, wallet.id, { tokenId: card.id, amount: '3100' });
    stripe.state.gate = undefined;
    release();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('processor_unavailable');

    // Stale for the sweeper, which claims every tenant's charges and works each in its own.
    await inSystemScope(() =>
      t.container.db.query(`UPDATE card_charges SET updated_at = updated_at - interval '10 minutes' WHERE wallet_id = $1`, [wallet.id]),
    );
    expect(await t.container.funding.chargeRecovery.runOnce()).toMatchObject({ claimed: 1, credited: 1 });
    const keys = keysOf('/v1/payment_intents', from);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys)).toEqual(new Set([B_KEY]));
    expect(await balanceOf(t, wallet.id)).toBe(3100n);
  });

  it("when tenant B's key is rolled, then its next charge carries the new key, and a card tokenized under the old one is still charged", async () => {
    const before = await fundedCustomer(TENANT_B);
    tenants.setCredentials(TENANT_B, { stripeSecretKey: B_NEW_KEY });
    try {
      const from = stripe.requests.length;
      const b = await fundedCustomer(TENANT_B);
      expect(b.funded.status).toBe(201);
      expect(keysOf('/v1/payment_intents', from)).toEqual([B_NEW_KEY]);
      const again = await fundWithCard(t, before.user.auth, before.wallet.id, { tokenId: before.card.id, amount: '700' });
      expect(again.status).toBe(201);
    } finally {
      tenants.setCredentials(TENANT_B, { stripeSecretKey: B_KEY });
    }
  });

  it("when tenant B's operator uploads a settlement file naming no processor, then it is matched against B's Stripe charges", async () => {
    const b = await fundedCustomer(TENANT_B, '4200');
    const operatorB = await registerTenantUser(t, TENANT_B, 'admin');
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ processor_charge_id: string; created_at: Date }>(
        'SELECT processor_charge_id, created_at FROM card_charges WHERE id = $1',
        [b.funded.body.charge.id],
      ),
    );
    const file = [
      'id,type,amount,currency,fee,date',
      `${rows[0]!.processor_charge_id},charge,42.00,USD,0.30,${rows[0]!.created_at.toISOString()}`,
    ].join('\n');
    const res = await t.http().post('/api/v1/admin/reconciliations').set(operatorB.auth).set('Content-Type', 'text/csv').send(file);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ processor: 'stripe', counts: { matched: 1 } });
  });

  it("when a tenant moves from the environment's vault to its own Stripe account, then a card tokenized before is refused as unknown to its provider, and nothing is charged", async () => {
    const tenantD = 'ten_d';
    await addTenants(t, tenantD);
    const d = await registerTenantUser(t, tenantD);
    const wallet = await createWallet(t, d);
    const card = await createCardToken(t, d.auth);
    tenants.set(tenantD, { payments: { processor: 'stripe' } }).setCredentials(tenantD, { stripeSecretKey: D_KEY });
    const from = stripe.requests.length;
    const res = await fundWithCard(t, d.auth, wallet.id, { tokenId: card.id, amount: '5000' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'token_invalid', details: { reason: 'unknown_to_provider' } });
    expect(keysOf('/v1/payment_intents', from)).toEqual([]);
  });

  it('when a tenant chose Stripe without setting its key, then tokenizing a card is 503 processor_not_configured and no key is named', async () => {
    const from = stripe.requests.length;
    const c = await registerTenantUser(t, TENANT_C);
    const res = await t
      .http()
      .post('/api/v1/tokens')
      .set(c.auth)
      .send({ type: 'card', data: cardData(TEST_CARDS.approved) });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('processor_not_configured');
    expect(stripe.requests.length).toBe(from);
    expect(JSON.stringify(res.body)).not.toContain('sk_test');
    expect(t.logs.text()).not.toContain(B_KEY);
  });

  it('when a tenant on Stripe loses its key, then funding with a card it tokenized before is 503 processor_not_configured, nothing is charged and no charge is recorded', async () => {
    const c = await registerTenantUser(t, TENANT_C);
    const wallet = await createWallet(t, c);
    const card = await withCredentials(TENANT_C, B_KEY, () => createCardToken(t, c.auth));
    const from = stripe.requests.length;
    const res = await fundWithCard(t, c.auth, wallet.id, { tokenId: card.id, amount: '5000' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('processor_not_configured');
    expect(keysOf('/v1/payment_intents', from)).toEqual([]);
    const { rows } = await inSystemScope(() => t.container.db.query('SELECT id FROM card_charges WHERE wallet_id = $1', [wallet.id]));
    expect(rows).toEqual([]);
  });

  it('when an auto top-up of a tenant on Stripe falls due after its key was taken away, then the attempt fails with processor_not_configured and nothing is charged', async () => {
    const c = await registerTenantUser(t, TENANT_C);
    const wallet = await createWallet(t, c);
    const sink = await createWallet(t, await registerTenantUser(t, TENANT_C));
    await withCredentials(TENANT_C, B_KEY, async () => {
      const token = await createCardToken(t, c.auth);
      expect((await fundWithCard(t, c.auth, wallet.id, { tokenId: token.id, amount: '5000' })).status).toBe(201);
      const rule = { enabled: true, threshold: '500', amount: '1000', tokenId: token.id };
      expect((await t.http().put(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(c.auth).send(rule)).status).toBe(200);
    });
    const from = stripe.requests.length;
    expect((await transfer(t, c, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '4800' })).status).toBe(201);
    await t.container.funding.autoTopUp.idle();
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ status: string; failure_code: string | null; charge_id: string | null }>(
        'SELECT status, failure_code, charge_id FROM auto_top_up_attempts WHERE wallet_id = $1',
        [wallet.id],
      ),
    );
    expect(rows).toEqual([{ status: 'failed', failure_code: 'processor_not_configured', charge_id: null }]);
    expect(keysOf('/v1/payment_intents', from)).toEqual([]);
  });

  /** Runs `work` while the tenant has a Stripe key, then takes the key away again. */
  async function withCredentials<T>(tenantId: string, stripeSecretKey: string, work: () => Promise<T>): Promise<T> {
    tenants.setCredentials(tenantId, { stripeSecretKey });
    try {
      return await work();
    } finally {
      tenants.setCredentials(tenantId, {});
    }
  }
});
