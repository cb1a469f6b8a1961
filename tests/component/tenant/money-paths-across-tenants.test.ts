import { randomUUID } from 'node:crypto';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { createHold } from '../../support/holds';
import { createWallet } from '../../support/ledger';
import { registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * The money paths besides the plain transfer (isolation.test.ts) take another tenant's wallet ids as
 * unknown: a hold and a multi-leg transaction into one are refused, and nothing moves or is held.
 */
describe("money paths given another tenant's wallet", () => {
  let t: TestApp;
  const TENANT_H = 'ten_money_h';
  beforeAll(async () => {
    t = await startTestApp();
    await inSystemScope(() => t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'H')", [TENANT_H]));
  });
  afterAll(() => t.close());

  /** As the owner: the truth in the database, whatever tenant a row is in. */
  async function wallet(id: string) {
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ balance: bigint; held: bigint }>('SELECT balance, held FROM wallets WHERE id = $1', [id]),
    );
    return rows[0]!;
  }

  async function parties() {
    const payer = await registerTenantUser(t, TENANT_H);
    const from = await createWallet(t, payer);
    const admin = await registerTenantUser(t, TENANT_H, 'admin');
    const funded = await t
      .http()
      .post(`/api/v1/admin/wallets/${from.id}/adjustments`)
      .set(admin.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '1000', reason: 'test funding' });
    expect(funded.status).toBe(201);
    const own = await createWallet(t, await registerTenantUser(t, TENANT_H));
    const foreign = await createWallet(t, await registerTenantUser(t, DEFAULT_TENANT_ID));
    return { payer, from, own, foreign };
  }

  it("when a tenant's user places a hold payable to another tenant's wallet, then it is refused and nothing is held", async () => {
    const { payer, from, foreign } = await parties();
    const res = await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: foreign.id, amount: '100' });
    expect([404, 422]).toContain(res.status);
    expect(await wallet(from.id)).toEqual({ balance: 1000n, held: 0n });
  });

  it("when a tenant's user posts a multi-leg transaction with a leg into another tenant's wallet, then none of it posts", async () => {
    const { payer, from, own, foreign } = await parties();
    const legs = [
      { fromWalletId: from.id, toWalletId: own.id, amount: '100', currency: 'USD' },
      { fromWalletId: from.id, toWalletId: foreign.id, amount: '100', currency: 'USD' },
    ];
    const res = await t.http().post('/api/v1/transactions').set(payer.auth).set('Idempotency-Key', randomUUID()).send({ legs });
    expect([404, 422]).toContain(res.status);
    expect(await wallet(from.id)).toEqual({ balance: 1000n, held: 0n });
    expect(await wallet(own.id)).toEqual({ balance: 0n, held: 0n });
    expect(await wallet(foreign.id)).toEqual({ balance: 0n, held: 0n });
  });
});
