import { randomUUID } from 'node:crypto';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { createWallet, fund, transfer } from '../../support/ledger';
import { registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * An operator of one tenant names another tenant's ids (unique everywhere, so guessable from a leak
 * or a log): every admin route answers as if they did not exist, and nothing changes.
 */
describe("admin routes given another tenant's ids", () => {
  let t: TestApp;
  const TENANT_F = 'ten_admin_ids_f';
  beforeAll(async () => {
    t = await startTestApp({ REFUND_FOUR_EYES_THRESHOLD_MINOR: '1000', REFUND_FOUR_EYES_DAILY_LIMIT_MINOR: '1000000' });
    await inSystemScope(() => t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'F')", [TENANT_F]));
  });
  afterAll(() => t.close());

  async function defaultTenantActivity() {
    const admin = await registerTenantUser(t, DEFAULT_TENANT_ID, 'admin');
    const alice = await registerTenantUser(t, DEFAULT_TENANT_ID);
    const bob = await registerTenantUser(t, DEFAULT_TENANT_ID);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 10_000);
    const paid = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '5000' });
    expect(paid.status).toBe(201);
    return { admin, alice, paid, from, to };
  }

  it("when another tenant's admin opens a refund of this tenant's transfer or approves this tenant's refund request, then 404 and nothing moves", async () => {
    const { admin, paid } = await defaultTenantActivity();
    const outsider = await registerTenantUser(t, TENANT_F, 'admin');
    const refund = (auth: Record<string, string>) =>
      t.http().post('/api/v1/admin/refunds').set(auth).send({ transactionId: paid.body.debit.id, amount: '5000', reason: 'ops' });
    const foreign = await refund(outsider.auth);
    expect(foreign.status).toBe(404);
    const opened = await refund(admin.auth);
    expect(opened.status).toBe(201);
    const approve = await t
      .http()
      .post(`/api/v1/admin/refunds/${opened.body.id as string}/approve`)
      .set(outsider.auth)
      .set('Idempotency-Key', randomUUID())
      .send();
    expect(approve.status).toBe(404);
    const reject = await t
      .http()
      .post(`/api/v1/admin/refunds/${opened.body.id as string}/reject`)
      .set(outsider.auth)
      .send({ reason: 'no' });
    expect(reject.status).toBe(404);
    const listed = await t.http().get('/api/v1/admin/refunds').set(admin.auth);
    expect(listed.body.data).toContainEqual(expect.objectContaining({ id: opened.body.id, status: 'pending' }));
  });

  it("when another tenant's admin revokes this tenant's API client, then 404 and the client's token still works", async () => {
    const admin = await registerTenantUser(t, DEFAULT_TENANT_ID, 'admin');
    const outsider = await registerTenantUser(t, TENANT_F, 'admin');
    const created = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set(admin.auth)
      .send({ name: 'backend', permissions: ['wallet:read'] });
    expect(created.status).toBe(201);
    const token = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ clientId: created.body.clientId, clientSecret: created.body.clientSecret });
    expect(
      (
        await t
          .http()
          .delete(`/api/v1/admin/api-clients/${created.body.id as string}`)
          .set(outsider.auth)
      ).status,
    ).toBe(404);
    expect(
      (
        await t
          .http()
          .get('/api/v1/wallets')
          .set({ Authorization: `Bearer ${token.body.accessToken as string}` })
      ).status,
    ).toBe(200);
  });
});
