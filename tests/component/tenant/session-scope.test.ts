import { Client } from 'pg';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { inSystemScope, inTenant } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { addTenants } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

const url = process.env.DATABASE_URL;
const TENANT_C = 'ten_session_c';

/**
 * DATABASE_SESSION_SCOPE (docs/tenants.md#isolation): a pooled PostgreSQL connection keeps its
 * tenant scope for its session, and a statement in the scope the connection has goes bare. One
 * connection (poolMax 1) serves every statement here, so each must find the scope it asked for
 * whatever ran on the connection before. The tenants table is under row-level security: a tenant
 * sees its own row only, the owner every row.
 */
(url ? describe : describe.skip)('tenant scope kept per session (PostgreSQL)', () => {
  let t: TestApp;
  let schema: string;
  const sent: string[] = [];
  let spy: jest.SpyInstance;
  const opened: PostgresDatabase[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await addTenants(t, TENANT_C);
    schema = (await inSystemScope(() => t.container.db.query<{ schema: string }>('SELECT current_schema() AS schema'))).rows[0]!.schema;
    // Called back with the client as `this`, below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const query = Client.prototype.query as (...args: unknown[]) => unknown;
    spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string };
      sent.push(typeof first === 'string' ? first : first.text);
      return query.apply(this, args);
    } as never);
  });
  afterAll(async () => {
    spy.mockRestore();
    await Promise.all(opened.map((db) => db.close()));
    await t.close();
  });

  function oneConnection(sessionScope: boolean): PostgresDatabase {
    const db = new PostgresDatabase({ connectionString: url!, poolMax: 1, schema, sessionScope });
    opened.push(db);
    return db;
  }

  const tenantsSeen = (db: PostgresDatabase) =>
    db
      .query<{ id: string }>('SELECT id FROM tenants WHERE id = ANY($1) ORDER BY id', [[DEFAULT_TENANT_ID, TENANT_C]])
      .then((r) => r.rows.map((row) => row.id));

  /** What the connection was sent while `work` ran. */
  async function sentDuring(work: () => Promise<unknown>): Promise<string[]> {
    const from = sent.length;
    await work();
    return sent.slice(from);
  }

  it('when one connection serves tenant A, tenant C and the owner in turn, then each statement sees only its own scope', async () => {
    const db = oneConnection(true);
    expect(await inTenant(DEFAULT_TENANT_ID, () => tenantsSeen(db))).toEqual([DEFAULT_TENANT_ID]);
    expect(await inTenant(TENANT_C, () => tenantsSeen(db))).toEqual([TENANT_C]);
    expect(await inSystemScope(() => tenantsSeen(db))).toEqual([DEFAULT_TENANT_ID, TENANT_C]);
    expect(await inTenant(TENANT_C, () => tenantsSeen(db))).toEqual([TENANT_C]);
    expect(await inTenant('', () => tenantsSeen(db))).toEqual([]);
    expect(await inTenant(TENANT_C, () => db.transaction((tx) => tx.query('SELECT id FROM tenants')))).toMatchObject({
      rows: [{ id: TENANT_C }],
    });
    expect(await inSystemScope(() => tenantsSeen(db))).toEqual([DEFAULT_TENANT_ID, TENANT_C]);
  });

  it('when a statement follows one in the same tenant, then it goes bare; when the tenant changes, the scope is set in a transaction of its own', async () => {
    const db = oneConnection(true);
    await inTenant(TENANT_C, () => tenantsSeen(db));
    const again = await sentDuring(() => inTenant(TENANT_C, () => tenantsSeen(db)));
    expect(again).toEqual([expect.stringContaining('FROM tenants')]);
    const changed = await sentDuring(() => inTenant(DEFAULT_TENANT_ID, () => tenantsSeen(db)));
    expect(changed).toEqual([
      `BEGIN; SET ROLE ocp_tenant; SET ocp.tenant_id = '${DEFAULT_TENANT_ID}'`,
      expect.stringContaining('FROM tenants'),
      'COMMIT',
    ]);
    const transaction = await sentDuring(() => inTenant(DEFAULT_TENANT_ID, () => db.transaction((tx) => tx.query('SELECT 1'))));
    expect(transaction).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
  });

  it('when a statement that changes the scope fails, then the scope is set again for the next one, which sees its own tenant only', async () => {
    const db = oneConnection(true);
    await inTenant(DEFAULT_TENANT_ID, () => tenantsSeen(db));
    await expect(inTenant(TENANT_C, () => db.query('SELECT 1 / 0'))).rejects.toMatchObject({ code: '22012' });
    // Rolled back with its SETs: the session is A's again, so C's next statement must set C once more.
    expect(await inTenant(TENANT_C, () => tenantsSeen(db))).toEqual([TENANT_C]);
    await expect(inTenant(DEFAULT_TENANT_ID, () => db.transaction((tx) => tx.query('SELECT 1 / 0')))).rejects.toMatchObject({
      code: '22012',
    });
    expect(await inTenant(TENANT_C, () => tenantsSeen(db))).toEqual([TENANT_C]);
    expect(await inTenant(DEFAULT_TENANT_ID, () => tenantsSeen(db))).toEqual([DEFAULT_TENANT_ID]);
  });

  it('when a transaction that changes the scope goes on past a failed statement, then its COMMIT is a rollback and the next statement sets the scope again', async () => {
    const db = oneConnection(true);
    await inTenant(DEFAULT_TENANT_ID, () => tenantsSeen(db));
    await inTenant(TENANT_C, () =>
      db.transaction(async (tx) => {
        await tx.query('SELECT 1 / 0').catch(() => undefined);
      }),
    );
    // The session is A's again (the SETs were rolled back): C's statement must not go bare.
    expect(await inTenant(TENANT_C, () => tenantsSeen(db))).toEqual([TENANT_C]);
  });

  it('when sessions keep no scope (behind pgbouncer), then every tenant statement sets it for its own transaction, and the owner statements go bare', async () => {
    const db = oneConnection(false);
    await inTenant(TENANT_C, () => tenantsSeen(db));
    const again = await sentDuring(() => inTenant(TENANT_C, () => tenantsSeen(db)));
    expect(again).toEqual([
      `BEGIN; SET LOCAL ROLE ocp_tenant; SET LOCAL ocp.tenant_id = '${TENANT_C}'`,
      expect.stringContaining('FROM tenants'),
      'COMMIT',
    ]);
    expect(await inSystemScope(() => tenantsSeen(db))).toEqual([DEFAULT_TENANT_ID, TENANT_C]);
  });
});
