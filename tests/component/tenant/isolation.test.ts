import { randomUUID } from 'node:crypto';
import { inSystemScope, inTenant } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Tenants are isolated (docs/tenants.md): every cross-tenant read and write is refused as if the row
 * did not exist, and row-level security holds even for a statement that forgets its tenant.
 * Concurrency runs on PostgreSQL when DATABASE_URL is set (PGlite runs one transaction at a time).
 */
describe('tenant isolation', () => {
  let t: TestApp;
  const TENANT_C = 'ten_isolation_c';
  beforeAll(async () => {
    t = await startTestApp();
    await inSystemScope(async () => {
      await t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'C')", [TENANT_C]);
      await t.container.db.query('INSERT INTO tenant_hostnames (hostname, tenant_id) VALUES ($1, $2)', ['c.tenants.test', TENANT_C]);
    });
  });
  afterAll(() => t.close());

  type Party = Awaited<ReturnType<typeof registerTenantUser>>;
  const http = () => t.http();

  async function walletOf(user: Party, currency = 'USD'): Promise<string> {
    const res = await http().post('/api/v1/wallets').set(user.auth).send({ currency });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function fund(admin: Party, walletId: string, amount: string) {
    const res = await http()
      .post(`/api/v1/admin/wallets/${walletId}/adjustments`)
      .set(admin.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount, reason: 'test funding' });
    expect(res.status).toBe(201);
  }

  /** As the owner: the truth in the database, whatever tenant a row is in. */
  async function balance(walletId: string): Promise<bigint> {
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ balance: bigint }>('SELECT balance FROM wallets WHERE id = $1', [walletId]),
    );
    return rows[0]!.balance;
  }

  async function twoTenants() {
    const a = await registerTenantUser(t, DEFAULT_TENANT_ID);
    const aAdmin = await registerTenantUser(t, DEFAULT_TENANT_ID, 'admin');
    const c = await registerTenantUser(t, TENANT_C);
    const cAdmin = await registerTenantUser(t, TENANT_C, 'admin');
    const aWallet = await walletOf(a);
    const cWallet = await walletOf(c);
    await fund(aAdmin, aWallet, '5000');
    await fund(cAdmin, cWallet, '5000');
    return { a, aAdmin, c, cAdmin, aWallet, cWallet };
  }

  it('when a statement runs for no tenant, then row-level security shows it no rows, while the owner sees them', async () => {
    const { aWallet, cWallet } = await twoTenants();
    const ids = [aWallet, cWallet];
    const none = await inTenant('', () => t.container.db.query('SELECT id FROM wallets WHERE id = ANY($1)', [ids]));
    expect(none.rows).toEqual([]);
    const inC = await inTenant(TENANT_C, () => t.container.db.query<{ id: string }>('SELECT id FROM wallets WHERE id = ANY($1)', [ids]));
    expect(inC.rows.map((r) => r.id)).toEqual([cWallet]);
    const owner = await inSystemScope(() => t.container.db.query('SELECT id FROM wallets WHERE id = ANY($1)', [ids]));
    expect(owner.rows).toHaveLength(2);
    // Nor can a tenant's statement write a row into another tenant.
    await expect(
      inTenant(TENANT_C, () =>
        t.container.db.query("UPDATE wallets SET label = 'taken' WHERE id = $1 RETURNING id", [aWallet]).then((r) => r.rowCount),
      ),
    ).resolves.toBe(0);
  });

  it("when tenant C's user and admin reach for tenant A's wallet, transfers and customer, then every read and write is refused and nothing moves", async () => {
    const { a, c, cAdmin, aWallet, cWallet } = await twoTenants();
    const transferA = await http()
      .post('/api/v1/wallet/transfer')
      .set(a.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ fromWalletId: aWallet, toWalletId: await walletOf(await registerTenantUser(t, DEFAULT_TENANT_ID)), amount: '100' });
    expect(transferA.status).toBe(201);

    const reads = [
      http().get(`/api/v1/wallets/${aWallet}`).set(c.auth),
      http().get(`/api/v1/wallets/${aWallet}/transactions`).set(c.auth),
      http().get(`/api/v1/admin/customers/${a.id}`).set(cAdmin.auth),
    ];
    for (const res of await Promise.all(reads)) expect(res.status).toBe(404);

    const search = await http().get('/api/v1/admin/customers').query({ q: a.email }).set(cAdmin.auth);
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([]);

    // Writes: a transfer into A's wallet, an adjustment of it, a freeze of it.
    const into = await http()
      .post('/api/v1/wallet/transfer')
      .set(c.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ fromWalletId: cWallet, toWalletId: aWallet, amount: '100' });
    expect([404, 422]).toContain(into.status);
    const adjust = await http()
      .post(`/api/v1/admin/wallets/${aWallet}/adjustments`)
      .set(cAdmin.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '100', reason: 'cross-tenant' });
    expect(adjust.status).toBe(404);
    const freeze = await http().post(`/api/v1/admin/wallets/${aWallet}/freeze`).set(cAdmin.auth).send({ reason: 'cross-tenant' });
    expect(freeze.status).toBe(404);

    expect(await balance(aWallet)).toBe(4900n);
    expect(await balance(cWallet)).toBe(5000n);
  });

  it('when the same email signs up in two tenants (one by its host name), then both accounts exist and each login gets its own tenant', async () => {
    const email = `twin-${randomUUID()}@example.com`;
    const password = 'correct-horse-battery';
    const onA = await http().post('/api/v1/auth/register').send({ email, password });
    const onC = await http().post('/api/v1/auth/register').set('Host', 'c.tenants.test').send({ email, password });
    expect(onA.status).toBe(201);
    expect(onC.status).toBe(201);
    expect(onC.body.user.id).not.toBe(onA.body.user.id);

    const login = await http().post('/api/v1/auth/login').set('Host', 'c.tenants.test').send({ email, password });
    expect(login.status).toBe(200);
    const claims = JSON.parse(Buffer.from(String(login.body.accessToken).split('.')[1]!, 'base64url').toString()) as {
      tid: string;
      sub: string;
    };
    expect(claims).toMatchObject({ tid: TENANT_C, sub: onC.body.user.id });
    // The token, not the host, decides: C's token sent to A's host still sees C's account only.
    const me = await http()
      .get('/api/v1/wallets')
      .set({ Authorization: `Bearer ${login.body.accessToken}` });
    expect(me.status).toBe(200);
    // A refresh token of C, presented on A's host, is rotated in C.
    const refreshed = await http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const refreshedClaims = JSON.parse(Buffer.from(String(refreshed.body.accessToken).split('.')[1]!, 'base64url').toString()) as {
      tid: string;
    };
    expect(refreshedClaims.tid).toBe(TENANT_C);
  });

  it('when two tenants transfer concurrently, then each keeps its own money and its own books balance', async () => {
    const parties = await Promise.all(
      [DEFAULT_TENANT_ID, TENANT_C].map(async (tenant) => {
        const payer = await registerTenantUser(t, tenant);
        const payee = await registerTenantUser(t, tenant);
        const admin = await registerTenantUser(t, tenant, 'admin');
        const from = await walletOf(payer);
        const to = await walletOf(payee);
        await fund(admin, from, '3000');
        return { tenant, payer, from, to };
      }),
    );
    const sends = parties.flatMap(({ payer, from, to }) =>
      Array.from({ length: 40 }, () =>
        http()
          .post('/api/v1/wallet/transfer')
          .set(payer.auth)
          .set('Idempotency-Key', randomUUID())
          .send({ fromWalletId: from, toWalletId: to, amount: '100' }),
      ),
    );
    const statuses = (await Promise.all(sends)).map((res) => res.status);
    // 3,000 pays 30 transfers of 100 in each tenant; the other 10 are refused for funds.
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);
    expect(statuses.filter((s) => s !== 201 && s !== 422)).toEqual([]);
    for (const { from, to } of parties) {
      expect(await balance(from)).toBe(0n);
      expect(await balance(to)).toBe(3000n);
    }
    // Each tenant's entries sum to zero on its own (its system accounts are its own).
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ tenant_id: string; total: bigint }>(
        'SELECT tenant_id, sum(amount) AS total FROM transactions WHERE tenant_id = ANY($1) GROUP BY tenant_id',
        [[DEFAULT_TENANT_ID, TENANT_C]],
      ),
    );
    expect(rows.map((r) => [r.tenant_id, BigInt(r.total)]).sort()).toEqual([
      [DEFAULT_TENANT_ID, 0n],
      [TENANT_C, 0n],
    ]);
  });
});
