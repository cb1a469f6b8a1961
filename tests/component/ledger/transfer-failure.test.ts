import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

describe('a failure in the middle of a transfer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the credit fails after the debit was applied, then no entry and no balance change remain, and a retry runs', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    const entriesBefore = await t.container.db.query('SELECT count(*)::int AS n FROM transactions');

    // A real fault inside the database transaction: the debit UPDATE has run, the credit UPDATE raises.
    await inSystemScope(() =>
      t.container.db.exec(`
      CREATE FUNCTION fail_credit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER fail_credit BEFORE UPDATE ON wallets FOR EACH ROW
        WHEN (NEW.id = '${to.id}') EXECUTE FUNCTION fail_credit();`),
    );
    const key = randomUUID();
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '400' };
    const failed = await transfer(t, alice, body, key);
    expect(failed.status).toBe(500);
    expect(failed.body.error).toEqual({ code: 'internal_error', message: expect.any(String), requestId: expect.any(String) });
    expect(await balanceOf(t, from.id)).toBe(1_000n);
    expect(await balanceOf(t, to.id)).toBe(0n);
    expect((await t.container.db.query('SELECT count(*)::int AS n FROM transactions')).rows).toEqual(entriesBefore.rows);

    await inSystemScope(() => t.container.db.exec('DROP TRIGGER fail_credit ON wallets; DROP FUNCTION fail_credit();'));
    const retried = await transfer(t, alice, body, key);
    expect(retried.status).toBe(201);
    expect(await balanceOf(t, to.id)).toBe(400n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0 });
  });
});
