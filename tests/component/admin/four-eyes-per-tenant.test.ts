import { randomUUID } from 'node:crypto';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { balanceOf as balanceInDefaultTenant, createWallet, fund, transfer } from '../../support/ledger';
import { addTenants, MemoryTenantConfiguration, registerTenantUser, TENANT_B } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Four-eyes limits per tenant (settings fourEyes): a tenant's operators are held to its own
 * thresholds and daily limits where it sets them, else to REFUND_/ADJUSTMENT_FOUR_EYES_*.
 */
describe('four-eyes limits per tenant', () => {
  let t: TestApp;
  const tenants = new MemoryTenantConfiguration();
  beforeAll(async () => {
    t = await startTestApp(
      {
        ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '20000',
        ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '1000000',
        REFUND_FOUR_EYES_THRESHOLD_MINOR: '20000',
        REFUND_FOUR_EYES_DAILY_LIMIT_MINOR: '1000000',
      },
      { tenants },
    );
    await addTenants(t, TENANT_B);
  });
  afterAll(() => t.close());

  /** Any tenant's wallet (the owner's view). */
  const balanceOf = (app: TestApp, walletId: string) => inSystemScope(() => balanceInDefaultTenant(app, walletId));
  const adjust = (auth: Record<string, string>, walletId: string, amount: number) =>
    t
      .http()
      .post(`/api/v1/admin/wallets/${walletId}/adjustments`)
      .set(auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: String(amount), reason: 'ops' });

  it("when tenant B sets a lower adjustment threshold, then B's operator needs a second one above it while the default tenant's operator adjusts the same amount alone", async () => {
    tenants.set(TENANT_B, { fourEyes: { adjustmentThresholdMinor: 5_000n } });
    const operatorB = await registerTenantUser(t, TENANT_B, 'admin');
    const walletB = await createWallet(t, await registerTenantUser(t, TENANT_B));
    const operatorA = await registerTenantUser(t, DEFAULT_TENANT_ID, 'admin');
    const walletA = await createWallet(t, await registerTenantUser(t, DEFAULT_TENANT_ID));

    const refused = await adjust(operatorB.auth, walletB.id, 10_000);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'four_eyes_required',
      // B's threshold, and the environment's daily limit B leaves as it is.
      details: { basis: 'amount', thresholdMinor: '5000', dailyLimitMinor: '1000000' },
    });
    expect(await balanceOf(t, walletB.id)).toBe(0n);

    expect((await adjust(operatorA.auth, walletA.id, 10_000)).status).toBe(201);
    expect(await balanceOf(t, walletA.id)).toBe(10_000n);
  });

  it("when tenant B sets a daily adjustment limit, then B's operator's adjustments of the day are counted against it", async () => {
    tenants.set(TENANT_B, { fourEyes: { adjustmentThresholdMinor: 5_000n, adjustmentDailyLimitMinor: 8_000n } });
    const operatorB = await registerTenantUser(t, TENANT_B, 'admin');
    const walletB = await createWallet(t, await registerTenantUser(t, TENANT_B));
    expect((await adjust(operatorB.auth, walletB.id, 5_000)).status).toBe(201);
    const over = await adjust(operatorB.auth, walletB.id, 4_000);
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'daily_total', dailyLimitMinor: '8000' } });
    expect(await balanceOf(t, walletB.id)).toBe(5_000n);
  });

  it("when the default tenant sets its own refund threshold, then its operator's self-approval above it is refused with that threshold", async () => {
    tenants.set(DEFAULT_TENANT_ID, { fourEyes: { refundThresholdMinor: 3_000n } });
    try {
      const operator = await registerTenantUser(t, DEFAULT_TENANT_ID, 'admin');
      const alice = await registerTenantUser(t, DEFAULT_TENANT_ID);
      const bob = await registerTenantUser(t, DEFAULT_TENANT_ID);
      const from = await createWallet(t, alice);
      const to = await createWallet(t, bob);
      await fund(t, from.id, 10_000);
      const paid = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '5000' });
      expect(paid.status).toBe(201);
      const opened = await t
        .http()
        .post('/api/v1/admin/refunds')
        .set(operator.auth)
        .send({ transactionId: paid.body.debit.id, amount: '5000', reason: 'ops' });
      expect(opened.status).toBe(201);

      const self = await t
        .http()
        .post(`/api/v1/admin/refunds/${opened.body.id}/approve`)
        .set(operator.auth)
        .set('Idempotency-Key', randomUUID())
        .send();
      expect(self.status).toBe(403);
      expect(self.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'amount', thresholdMinor: '3000' } });
      expect(await balanceOf(t, from.id)).toBe(5_000n);
    } finally {
      tenants.set(DEFAULT_TENANT_ID, {});
    }
  });

  it("when tenant B sets no refund limits, then B's operator self-approves up to the environment's threshold", async () => {
    tenants.set(DEFAULT_TENANT_ID, { fourEyes: { refundThresholdMinor: 3_000n } });
    try {
      const operatorB = await registerTenantUser(t, TENANT_B, 'admin');
      const alice = await registerTenantUser(t, TENANT_B);
      const bob = await registerTenantUser(t, TENANT_B);
      const from = await createWallet(t, alice);
      const to = await createWallet(t, bob);
      expect((await adjust(operatorB.auth, from.id, 5_000)).status).toBe(201);
      const paid = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '5000' });
      expect(paid.status).toBe(201);
      const opened = await t
        .http()
        .post('/api/v1/admin/refunds')
        .set(operatorB.auth)
        .send({ transactionId: paid.body.debit.id, amount: '5000', reason: 'ops' });
      expect(opened.status).toBe(201);
      const self = await t
        .http()
        .post(`/api/v1/admin/refunds/${opened.body.id}/approve`)
        .set(operatorB.auth)
        .set('Idempotency-Key', randomUUID())
        .send();
      expect(self.status).toBe(200);
      expect(await balanceOf(t, from.id)).toBe(5_000n);
    } finally {
      tenants.set(DEFAULT_TENANT_ID, {});
    }
  });
});
