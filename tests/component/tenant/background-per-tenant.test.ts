import { inSystemScope, inTenant } from '../../../src/infra/tenant-scope';
import { createCardToken, fundWithCard, TEST_CARDS } from '../../support/payments';
import { balanceOf, createWallet, transfer } from '../../support/ledger';
import { registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Background work that no request starts (timers) still serves every tenant, each in its own
 * (docs/tenants.md, "The owner's view"): a job outside any request runs in the default tenant
 * unless it goes through each tenant.
 */
describe('background work per tenant', () => {
  let t: TestApp;
  const TENANT_D = 'ten_background_d';
  beforeAll(async () => {
    t = await startTestApp({ MONITOR_DECLINES_MAX: '2' });
    await inSystemScope(() => t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'D')", [TENANT_D]));
  });
  afterAll(() => t.close());

  it("when a wallet of another tenant than the default has repeated card declines, then the timer's sweep raises its alert in that tenant", async () => {
    const user = await registerTenantUser(t, TENANT_D);
    const admin = await registerTenantUser(t, TENANT_D, 'admin');
    const wallet = await createWallet(t, user);
    const token = await createCardToken(t, user.auth, TEST_CARDS.declined);
    for (let i = 0; i < 3; i++) {
      expect((await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: '100' })).status).toBe(422);
    }
    // As the sweep's timer calls it: outside any request.
    await t.container.services.admin.monitoring.sweep();
    const res = await t.http().get('/api/v1/admin/alerts').query({ limit: 100 }).set(admin.auth);
    expect(res.status).toBe(200);
    expect((res.body.data as { subjectId: string; rule: string }[]).filter((a) => a.subjectId === wallet.id)).toEqual([
      expect.objectContaining({ rule: 'repeated_declines' }),
    ]);
  });

  it("when another tenant's user's debit takes a wallet below its auto top-up threshold, then the top-up runs in that tenant and credits the wallet", async () => {
    const user = await registerTenantUser(t, TENANT_D);
    const admin = await registerTenantUser(t, TENANT_D, 'admin');
    const wallet = await createWallet(t, user);
    const sink = await createWallet(t, await registerTenantUser(t, TENANT_D));
    const funded = await t
      .http()
      .post(`/api/v1/admin/wallets/${wallet.id}/adjustments`)
      .set(admin.auth)
      .set('Idempotency-Key', `fund-${wallet.id}`)
      .send({ amount: '1000', reason: 'test funding' });
    expect(funded.status).toBe(201);
    const token = await createCardToken(t, user.auth, TEST_CARDS.approved);
    const rule = await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(user.auth)
      .send({ enabled: true, threshold: '500', amount: '1000', tokenId: token.id });
    expect(rule.status).toBe(200);
    expect((await transfer(t, user, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '600' })).status).toBe(201);
    await t.container.funding.autoTopUp.idle();
    expect(await inTenant(TENANT_D, () => balanceOf(t, wallet.id))).toBe(1400n);
  });
});
