import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { captureHold, createHold, fundsOf, payerAndPayee, voidHold } from '../../support/holds';
import { createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { PGBOUNCER_BIN, postgresBinDir, startPgbouncer, startPrimary, type OwnCluster, type OwnPgbouncer } from '../../support/pg-cluster';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

// The money paths through pgbouncer in transaction pooling mode: each transaction may get a
// different server connection, so nothing may rely on session state (named prepared statements
// are off: DATABASE_PREPARED_STATEMENTS=false). A cluster of the test's own, never the shared one.
const bin = postgresBinDir();
const missing = !process.env.DATABASE_URL
  ? 'needs DATABASE_URL'
  : !bin
    ? 'no PostgreSQL binaries under /usr/lib/postgresql'
    : !existsSync(PGBOUNCER_BIN)
      ? 'pgbouncer is not installed (apt-get install -y pgbouncer)'
      : undefined;
if (missing) process.stdout.write(`pgbouncer.test.ts skipped: ${missing}\n`);

(missing ? describe.skip : describe)('OCP through pgbouncer (pool_mode=transaction)', () => {
  let cluster: OwnCluster;
  let bouncer: OwnPgbouncer;
  let db: PostgresDatabase;
  let t: TestApp;

  beforeAll(async () => {
    cluster = await startPrimary(bin!);
    await cluster.psql('CREATE DATABASE ocp_test');
    // Fewer server connections than the app's pool: transactions must share them.
    bouncer = await startPgbouncer(cluster, 'ocp_test', 4);
    db = new PostgresDatabase({ connectionString: bouncer.url('ocp_test'), poolMax: 20, preparedStatements: false });
    t = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'false' }, { db });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
    await bouncer?.stop();
    await cluster?.stop();
  }, 30_000);

  it('when 60 transfers run at once both ways between wallets, then every one posts and no money is created or lost', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const wa = await createWallet(t, a);
    const wb = await createWallet(t, b);
    await fund(t, wa.id, 10_000);
    await fund(t, wb.id, 10_000);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? transfer(t, a, { fromWalletId: wa.id, toWalletId: wb.id, amount: '7' })
          : transfer(t, b, { fromWalletId: wb.id, toWalletId: wa.id, amount: '3' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201));
    expect((await fundsOf(t, a.auth, wa.id)).balance).toBe(10_000n - 30n * 7n + 30n * 3n);
    expect((await fundsOf(t, b.auth, wb.id)).balance).toBe(10_000n + 30n * 7n - 30n * 3n);
    expect(await ledgerInvariants(t)).toEqual({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when the same transfer is retried with its key, concurrently and after, then it posts once and replays the same reply', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const wa = await createWallet(t, a);
    const wb = await createWallet(t, b);
    await fund(t, wa.id, 1_000);
    const key = randomUUID();
    const body = { fromWalletId: wa.id, toWalletId: wb.id, amount: '100' };
    const together = await Promise.all(Array.from({ length: 5 }, () => transfer(t, a, body, key)));
    const later = await transfer(t, a, body, key);
    const posted = [...together, later].filter((r) => r.status === 201);
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(posted.map((r) => r.body.id)).size).toBe(1);
    // Concurrent duplicates either replay or are told the first is still running.
    expect(together.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(later.status).toBe(201);
    expect((await fundsOf(t, a.auth, wa.id)).balance).toBe(900n);
  });

  it('when a capture and a void race on each of 20 holds, then exactly one of each pair wins', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t, 100_000);
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '100' };
    const holds = await Promise.all(Array.from({ length: 20 }, () => createHold(t, payer.auth, body)));
    expect(holds.map((r) => r.status)).toEqual(Array(20).fill(201));
    const outcomes = await Promise.all(
      holds.map((h) => Promise.all([captureHold(t, payee.auth, h.body.id), voidHold(t, payer.auth, h.body.id)])),
    );
    for (const [capture, voided] of outcomes) expect([capture!.status, voided!.status].sort()).toEqual([200, 409]);
    const captured = outcomes.filter(([capture]) => capture!.status === 200).length;
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({
      balance: 100_000n - 100n * BigInt(captured),
      available: 100_000n - 100n * BigInt(captured),
      held: 0n,
    });
  });

  it('when a multi-leg transaction posts, then all its legs commit together and read back', async () => {
    const buyer = await registerUser(t);
    const seller = await registerUser(t);
    const source = await createWallet(t, buyer);
    const sellerWallet = await createWallet(t, seller);
    const feeWallet = await createWallet(t, seller);
    await fund(t, source.id, 1_000);
    const legs = [
      { fromWalletId: source.id, toWalletId: sellerWallet.id, amount: '900', currency: 'USD' },
      { fromWalletId: source.id, toWalletId: feeWallet.id, amount: '100', currency: 'USD' },
    ];
    const res = await t.http().post('/api/v1/transactions').set(buyer.auth).set('Idempotency-Key', randomUUID()).send({ legs });
    expect(res.status).toBe(201);
    const read = await t.http().get(`/api/v1/transactions/multi-leg/${res.body.id}`).set(buyer.auth);
    expect(read.status).toBe(200);
    expect(read.body.legs).toHaveLength(2);
    expect((await fundsOf(t, buyer.auth, source.id)).balance).toBe(0n);
    expect((await fundsOf(t, seller.auth, sellerWallet.id)).balance).toBe(900n);
  });
});
